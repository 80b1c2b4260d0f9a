"""S4 convnet training step (batch 64, 28x28x1; Conv2D 16/32, pooling, Conv2D 32/16):
lamina vs Keras 3 vs a hand-written torch loop. Each is the best of three 2-epoch runs."""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import backend, report, run_snippet  # noqa: E402

SETUP = """
import time, json, numpy as np
rng = np.random.default_rng(0)
x = rng.random((64 * 20, 28, 28, 1), dtype=np.float32)
"""

FRAMEWORK = SETUP + """
import {mod} as K
L = K.layers
model = K.Sequential([K.Input((28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.Conv2D(32, 3, activation="relu"),
                      L.MaxPooling2D(3), L.Conv2D(32, 3, activation="relu"), L.Conv2D(16, 3, activation="relu"),
                      L.GlobalMaxPooling2D(), L.Dense(784)])
model.compile(optimizer="rmsprop", loss="mse")
y = x.reshape(len(x), 784)
model.fit(x, y, batch_size=64, epochs=1, verbose=0)
best = float("inf")
for _ in range(3):  # best of three: the machine is noisy
    t = time.perf_counter(); model.fit(x, y, batch_size=64, epochs=2, verbose=0); best = min(best, time.perf_counter() - t)
print("RESULT " + json.dumps({{"step": best / 40}}))
"""

RAW_TORCH = SETUP + """
import torch
nn = torch.nn
net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(3),
                    nn.Conv2d(32, 32, 3), nn.ReLU(), nn.Conv2d(32, 16, 3), nn.ReLU(), nn.AdaptiveMaxPool2d(1),
                    nn.Flatten(), nn.Linear(16, 784))
opt = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(); yt = torch.from_numpy(x.reshape(len(x), 784))
def epoch():
    for i in range(0, len(x), 64):
        opt.zero_grad(); loss = ((net(xt[i:i + 64]) - yt[i:i + 64]) ** 2).mean(); loss.backward(); opt.step()
epoch()
best = float("inf")
for _ in range(3):
    t = time.perf_counter(); epoch(); epoch(); best = min(best, time.perf_counter() - t)
print("RESULT " + json.dumps({"step": best / 40}))
"""


def main():
    b = backend()
    lam = run_snippet(FRAMEWORK.format(mod="lamina"), {"LAMINA_BACKEND": b})
    ker = run_snippet(FRAMEWORK.format(mod="keras"), {"KERAS_BACKEND": b})
    raw = run_snippet(RAW_TORCH)
    rows = {name: r.get("step", r.get("error")) for name, r in (("lamina", lam), ("keras3", ker), ("raw_torch", raw))}
    report("S4 convnet training step, batch 64", rows, ["keras3", "raw_torch"])
    return rows


if __name__ == "__main__":
    main()
