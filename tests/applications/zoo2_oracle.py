"""Keras's answers for the second applications zoo, recorded once in ``zoo2_golden.json``.

Building these models in real Keras takes minutes on a shared CPU, so the parity tests compare
lamina with Keras's recorded layer names, weight shapes, parameter counts and predictions.
The predictions use weights drawn by ``deterministic_weights`` (the same draw on both sides,
from each weight's position, name and shape), so they need no weight file.

Regenerate (needs real Keras):
    KERAS_BACKEND=jax python tests/applications/zoo2_oracle.py
"""

import json
import os

import numpy as np

GOLDEN = os.path.join(os.path.dirname(__file__), "zoo2_golden.json")

# Models compared layer by layer and numerically: (function, image side, extra kwargs).
SMALL = {
    "EfficientNetB0": (32, {}),
    "EfficientNetV2B0": (32, {}),
    "ConvNeXtTiny": (32, {}),
    "InceptionV3": (75, {}),
    "InceptionResNetV2": (75, {}),
    "NASNetMobile": (32, {}),
}
# Models compared by layer count and parameter count only (built at their default size).
LARGE = ("EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
         "EfficientNetB7", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2S",
         "EfficientNetV2M", "EfficientNetV2L", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
         "NASNetLarge")
CLASSES = 7


def sample_images(side, batch=2):
    """The images the recorded predictions were made on: values in [0, 255]."""
    return np.random.RandomState(123).uniform(0, 255, (batch, side, side, 3)).astype("float32")


def keras_order(model):
    """The model's weights layer by layer, each layer's as it lists them: Keras's ``model.weights``."""
    out, seen = [], set()
    for layer in model.layers:
        for w in layer.weights:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
    return out


def deterministic_weights(variables):
    """One value per variable, drawn from its position, name and shape.

    Kernels get a He-like scale (depthwise ones by their window only) and normalization
    statistics stay near 1, so activations keep their size through deep networks.
    """
    values = []
    for i, w in enumerate(variables):
        shape = tuple(int(d) for d in w.shape)
        path = str(w.path)
        name = path.split("/")[-1]
        rng = np.random.RandomState(1000 + i)
        if name == "count":
            values.append(np.asarray(100, dtype="int32" if "int" in str(w.dtype) else str(w.dtype)))
            continue
        if name in ("moving_variance", "variance"):
            v = 1.0 + rng.uniform(0.0, 0.2, shape)
        elif name == "gamma":
            v = 1.0 + rng.uniform(-0.1, 0.1, shape)
        elif name in ("kernel", "depthwise_kernel", "pointwise_kernel") and len(shape) >= 2:
            depthwise = name == "depthwise_kernel" or "dwconv" in path
            fan_in = int(np.prod(shape[:2] if depthwise else shape[:-1]))
            v = rng.normal(0.0, np.sqrt(1.0 / fan_in), shape)
        else:
            v = rng.uniform(-0.1, 0.1, shape)
        values.append(v.astype("float32"))
    return values


def _record_small(keras, fn, side, kwargs):
    keras.utils.clear_session()
    model = getattr(keras.applications, fn)(weights=None, input_shape=(side, side, 3), classes=CLASSES,
                                            classifier_activation=None, **kwargs)
    model.set_weights(deterministic_weights(model.weights))
    for layer in model.layers:
        # Keras's Normalization reads a snapshot of its statistics taken by finalize_state;
        # set_weights alone leaves the old snapshot in place.
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()
    logits = model.predict(sample_images(side), verbose=0)
    return {"layers": [layer.name for layer in model.layers],
            "weights": [[str(w.path), [int(d) for d in w.shape]] for w in model.weights],
            "params": int(model.count_params()), "logits": logits.tolist()}


def _record_large(keras, fn):
    keras.utils.clear_session()
    model = getattr(keras.applications, fn)(weights=None)
    return {"num_layers": len(model.layers), "num_weights": len(model.weights), "params": int(model.count_params())}


def _numpy_initializers(keras):
    """Keras's random initializers drawn by NumPy: JAX would compile a kernel per weight shape."""
    import keras.src.backend as keras_backend

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(np.random.uniform(minval, maxval, shape).astype(dtype or "float32"))

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return keras.ops.convert_to_tensor(np.random.normal(mean, stddev, shape).astype(dtype or "float32"))

    for name, fn in (("uniform", uniform), ("normal", normal), ("truncated_normal", normal)):
        setattr(keras_backend.random, name, fn)


def main():
    import keras

    _numpy_initializers(keras)

    golden = {}
    if os.path.exists(GOLDEN):
        with open(GOLDEN) as f:
            golden = json.load(f)
    for fn, (side, kwargs) in SMALL.items():
        if fn not in golden:
            golden[fn] = _record_small(keras, fn, side, kwargs)
            print(fn, "recorded", flush=True)
            with open(GOLDEN, "w") as f:
                json.dump(golden, f)
    for fn in LARGE:
        if fn not in golden:
            golden[fn] = _record_large(keras, fn)
            print(fn, golden[fn], flush=True)
            with open(GOLDEN, "w") as f:
                json.dump(golden, f)


if __name__ == "__main__":
    main()
