"""No layer argument is accepted and silently ignored.

For every public layer in ``lamina.layers`` and every optional constructor argument, the
layer is built once with its defaults and once with that argument set to another value.
The argument must then be recorded in ``get_config()`` (and survive ``from_config``), or be
refused with an error that names it. Arguments that are used but, as in Keras, not part of
the config are listed in ``NOT_IN_CONFIG`` with the reason and a test of their effect.
"""

import inspect
import warnings

import numpy as np
import pytest

import lamina
from lamina import layers

# Required arguments of each layer that has some.
REQUIRED = {
    "Activation": {"activation": "relu"}, "AlphaDropout": {"rate": 0.1}, "CenterCrop": {"height": 2, "width": 2},
    "Dense": {"units": 2}, "DepthwiseConv1D": {"kernel_size": 2}, "DepthwiseConv2D": {"kernel_size": 2},
    "Dot": {"axes": 1}, "Dropout": {"rate": 0.1}, "EinsumDense": {"equation": "ab,bc->ac", "output_shape": 2},
    "Embedding": {"input_dim": 4, "output_dim": 2}, "GaussianDropout": {"rate": 0.1}, "GaussianNoise": {"stddev": 0.1},
    "GroupQueryAttention": {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1},
    "HashedCrossing": {"num_bins": 4}, "Hashing": {"num_bins": 4}, "Lambda": {"function": lamina.activations.relu},
    "MultiHeadAttention": {"num_heads": 2, "key_dim": 2}, "Permute": {"dims": (2, 1)},
    "RandomBrightness": {"factor": 0.1}, "RandomContrast": {"factor": 0.1}, "RandomCrop": {"height": 2, "width": 2},
    "RandomHeight": {"factor": 0.1}, "RandomRotation": {"factor": 0.1},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1}, "RandomWidth": {"factor": 0.1},
    "RandomZoom": {"height_factor": 0.1}, "RepeatVector": {"n": 2}, "Rescaling": {"scale": 0.5},
    "Reshape": {"target_shape": (2,)}, "Resizing": {"height": 2, "width": 2},
    "SpatialDropout1D": {"rate": 0.1}, "SpatialDropout2D": {"rate": 0.1}, "SpatialDropout3D": {"rate": 0.1},
    "RandomColorDegeneration": {"factor": 0.5}, "RandomHue": {"factor": 0.5}, "RandomPosterization": {"factor": 4},
    "RandomSaturation": {"factor": 0.5}, "RandomSharpness": {"factor": 0.5},
}
for _conv in ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "ConvLSTM1D",
              "ConvLSTM2D", "ConvLSTM3D", "SeparableConv1D", "SeparableConv2D"):
    REQUIRED[_conv] = {"filters": 2, "kernel_size": 2}
for _pool in ("AveragePooling1D", "AveragePooling2D", "AveragePooling3D"):
    REQUIRED[_pool] = {"pool_size": 2}
for _adaptive in ("AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
                  "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"):
    REQUIRED[_adaptive] = {"output_size": 2}
for _rnn in ("GRU", "GRUCell", "LSTM", "LSTMCell", "SimpleRNN", "SimpleRNNCell"):
    REQUIRED[_rnn] = {"units": 2}
# Layers that take a layer or cell: built around a small one.
WRAPPING = {
    "Bidirectional": lambda: {"layer": layers.LSTM(2)}, "TimeDistributed": lambda: {"layer": layers.Dense(2)},
    "RNN": lambda: {"cell": layers.SimpleRNNCell(2)},
    "StackedRNNCells": lambda: {"cells": [layers.SimpleRNNCell(2), layers.SimpleRNNCell(2)]},
    "Pipeline": lambda: {"layers": [layers.Rescaling(0.5)]}, "SpectralNormalization": lambda: {"layer": layers.Dense(2)},
}
ABSTRACT = {"Layer", "Wrapper", "InputLayer"}  # base classes; InputLayer is checked in tests/core
# Wrappers of one backend's native code: built from a torch module, a JAX function or a Flax
# module, so the generic walk cannot make them; tests/layers/test_native_wrappers.py checks
# each of their arguments (and that native_serialization_platforms is refused).
NATIVE = {"TorchModuleWrapper", "JaxLayer", "FlaxLayer"}

