"""Large training arrays are used by the CPU device in place; gathered rows must be exact
whatever the alignment of the array's memory."""

import numpy as np
import pytest

import lamina

pytestmark = pytest.mark.skipif(lamina.backend.backend() != "jax", reason="the JAX executor keeps data on the device")


@pytest.mark.parametrize("shift", [0, 1, 3, 12, 15])
@pytest.mark.parametrize("row_shape", [(800,), (7,), (20, 3)])
def test_shared_rows_gather_exactly(shift, row_shape):
    from lamina.backend import step
    from lamina.backend.jax.step_data import _gather

    rows = (5_000_000 // int(np.prod(row_shape))) + 11
    base = np.random.default_rng(shift).random(rows * int(np.prod(row_shape)) + 16, dtype=np.float32)
    arr = base[shift:shift + rows * int(np.prod(row_shape))].reshape((rows,) + row_shape)
    resident = step.StepExecutor(lambda d: d, lambda: []).make_resident((arr,))[0]
    assert tuple(resident.shape) == arr.shape
    idx = np.array([0, 1, 2, 3, rows - 1, rows // 2, 5, 0], "int32")
    got = np.asarray(_gather((resident,), idx)[0])
    np.testing.assert_array_equal(got, arr[idx])


def test_fit_on_large_unaligned_array_matches_the_copy_path(monkeypatch):
    from lamina.backend.jax import step_data

    rng = np.random.default_rng(0)
    big = rng.random(6001 * 784 + 5, dtype=np.float32)[3:3 + 6000 * 784].reshape(6000, 784)
    y = rng.integers(0, 10, 6000).astype("int32")

    def run(x):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([lamina.layers.Input((784,)), lamina.layers.Dense(16, activation="relu"),
                                   lamina.layers.Dense(10)])
        model.compile(optimizer="rmsprop", loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        return model.fit(x, y, batch_size=64, epochs=2, verbose=0).history

    shared = run(big)  # 18.8 MB: shared in place
    monkeypatch.setattr(step_data, "_ZERO_COPY_BYTES", 1 << 40)
    copied = run(big)
    for key in shared:
        np.testing.assert_allclose(shared[key], copied[key], rtol=1e-5)
