"""LSTM(128) training step over 100 steps of 32 features, batch 64 (regression head, SGD):
lamina vs Keras 3 (same backend) vs a hand-written baseline (JAX: a jitted lax.scan LSTM;
torch: torch.nn.LSTM). Times the second epoch of 20 batches and reports ms per step."""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import backend, report, run_snippet  # noqa: E402

STEPS = 20
SETUP = f"""
import time, json, numpy as np
rng = np.random.default_rng(0)
N = {STEPS}
x = rng.normal(size=(N * 64, 100, 32)).astype(np.float32)
y = rng.normal(size=(N * 64, 1)).astype(np.float32)
"""

FRAMEWORK = SETUP + """
import {mod} as K
inputs = K.Input(shape=(100, 32))
model = K.Model(inputs, K.layers.Dense(1)(K.layers.LSTM(128)(inputs)))
model.compile(loss="mse", optimizer=K.optimizers.SGD(0.01))
t = time.perf_counter(); model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False); first = time.perf_counter() - t
t = time.perf_counter(); model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False); second = time.perf_counter() - t
# Steps of later epochs inside one fit() call: the per-call fixed cost is paid once per call.
t = time.perf_counter(); model.fit(x, y, batch_size=64, epochs=3, verbose=0, shuffle=False); three = time.perf_counter() - t
print("RESULT " + json.dumps({{"first": first, "step": second / N, "in_fit": (three - second) / (2 * N)}}))
"""

RAW_JAX = SETUP + """
import jax, jax.numpy as jnp
k = jax.random.split(jax.random.PRNGKey(0), 3)
u = 128
params = [jax.random.normal(k[0], (32, 4 * u)) * 0.1, jax.random.normal(k[1], (u, 4 * u)) * 0.1,
          jnp.zeros(4 * u), jax.random.normal(k[2], (u, 1)) * 0.1, jnp.zeros(1)]
def loss_fn(p, xb, yb):
    z_x = xb @ p[0] + p[2]                         # (B, T, 4u): input projection for all steps
    def cell(carry, z):
        h, c = carry
        z = z + h @ p[1]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None
    h0 = jnp.zeros((xb.shape[0], u))
    (h, _), _ = jax.lax.scan(cell, (h0, h0), jnp.swapaxes(z_x, 0, 1))
    return jnp.mean((h @ p[3] + p[4] - yb) ** 2)
def step(p, batch):
    loss, g = jax.value_and_grad(loss_fn)(p, *batch)
    return [pi - 0.01 * gi for pi, gi in zip(p, g)], loss
@jax.jit
def epoch(p, xs, ys):
    p, losses = jax.lax.scan(step, p, (xs, ys))
    return p, losses[-1]
xs = jnp.asarray(x.reshape(N, 64, 100, 32)); ys = jnp.asarray(y.reshape(N, 64, 1))
t = time.perf_counter(); out = epoch(params, xs, ys); jax.block_until_ready(out); first = time.perf_counter() - t
t = time.perf_counter(); out = epoch(out[0], xs, ys); jax.block_until_ready(out); second = time.perf_counter() - t
print("RESULT " + json.dumps({"first": first, "step": second / N}))
"""

RAW_TORCH = SETUP + """
import torch
torch.manual_seed(0)
lstm = torch.nn.LSTM(32, 128, batch_first=True); head = torch.nn.Linear(128, 1)
opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.01)
xt, yt = torch.from_numpy(x), torch.from_numpy(y)
def run():
    for i in range(N):
        opt.zero_grad()
        out, (h, c) = lstm(xt[i * 64:(i + 1) * 64])
        loss = torch.mean((head(h[0]) - yt[i * 64:(i + 1) * 64]) ** 2)
        loss.backward(); opt.step()
t = time.perf_counter(); run(); first = time.perf_counter() - t
t = time.perf_counter(); run(); second = time.perf_counter() - t
print("RESULT " + json.dumps({"first": first, "step": second / N}))
"""


def main():
    env = {"KERAS_BACKEND": backend()}
    rows = {}
    lamina = run_snippet(FRAMEWORK.format(mod="lamina"), env)
    rows["lamina"] = lamina.get("step", lamina.get("error"))
    if "in_fit" in lamina:
        rows["lamina in fit"] = lamina["in_fit"]
    raw = run_snippet(RAW_JAX if backend() == "jax" else RAW_TORCH, env)
    rows["raw " + backend()] = raw.get("step", raw.get("error"))
    keras = run_snippet(FRAMEWORK.format(mod="keras"), env)
    rows["keras3"] = keras.get("step", "not available: " + str(keras.get("error", ""))[-200:])
    if "in_fit" in keras:
        rows["keras3 in fit"] = keras["in_fit"]
    report("LSTM(128) x 100 steps, batch 64: time per training step", rows,
           ["raw " + backend(), "keras3", "keras3 in fit"])


if __name__ == "__main__":
    main()