# A non-default value per argument name (where the default's type does not suggest one).
VALUES = {
    "activation": "relu", "recurrent_activation": "hard_sigmoid", "alpha_initializer": "ones",
    "beta_initializer": "ones", "bias_initializer": "ones", "depthwise_initializer": "ones",
    "embeddings_initializer": "ones", "gamma_initializer": "zeros", "kernel_initializer": "ones",
    "moving_mean_initializer": "ones", "moving_variance_initializer": "zeros", "pointwise_initializer": "ones",
    "recurrent_initializer": "ones", "data_format": "channels_first", "padding": "same", "seed": 7,
    "interpolation": "nearest", "fill_mode": "constant", "merge_mode": "sum", "mode": "horizontal",
    "output_mode": "count", "score_mode": "concat", "split": "character", "standardize": "lower",
    "encoding": "latin-1",
    "use_cudnn": False, "vocabulary_dtype": "string", "oov_token": "[OOV]", "value_range": (0, 1),
    "cropping": 2, "size": 3, "shared_axes": [1], "noise_shape": (1, 1), "max_value": 6.0, "axis": 1,
    "attention_axes": (1,), "bias_axes": "c", "output_shape": 3, "value_dim": 3, "max_tokens": 10,
    "mask_token": 0, "mask_value": -1.0, "num_tokens": 5, "ngrams": 2, "output_sequence_length": 4,
    "vocabulary": ["a", "b"], "idf_weights": [1.0, 1.0, 1.0], "mean": 0.5, "variance": 2.0, "bin_boundaries": [0.0],
    "num_bins": 3, "salt": 3, "width_factor": 0.2, "output_padding": 1, "strides": 3, "sliding_window": 2,
    "dtype": "float64", "name": "renamed", "lora_rank": 2, "lora_alpha": 4, "shape": (3,), "batch_size": 2,
    "batch_shape": (2, 3), "sparse": True, "ragged": True, "flash_attention": False, "arguments": {"k": 1},
    "mask": abs, "depth_multiplier": 2, "groups": 2, "pool_size": 3, "dilation_rate": 2, "momentum": 0.5,
    "oov_indices": 2, "oov_method": "farmhash",
}
for _kind in ("kernel", "bias", "activity", "recurrent", "beta", "gamma", "alpha", "depthwise", "pointwise",
              "embeddings"):
    VALUES[f"{_kind}_regularizer"] = "l2"
for _kind in ("kernel", "bias", "recurrent", "beta", "gamma", "alpha", "depthwise", "pointwise", "embeddings"):
    VALUES[f"{_kind}_constraint"] = "non_neg"

# (layer, argument) -> why it is not in the config; each is shown to act in a test below.
NOT_IN_CONFIG = {
    ("Embedding", "weights"): "sets the initial table (Keras does not store it either)",
    ("Embedding", "input_length"): "deprecated in Keras 3 (not in its config); it warns and checks the input length",
    ("Bidirectional", "weights"): "sets the initial weights of both directions (Keras does not store it either)",
    ("CategoryEncoding", "max_tokens"): "the old name of num_tokens; it sets num_tokens, which is in the config",
    ("LSTM", "use_cudnn"): "picks the fused kernel or not, with the same result; not saved, as in Keras",
    ("GRU", "use_cudnn"): "picks the fused kernel or not, with the same result; not saved, as in Keras",
    ("RandomGrayscale", "seed"): "seeds its draws; Keras 3 leaves it out of RandomGrayscale's config too",
}
# (layer, argument) -> the value to use instead of VALUES' (the generic one does not fit).
SPECIAL = {
    ("CategoryEncoding", "num_tokens"): 5, ("Discretization", "num_bins"): 3,
    ("Normalization", "axis"): 1, ("IntegerLookup", "vocabulary"): [1, 2], ("IntegerLookup", "oov_token"): -2,
    ("IntegerLookup", "mask_token"): 0, ("UpSampling2D", "interpolation"): "bilinear",
    ("Resizing", "fill_mode"): "reflect", ("BatchNormalization", "renorm_clipping"): {"rmax": 2.0},
    ("Lambda", "output_shape"): (3,), ("Lambda", "mask"): lamina.activations.relu, ("Embedding", "input_length"): 3,
    ("Embedding", "weights"): [np.ones((4, 2), "float32")], ("Bidirectional", "weights"): [np.ones((2, 8))],
    ("Bidirectional", "backward_layer"): layers.LSTM(2, go_backwards=True),
    ("Dense", "quantization_config"): {"mode": "int8"}, ("EinsumDense", "quantization_config"): {"mode": "int8"},
    ("EinsumDense", "gptq_unpacked_column_size"): 4,
    ("STFTSpectrogram", "mode"): "magnitude", ("STFTSpectrogram", "frame_step"): 64,
    ("STFTSpectrogram", "fft_length"): 512, ("STFTSpectrogram", "window"): "hamming",
    ("STFTSpectrogram", "scaling"): "spectrum", ("MelSpectrogram", "sequence_length"): 1024,
    ("MelSpectrogram", "window"): "hamming", ("MelSpectrogram", "max_freq"): 4000,
    ("Embedding", "quantization_config"): {"mode": "int8"}, ("StringLookup", "mask_token"): "", ("TextVectorization", "vocabulary"):
        ["a", "b"], ("EinsumDense", "bias_axes"): "c", ("GroupQueryAttention", "value_dim"): None,
    ("RandomColorJitter", "brightness_factor"): 0.2, ("RandomColorJitter", "contrast_factor"): 0.2,
    ("RandomColorJitter", "saturation_factor"): 0.5, ("RandomColorJitter", "hue_factor"): 0.2,
    ("RandomErasing", "scale"): (0.1, 0.2), ("RandomErasing", "fill_value"): 0.5,
    ("SpectralNormalization", "power_iterations"): 3,
}


