"""Every layer of the installed Keras reads and writes configs that lamina reads and writes.

The layers are enumerated from ``keras.layers`` itself, so a layer or a config key that a
newer Keras adds makes these tests fail until lamina accepts it (and does what it means):

- each Keras constructor argument is a named argument of the lamina layer (not swallowed
  by ``**kwargs``);
- the config Keras writes for a layer built with its defaults loads in lamina, and lamina
  writes every key back with the same value;
- that lamina config loads in Keras and gives Keras's own config again;
- for a set of layers, a ``.keras`` file saved by one side predicts the same on the other.
"""

import inspect
import json

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip

keras = keras_or_skip()

# Keras layers that lamina does not have at all (out of scope here), with the reason.
LAMINA_LACKS = {
    "ContrastLimitedAdaptiveHistogramEqualization": "image augmentation layer not implemented in lamina",
    "MaxNumBoundingBoxes": "bounding-box preprocessing is not implemented in lamina",
    "ReversibleEmbedding": "ReversibleEmbedding is not implemented in lamina",
    "TFSMLayer": "loads TensorFlow SavedModels, which need TensorFlow",
}

# Small values for the arguments Keras layers require (a new required argument fails the test).
REQUIRED = {
    "activation": "relu", "rate": 0.5, "pool_size": 2, "height": 4, "width": 4, "filters": 2, "kernel_size": 3,
    "units": 3, "axes": 1, "equation": "ab,bc->ac", "output_shape": 4, "input_dim": 5, "output_dim": 3,
    "stddev": 0.1, "head_dim": 4, "num_query_heads": 2, "num_key_value_heads": 1, "num_bins": 4, "num_heads": 2,
    "key_dim": 4, "dims": (1,), "factor": 0.1, "height_factor": 0.1, "width_factor": 0.1, "n": 2, "scale": 0.5,
    "target_shape": (2,), "output_size": 2,
}
# Layers whose defaults alone do not make a usable layer in Keras.
EXTRA = {"CategoryEncoding": {"num_tokens": 4}, "Discretization": {"num_bins": 3}, "InputLayer": {"shape": (3,)},
         "Pipeline": {"layers": []}, "RandomPosterization": {"factor": 4}}
# Wrappers of native code: no default config exists (they need a module or a function, on one
# backend); tests/layers/test_native_wrappers.py covers their configs and files.
NEEDS_NATIVE_CODE = {"FlaxLayer", "JaxLayer", "TorchModuleWrapper"}
# Keras 3.15 refuses to build these without TensorFlow; their arguments are still checked below.
NEEDS_TENSORFLOW = {"Hashing", "HashedCrossing", "IntegerLookup", "StringLookup", "TextVectorization"}

# Keys Keras writes inside nested objects that lamina's owners outside layers/ drop at their
# neutral value (initializers' VarianceScaling axes). The test checks Keras wrote the neutral value.
DROPPED_AT_NEUTRAL = {"input_axes": None, "output_axes": None}

# Gaps in files owned outside this test's scope; strict, so fixing one makes the test fail until removed.
KNOWN_GAPS = {
}


def _keras_layer_names():
    return sorted(n for n in dir(keras.layers)
                  if inspect.isclass(getattr(keras.layers, n)) and issubclass(getattr(keras.layers, n), keras.layers.Layer))


def _cases(kind):
    for name in _keras_layer_names():
        marks = []
        if (kind, name) in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(kind, name)]))
        yield pytest.param(name, marks=marks, id=name)


def _lamina_class(name):
    if name in LAMINA_LACKS:
        assert not hasattr(lamina.layers, name), f"lamina has {name} now: remove it from LAMINA_LACKS"
        pytest.skip(f"known gap: {LAMINA_LACKS[name]}")
    assert hasattr(lamina.layers, name), (
        f"Keras {keras.__version__} has layer {name}; lamina has none. Implement it or list it in LAMINA_LACKS.")
    return getattr(lamina.layers, name)


def _named_arguments(cls):
    """Arguments named in ``cls.__init__`` and in each ``__init__`` its ``**kwargs`` reach."""
    names = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
        if klass is lamina.layers.Layer:
            from lamina.layers.layer import _BASE_KWARGS

            names |= set(_BASE_KWARGS)
            break
    return names - {"self"}


