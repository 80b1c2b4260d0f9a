"""Runs every trainer benchmark for the backend in LAMINA_BACKEND (jax by default).

    LAMINA_BACKEND=jax python bench/run_all.py
    LAMINA_BACKEND=torch python bench/run_all.py
"""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])

import bench_convnet  # noqa: E402
import bench_cv  # noqa: E402
import bench_import  # noqa: E402
import bench_mlp  # noqa: E402
import bench_predict  # noqa: E402

if __name__ == "__main__":
    for module in (bench_mlp, bench_cv, bench_convnet, bench_predict, bench_import):
        module.main()
