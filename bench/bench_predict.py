"""predict() latency for one sample of the S2 MLP: lamina vs Keras 3 vs a raw forward."""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import backend, report, run_snippet  # noqa: E402

CODE = """
import time, json, numpy as np
import {mod} as K
inputs = K.Input(shape=(784,))
model = K.Model(inputs, K.layers.Dense(10)(K.layers.Dense(64, activation="relu")(inputs)))
x = np.random.rand(1, 784).astype("float32")
for _ in range(20):
    model.predict(x, verbose=0)
times = []
for _ in range(300):
    t = time.perf_counter(); model.predict(x, verbose=0); times.append(time.perf_counter() - t)
print("RESULT " + json.dumps({{"median": float(np.median(times))}}))
"""

RAW = {
    "jax": """
import time, json, numpy as np, jax, jax.numpy as jnp
w1, b1, w2, b2 = jnp.ones((784, 64)), jnp.zeros(64), jnp.ones((64, 10)), jnp.zeros(10)
f = jax.jit(lambda x, w1, b1, w2, b2: jax.nn.relu(x @ w1 + b1) @ w2 + b2)
x = np.random.rand(1, 784).astype("float32")
for _ in range(20):
    np.asarray(f(x, w1, b1, w2, b2))
times = []
for _ in range(300):
    t = time.perf_counter(); np.asarray(f(x, w1, b1, w2, b2)); times.append(time.perf_counter() - t)
print("RESULT " + json.dumps({"median": float(np.median(times))}))
""",
    "torch": """
import time, json, numpy as np, torch
net = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
x = np.random.rand(1, 784).astype("float32")
times = []
for i in range(320):
    t = time.perf_counter()
    with torch.no_grad():
        net(torch.from_numpy(x)).numpy()
    times.append(time.perf_counter() - t)
print("RESULT " + json.dumps({"median": float(np.median(times[20:]))}))
""",
}


def main():
    b = backend()
    lam = run_snippet(CODE.format(mod="lamina"), {"LAMINA_BACKEND": b})
    ker = run_snippet(CODE.format(mod="keras"), {"KERAS_BACKEND": b})
    raw = run_snippet(RAW[b])
    rows = {name: r.get("median", r.get("error")) for name, r in (("lamina", lam), ("keras3", ker), ("raw_" + b, raw))}
    report("predict() one sample (median)", rows, ["keras3", "raw_" + b])
    if isinstance(rows["lamina"], float) and isinstance(rows["raw_" + b], float):
        print(f"  lamina overhead over raw: {(rows['lamina'] - rows['raw_' + b]) * 1e3:.3f} ms")
    return rows


if __name__ == "__main__":
    main()