def _keras_layer(name):
    cls = getattr(keras.layers, name)
    kwargs = dict(EXTRA.get(name, {}))
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.default is not p.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or p.name in kwargs:
            continue
        if p.name == "layer":
            kwargs["layer"] = keras.layers.LSTM(2, return_sequences=True) if name == "Bidirectional" \
                else keras.layers.Dense(2)
        elif p.name == "cell":
            kwargs["cell"] = keras.layers.SimpleRNNCell(2)
        elif p.name == "cells":
            kwargs["cells"] = [keras.layers.SimpleRNNCell(2), keras.layers.SimpleRNNCell(3)]
        elif p.name == "function":
            kwargs["function"] = keras.activations.relu
        else:
            assert p.name in REQUIRED, f"Give Keras {name}'s required argument {p.name!r} a value in REQUIRED"
            kwargs[p.name] = REQUIRED[p.name]
    return cls(**kwargs)


def _plain(x):
    return json.loads(json.dumps(x, default=lambda o: list(o) if isinstance(o, tuple) else repr(o)))


def _without_neutral(x, where="config"):
    """Keras's config without the keys in DROPPED_AT_NEUTRAL, checking they hold that value."""
    if isinstance(x, list):
        return [_without_neutral(v, where) for v in x]
    if not isinstance(x, dict):
        return x
    out = {}
    for k, v in x.items():
        if k == "shared_object_id":
            continue
        if k in DROPPED_AT_NEUTRAL:
            assert v == DROPPED_AT_NEUTRAL[k], (
                f"Keras wrote {where}.{k}={v!r}; lamina only reads {DROPPED_AT_NEUTRAL[k]!r} there")
            continue
        out[k] = _without_neutral(v, f"{where}.{k}")
    return out


def _assert_keys_kept(expected, got, path):
    """Every key of Keras's ``expected`` config is in lamina's ``got`` with the same value."""
    if isinstance(expected, dict) and expected.get("class_name") == "__lambda__":
        assert isinstance(got, dict) and got.get("class_name") == "__lambda__", f"{path}: {got!r}"
        return
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{path}: Keras wrote {expected!r}, lamina wrote {got!r}"
        for key, value in expected.items():
            assert key in got, f"{path}: lamina does not write the key {key!r} (Keras wrote {value!r})"
            _assert_keys_kept(value, got[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"{path}: Keras {expected!r}, lamina {got!r}"
        for i, (e, g) in enumerate(zip(expected, got)):
            _assert_keys_kept(e, g, f"{path}[{i}]")
    else:
        assert expected == got, f"{path}: Keras wrote {expected!r}, lamina wrote {got!r}"


@pytest.mark.parametrize("name", list(_cases("arguments")))
def test_lamina_names_every_keras_argument(name):
    cls = _lamina_class(name)
    keras_params = inspect.signature(getattr(keras.layers, name).__init__).parameters.values()
    keras_args = {p.name for p in keras_params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)} - {"self"}
    missing = keras_args - _named_arguments(cls)
    assert not missing, f"lamina.layers.{name} does not take Keras {keras.__version__}'s arguments {sorted(missing)}"


@pytest.mark.parametrize("name", list(_cases("config")))
def test_keras_default_config_loads_in_lamina_and_back(name):
    cls = _lamina_class(name)
    if name in NEEDS_TENSORFLOW:
        pytest.skip(f"Keras {keras.__version__} builds {name} only with TensorFlow installed")
    if name in NEEDS_NATIVE_CODE:
        pytest.skip(f"{name} wraps a module or function of one engine; it has no default config")
    keras_config = _plain(keras.saving.serialize_keras_object(_keras_layer(name)))
    layer = lamina.saving.deserialize_keras_object(keras_config, safe_mode=False)
    assert isinstance(layer, cls)
    lamina_config = _plain(lamina.saving.serialize_keras_object(layer))
    assert lamina_config["class_name"] == keras_config["class_name"]
    _assert_keys_kept(_without_neutral(keras_config["config"]), lamina_config["config"], name)

    # lamina's config (with its own extra keys) loads in Keras and gives Keras's config again.
    again = keras.saving.deserialize_keras_object(lamina_config, safe_mode=False)
    assert _without_neutral(_plain(keras.saving.serialize_keras_object(again))["config"]) == \
        _without_neutral(keras_config["config"])


# -- non-default values of the newest keys, and .keras files both ways ------------------------------
def _functional(lib, layer, shape, two_inputs=False):
    x = lib.Input(shape)
    y = layer(x, x) if two_inputs else layer(x)
    return lib.Model(x, y)


def _predict(model, x):
    out = model.predict(x, verbose=0)
    return np.asarray(out)


ARCHIVE_CASES = [
    ("MultiHeadAttention", dict(num_heads=2, key_dim=3, use_gate=True, sliding_window=2), (6, 8), True),
    ("MultiHeadAttention", dict(num_heads=2, key_dim=3, use_bias=False, output_shape=5, sliding_window=1), (5, 4),
     True),
    ("GroupQueryAttention", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_gate=True,
                                 sliding_window=3), (6, 8), True),
    ("BatchNormalization", dict(renorm=True, renorm_clipping={"rmax": 1.5, "dmax": 0.3}, renorm_momentum=0.9),
     (4,), False),
    ("Normalization", dict(mean=[0.5, 1.0, -1.0], variance=[2.0, 1.0, 4.0]), (3,), False),
    ("Discretization", dict(bin_boundaries=[-0.5, 0.0, 0.5]), (3,), False),
    ("SpatialDropout1D", dict(rate=0.3), (5, 3), False),
    ("ConvLSTM1D", dict(filters=2, kernel_size=2, return_sequences=True), (3, 5, 2), False),
    ("Conv1DTranspose", dict(filters=2, kernel_size=3, strides=2), (5, 3), False),
]


