"""Subprocess worker for the robustness tests (kept out of the pytest process so that a
crash or a hang in a loader shows up as a failed test, not a dead test run).

Usage: python _robustness_worker.py kill|fuzz <folder>   -> prints one JSON line.
"""

import json
import os
import random
import signal
import sys
import time
import zipfile

import numpy as np

import lamina


def _model(seed):
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.Dense(2)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    return model


def kill(folder):
    path = os.path.join(folder, "m.keras")
    x = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    models = [_model(1), _model(2)]
    expected = [m.predict(x, verbose=0) for m in models]
    for m in models:
        m.save(path)  # warm up (and cache host copies of the weights before forking)
    rng = random.Random(0)
    outcomes = []
    for _ in range(24):
        pid = os.fork()
        if pid == 0:  # child: save the two models in turn until killed
            i = 0
            while True:
                models[i % 2].save(path)
                i += 1
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        try:
            got = lamina.saving.load_model(path).predict(x, verbose=0)
            match = [bool(np.allclose(got, e, atol=1e-6)) for e in expected]
            outcomes.append("old-or-new" if any(match) else "wrong-values")
        except Exception as e:  # noqa: BLE001 - reported to the test
            outcomes.append(f"unloadable: {type(e).__name__}: {e}")
    return {"outcomes": outcomes}


def _variants(data, rng):
    yield "empty", b""
    for frac in (0.1, 0.5, 0.9, 0.99):
        yield f"truncated-{frac}", data[: int(len(data) * frac)]
    for i in range(25):
        flipped = bytearray(data)
        pos = rng.randrange(len(flipped))
        flipped[pos] ^= 1 << rng.randrange(8)
        yield f"bitflip-{pos}", bytes(flipped)
    yield "garbage", bytes(rng.randrange(256) for _ in range(2000))


def _rezip(src, dest, drop=(), replace=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            zout.writestr(name, (replace or {}).get(name, zin.read(name)))


def fuzz(folder):
    rng = random.Random(1)
    model = _model(3)
    archive = os.path.join(folder, "good.keras")
    weights = os.path.join(folder, "good.weights.h5")
    model.save(archive)
    model.save_weights(weights)
    model.save(os.path.join(folder, "legacy.h5"))
    results = []

    def attempt(kind, path, fn):
        start = time.time()
        try:
            fn(path)
            results.append({"case": kind, "outcome": "loaded"})
        except (ValueError, TypeError) as e:
            named = os.path.basename(path) in str(e)
            results.append({"case": kind, "outcome": "clear-error" if named else f"unnamed: {e}"})
        except Exception as e:  # noqa: BLE001 - an unexpected exception type is a finding
            results.append({"case": kind, "outcome": f"raw {type(e).__name__}: {e}"})
        results[-1]["seconds"] = round(time.time() - start, 3)

    for source, loader in ((archive, lamina.saving.load_model), (weights, model.load_weights),
                           (os.path.join(folder, "legacy.h5"), lamina.saving.load_model)):
        with open(source, "rb") as f:
            data = f.read()
        for name, variant in _variants(data, rng):
            path = os.path.join(folder, f"{name}-{os.path.basename(source)}")
            with open(path, "wb") as f:
                f.write(variant)
            attempt(f"{os.path.basename(source)}:{name}", path, loader)
    members = {
        "no-config": dict(drop=("config.json",)),
        "no-weights": dict(drop=("model.weights.h5",)),
        "bad-json": dict(replace={"config.json": b"{not json"}),
        "weights-not-h5": dict(replace={"model.weights.h5": b"plain text"}),
        "config-not-model": dict(replace={"config.json": b"[1, 2, 3]"}),
    }
    for name, spec in members.items():
        path = os.path.join(folder, f"{name}.keras")
        _rezip(archive, path, **spec)
        attempt(f"member:{name}", path, lamina.saving.load_model)
    return {"results": results}


if __name__ == "__main__":
    mode, folder = sys.argv[1], sys.argv[2]
    print(json.dumps({"kill": kill, "fuzz": fuzz}[mode](folder)))
