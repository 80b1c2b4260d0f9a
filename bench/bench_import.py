"""Import time: `import lamina` vs `import keras` on the same backend vs the framework alone."""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import backend, report, run_snippet  # noqa: E402

CODE = """
import time, json
t = time.perf_counter()
import {mod}
print("RESULT " + json.dumps({{"t": time.perf_counter() - t}}))
"""


def main():
    b = backend()
    rows = {}
    for name, mod, env in (("lamina", "lamina", {"LAMINA_BACKEND": b}), ("keras3", "keras", {"KERAS_BACKEND": b}),
                           (b, b, {})):
        res = [run_snippet(CODE.format(mod=mod), env).get("t") for _ in range(3)]
        res = [r for r in res if isinstance(r, float)]
        rows[name] = min(res) if res else "error"
    report("import time (best of 3)", rows, ["keras3", b])
    return rows


if __name__ == "__main__":
    main()