def _randomize(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.5, 1.5, size=np.shape(w)).astype("float32") for w in model.get_weights()])


@pytest.mark.parametrize("name,kwargs,shape,two_inputs", ARCHIVE_CASES, ids=[c[0] + str(i) for i, c in
                                                                               enumerate(ARCHIVE_CASES)])
def test_keras_archive_predicts_the_same_in_lamina_and_back(tmp_path, name, kwargs, shape, two_inputs):
    x = np.random.default_rng(1).normal(size=(3,) + shape).astype("float32")
    kmodel = _functional(keras, getattr(keras.layers, name)(**kwargs), shape, two_inputs)
    _randomize(kmodel, 2)
    kmodel.save(str(tmp_path / "keras.keras"))
    lmodel = lamina.saving.load_model(str(tmp_path / "keras.keras"))
    expected = _predict(kmodel, x)
    np.testing.assert_allclose(_predict(lmodel, x), expected, rtol=1e-5, atol=1e-5)

    # and the reverse: a lamina model saved by lamina, read by Keras.
    ours = _functional(lamina, getattr(lamina.layers, name)(**kwargs), shape, two_inputs)
    _randomize(ours, 3)
    ours.save(str(tmp_path / "lamina.keras"))
    theirs = keras.saving.load_model(str(tmp_path / "lamina.keras"))
    np.testing.assert_allclose(_predict(theirs, x), _predict(ours, x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("use_causal_mask", [False, True])
@pytest.mark.parametrize("name,kwargs", [
    ("MultiHeadAttention", dict(num_heads=2, key_dim=3, use_gate=True, sliding_window=2)),
    ("GroupQueryAttention", dict(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_gate=True,
                                 sliding_window=2)),
])
def test_gated_sliding_window_attention_matches_keras(name, kwargs, use_causal_mask):
    rng = np.random.default_rng(0)
    q, v = rng.normal(size=(2, 7, 6)).astype("float32"), rng.normal(size=(2, 5, 6)).astype("float32")
    theirs, ours = getattr(keras.layers, name)(**kwargs), getattr(lamina.layers, name)(**kwargs)
    theirs(q, v, return_attention_scores=True)
    ours(q, v)
    assert [w.path.split("/", 1)[1] for w in theirs.weights] == [w.path.split("/", 1)[1] for w in ours.weights]
    ours.set_weights(theirs.get_weights())
    exp_out, exp_scores = theirs(q, v, return_attention_scores=True, use_causal_mask=use_causal_mask)
    out, scores = ours(q, v, return_attention_scores=True, use_causal_mask=use_causal_mask)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(exp_out),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(scores), keras.ops.convert_to_numpy(exp_scores),
                               rtol=1e-5, atol=1e-5)
    # the window: no weight on keys 2 or more steps away from the query
    far = np.abs(np.arange(7)[:, None] - np.arange(5)[None, :]) >= kwargs["sliding_window"]
    assert np.all(lamina.ops.convert_to_numpy(scores)[..., far] == 0)


def test_batch_renormalization_trains_as_keras():
    kwargs = dict(renorm=True, renorm_clipping={"rmin": 0.8, "rmax": 1.2, "dmax": 0.2}, renorm_momentum=0.7,
                  momentum=0.9)
    theirs, ours = keras.layers.BatchNormalization(**kwargs), lamina.layers.BatchNormalization(**kwargs)
    theirs.build((None, 3))
    ours.build((None, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    rng = np.random.default_rng(4)
    x = rng.normal(1.0, 2.0, size=(16, 3)).astype("float32")
    for _ in range(3):
        np.testing.assert_allclose(lamina.ops.convert_to_numpy(ours(x, training=True)),
                                   keras.ops.convert_to_numpy(theirs(x, training=True)), rtol=1e-5, atol=1e-5)
    for got, exp in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)),
                               rtol=1e-5, atol=1e-5)