def _public_layers():
    seen, out = set(), []
    for name in sorted(dir(layers)):
        cls = getattr(layers, name)
        if (name.startswith("_") or not inspect.isclass(cls) or not issubclass(cls, layers.Layer)
                or name in ABSTRACT or name in NATIVE or cls in seen):
            continue
        seen.add(cls)
        out.append((name, cls))
    return out


def _required(name):
    return WRAPPING[name]() if name in WRAPPING else dict(REQUIRED.get(name, {}))


def _other_value(layer_name, param):
    if (layer_name, param.name) in SPECIAL:
        return SPECIAL[(layer_name, param.name)]
    default = param.default
    if isinstance(default, bool):
        return not default
    if param.name in VALUES:
        return VALUES[param.name]
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default + 0.25 if default < 0.5 else default / 2
    return None


def _cases():
    for name, cls in _public_layers():
        for param in list(inspect.signature(cls.__init__).parameters.values())[1:]:
            if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL) or param.default is param.empty:
                continue
            yield pytest.param(name, cls, param, id=f"{name}.{param.name}")


def _construct(cls, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(**kwargs)


@pytest.mark.parametrize("name,cls,param", list(_cases()))
def test_every_argument_is_recorded_or_refused(name, cls, param):
    value = _other_value(name, param)
    assert value is not None, f"Give {name}.{param.name} a test value in VALUES or SPECIAL"
    base_kwargs = _required(name)
    baseline = _construct(cls, base_kwargs).get_config()
    try:
        layer = _construct(cls, {**_required(name), param.name: value})
    except (ValueError, TypeError) as e:
        assert param.name in str(e), f"{name}({param.name}={value!r}) failed without naming the argument: {e}"
        return
    config = layer.get_config()
    if (name, param.name) in NOT_IN_CONFIG:
        assert config.get(param.name) == baseline.get(param.name)
        return
    assert param.name in config, f"{name}({param.name}=...) is accepted but not in get_config()"
    assert config[param.name] != baseline.get(param.name), (
        f"{name}({param.name}={value!r}) left the config unchanged: {config[param.name]!r}")
    restored = cls.from_config(config).get_config()
    assert restored[param.name] == config[param.name], f"{name}.{param.name} was lost by from_config"


# -- the arguments outside the config act ------------------------------------------------------
def test_embedding_weights_set_the_table():
    table = np.arange(8, dtype="float32").reshape(4, 2)
    layer = layers.Embedding(4, 2, weights=[table])
    np.testing.assert_array_equal(lamina.backend.convert_to_numpy(layer(np.array([[3]]))), table[[[3]]])


def test_embedding_input_length_is_checked():
    with pytest.warns(UserWarning, match="input_length"):
        layer = layers.Embedding(4, 2, input_length=3)
    with pytest.raises(ValueError, match="input_length"):
        layer(np.zeros((1, 5), "int32"))


@pytest.mark.parametrize("make", [lambda **kw: layers.Dense(2, **kw), lambda **kw: layers.Embedding(4, 2, **kw),
                                  lambda **kw: layers.EinsumDense("ab,bc->ac", 2, **kw)])
def test_lora_alpha_with_lora_rank_is_in_the_config(make):
    assert make(lora_rank=2, lora_alpha=6).get_config()["lora_alpha"] == 6
    assert make(lora_rank=2).get_config()["lora_alpha"] == 2
    assert "lora_alpha" not in make().get_config()  # as Keras: no LoRA, no LoRA keys
    with pytest.raises(ValueError, match="lora_alpha has no effect without lora_rank"):
        make(lora_alpha=6)  # Keras accepts and drops it


def test_the_walk_covers_every_public_layer():
    covered = {name for name, _ in _public_layers()}
    assert {"Dense", "Embedding", "EinsumDense", "LSTM", "Conv2D", "MultiHeadAttention"} <= covered
    assert len(covered) > 80
    assert lamina.layers.Dense in {cls for _, cls in _public_layers()}


def test_category_encoding_max_tokens_is_num_tokens():
    assert layers.CategoryEncoding(max_tokens=5).get_config()["num_tokens"] == 5


@pytest.mark.parametrize("cls", [layers.LSTM, layers.GRU])
def test_use_cudnn_is_validated_and_kept(cls):
    assert cls(2, use_cudnn=False).use_cudnn is False
    with pytest.raises(ValueError, match="use_cudnn"):
        cls(2, use_cudnn="yes")


def test_bidirectional_weights_set_both_directions():
    probe = layers.Bidirectional(layers.SimpleRNN(2))
    probe.build((None, 3, 4))
    values = [np.full(w.shape, i + 1.0, "float32") for i, w in enumerate(probe.weights)]
    layer = layers.Bidirectional(layers.SimpleRNN(2), weights=values)
    layer.build((None, 3, 4))
    for got, want in zip(layer.get_weights(), values):
        np.testing.assert_array_equal(got, want)
