"""10-fold cross-validation of the seed's S3 model (768 x 8, 15 epochs, batch 10): lamina vs
Keras 3 on the same backend (a new model per fold, as cross_val_score does)."""

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import backend, report, run_snippet  # noqa: E402

CODE = """
import time, json, numpy as np
from sklearn.model_selection import StratifiedKFold
import {mod} as K
rng = np.random.default_rng(0)
X = rng.normal(size=(768, 8)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("float32")
def create_model():
    model = K.Sequential()
    model.add(K.layers.Dense(12, activation="relu"))
    model.add(K.layers.Dense(8, activation="relu"))
    model.add(K.layers.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
t = time.perf_counter()
scores = []
for train, test in StratifiedKFold(n_splits=10, shuffle=True, random_state=44).split(X, Y):
    model = create_model()
    model.fit(X[train], Y[train], epochs=15, batch_size=10, verbose=0)
    scores.append(model.evaluate(X[test], Y[test], verbose=0)[1])
print("RESULT " + json.dumps({{"total": time.perf_counter() - t, "acc": float(np.mean(scores))}}))
"""


def main():
    b = backend()
    lam = run_snippet(CODE.format(mod="lamina"), {"LAMINA_BACKEND": b})
    ker = run_snippet(CODE.format(mod="keras"), {"KERAS_BACKEND": b})
    rows = {"lamina": lam.get("total", lam.get("error")), "keras3": ker.get("total", ker.get("error"))}
    report("10-fold CV, S3 model, 15 epochs, batch 10", rows, ["keras3"])
    return rows


if __name__ == "__main__":
    main()