def test_lookup_oov_buckets_follow_oov_method_and_salt():
    # The OOV bucket is the hash bucket TensorFlow's Hashing layer gives (lamina's Hashing matches TF).
    tokens = np.array([["a", "zz", "qq", "b", "x1", "x2", "x3"]])
    hashing = lamina.ops.convert_to_numpy(lamina.layers.Hashing(num_bins=3, salt=[7, 9])(tokens))
    lookup = lamina.layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3, salt=[7, 9])
    ids = lamina.ops.convert_to_numpy(lookup(tokens))
    oov = ~np.isin(tokens, ["a", "b"])
    np.testing.assert_array_equal(ids[oov], hashing[oov])
    assert lamina.layers.StringLookup.from_config(lookup.get_config()).salt == [7, 9]

    values = np.array([[1, 10, 12, 14, 2, 16, 18]])
    floormod = lamina.layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=3)
    farmhash = lamina.layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=3, oov_method="farmhash")
    oov = ~np.isin(values, [1, 2])
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(floormod(values))[oov], values[oov] % 3)
    hashed = lamina.ops.convert_to_numpy(lamina.layers.Hashing(num_bins=3)(values))
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(farmhash(values))[oov], hashed[oov])
    config = farmhash.get_config()
    assert config["oov_method"] == "farmhash"
    assert lamina.layers.IntegerLookup.from_config(config).oov_method == "farmhash"


@pytest.mark.parametrize("make,argument", [
    (lambda: lamina.layers.MultiHeadAttention(2, 3, sliding_window=0), "sliding_window"),
    (lambda: lamina.layers.GroupQueryAttention(3, 2, 1, sliding_window=1.5), "sliding_window"),
    (lambda: lamina.layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.0, "rmin": 2.0}), "rmax"),
    (lambda: lamina.layers.BatchNormalization(renorm=True, renorm_clipping={"r": 1.0}), "renorm_clipping"),
    (lambda: lamina.layers.IntegerLookup(oov_method="modulo"), "oov_method"),
    (lambda: lamina.layers.IntegerLookup(salt=3), "salt"),
    (lambda: lamina.layers.StringLookup(salt="pepper"), "salt"),
])
def test_bad_values_of_the_new_keys_name_layer_and_argument(make, argument):
    with pytest.raises(ValueError, match=argument) as info:
        make()
    assert any(n in str(info.value) for n in ("MultiHeadAttention", "GroupedQueryAttention", "BatchNormalization",
                                              "IntegerLookup", "StringLookup"))
