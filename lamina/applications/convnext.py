"""ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al., 2022), with Keras's layer names.

With ``include_preprocessing=True`` (the default) a ``Normalization`` with the ImageNet
statistics opens the model, so it takes raw [0, 255] images; ``preprocess_input`` returns
its input unchanged. Only the ``channels_last`` image format is supported, as in Keras.
"""

from lamina import backend, layers, ops
from lamina import random as _random
from lamina.applications import imagenet_utils
from lamina.applications._zoo import KerasApplicationLayer, fetch_weights
from lamina.initializers import Constant
from lamina.models.functional import Functional
from lamina.models.sequential import Sequential

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# (include_top sha256, notop sha256) of the published files.
_HASHES = {
    "tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
             "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
              "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
             "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
              "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
               "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
# variant: (blocks per stage, channels per stage)
_VARIANTS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}
_LAYER_SCALE_INIT = 1e-6
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


class LayerScale(KerasApplicationLayer):
    """Multiplies each channel by a learned scale (Touvron et al., 2021), started small.

    Args:
        init_values: the scales' initial value.
        projection_dim: number of channels (the last axis).

    Example:
        >>> layer = lamina.applications.convnext.LayerScale(0.5, 3)
        >>> lamina.ops.convert_to_numpy(layer(lamina.ops.ones((1, 3)))).tolist()
        [[0.5, 0.5, 0.5]]
    """

    keras_module = "keras.src.applications.convnext"

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != self.projection_dim:
            raise ValueError(f"LayerScale '{self.name}': the input's last axis must have projection_dim="
                             f"{self.projection_dim} channels. Received input shape {tuple(input_shape)}")
        # Unnamed, as in Keras (its variable is called "variable").
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=Constant(self.init_values),
                                     trainable=True)

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


class StochasticDepth(KerasApplicationLayer):
    """Drops a whole residual branch per sample while training (Huang et al., 2016).

    Kept samples are divided by the keep probability; at inference the layer is the identity.

    Args:
        drop_path_rate: probability of dropping a sample's branch, in [0, 1).

    Example:
        >>> layer = lamina.applications.convnext.StochasticDepth(0.5)
        >>> lamina.ops.convert_to_numpy(layer(lamina.ops.ones((2, 3)))).tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """

    keras_module = "keras.src.applications.convnext"

    def __init__(self, drop_path_rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(drop_path_rate, bool) or not isinstance(drop_path_rate, (int, float)) \
                or not 0 <= drop_path_rate < 1:
            raise ValueError(f"StochasticDepth: `drop_path_rate` must be a float in [0, 1). "
                             f"Received: drop_path_rate={drop_path_rate!r}")
        self.drop_path_rate = drop_path_rate
        self.seed = seed
        self.seed_generator = _random.SeedGenerator(seed)
        self.built = True

    def call(self, x, training=None):
        if not training or self.drop_path_rate == 0:
            return x
        keep = 1.0 - self.drop_path_rate
        shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        mask = ops.floor(keep + _random.uniform(shape, seed=self.seed_generator, dtype=x.dtype))
        return x / keep * mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["drop_path_rate"] = self.drop_path_rate
        if self.seed is not None:
            config["seed"] = self.seed
        return config


def _block(x, dim, drop_path_rate, layer_scale_init, name):
    """Depthwise 7x7 conv, LayerNorm, 4x MLP with GELU, layer scale, residual add."""
    inputs = x
    x = layers.Conv2D(dim, 7, padding="same", groups=dim, name=f"{name}_depthwise_conv")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
    x = layers.Dense(4 * dim, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(dim, name=f"{name}_pointwise_conv_2")(x)
    if layer_scale_init is not None:
        x = LayerScale(layer_scale_init, dim, name=f"{name}_layer_scale")(x)
    if drop_path_rate:
        x = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")(x)
    else:
        x = layers.Activation("linear", name=f"{name}_identity")(x)
    # An op node, not an Add layer, as in Keras's graph.
    return inputs + x


def _convnext(variant, function, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name, drop_path_rate=0.0, layer_scale_init=_LAYER_SCALE_INIT):
    if backend.image_data_format() != "channels_last":
        raise ValueError(f"{function}: ConvNeXt supports only the 'channels_last' image data format. "
                         f"Received: image_data_format={backend.image_data_format()!r}")
    depths, dims = _VARIANTS[variant]
    input_shape = imagenet_utils.check_arguments(function, weights, include_top, classes, input_shape, 224, 32,
                                                 pooling=pooling)
    imagenet_utils.check_classifier_activation(function, classifier_activation, weights if include_top else None)
    x, inputs = imagenet_utils.image_input(input_tensor, input_shape)
    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(mean=[m * 255 for m in _IMAGENET_MEAN], variance=[(s * 255) ** 2 for s in _IMAGENET_STD],
                                 name=f"{name}_prestem_normalization")(x)
    stages = [Sequential([layers.Conv2D(dims[0], 4, strides=4, name=f"{name}_stem_conv"),
                          layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                         name=f"{name}_stem")]
    for i in range(3):
        stages.append(Sequential([layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
                                  layers.Conv2D(dims[i + 1], 2, strides=2, name=f"{name}_downsampling_conv_{i}")],
                                 name=f"{name}_downsampling_block_{i}"))
    total = sum(depths)
    # Drop rates grow linearly from 0 (first block) to drop_path_rate (last).
    rates = [drop_path_rate * k / (total - 1) if total > 1 else 0.0 for k in range(total)]
    done = 0
    for i, (downsample, depth, dim) in enumerate(zip(stages, depths, dims)):
        x = downsample(x)
        for j in range(depth):
            x = _block(x, dim, rates[done + j], layer_scale_init, name=f"{name}_stage_{i}_block_{j}")
        done += depth
    if include_top:
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = Functional(inputs, x, name=name)
    filename = f"convnext_{variant}{'.h5' if include_top else '_notop.h5'}"
    fetch_weights(model, weights, filename, _WEIGHTS_URL + filename, _HASHES[variant][0 if include_top else 1])
    return model


_DOC = """ConvNeXt{v} (Liu et al., 2022).

    Args:
        include_top: include the classification head (pooling, layer norm, dense).
        include_preprocessing: normalize [0, 255] input inside the model (needed for the ImageNet weights).
        weights: ``None`` (random), ``"imagenet"`` (downloaded once and cached) or a file path.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: image shape (default 224x224x3); at least 32x32.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top`` is False (a layer norm follows).
        classes: number of classes when ``include_top`` is True.
        classifier_activation: activation of the last layer (``None`` for logits).
        name: the model's name; it prefixes every layer name.
"""


def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_tiny"):
    return _convnext("tiny", "ConvNeXtTiny", include_top, include_preprocessing, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name)


def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_small"):
    return _convnext("small", "ConvNeXtSmall", include_top, include_preprocessing, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_base"):
    return _convnext("base", "ConvNeXtBase", include_top, include_preprocessing, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name)


def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_large"):
    return _convnext("large", "ConvNeXtLarge", include_top, include_preprocessing, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation, name)


def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                   name="convnext_xlarge"):
    return _convnext("xlarge", "ConvNeXtXLarge", include_top, include_preprocessing, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation, name)


for _fn, _variant in ((ConvNeXtTiny, "Tiny"), (ConvNeXtSmall, "Small"), (ConvNeXtBase, "Base"),
                      (ConvNeXtLarge, "Large"), (ConvNeXtXLarge, "XLarge")):
    _fn.__doc__ = _DOC.format(v=_variant)
del _fn, _variant
ConvNeXtTiny.__doc__ += """
    Example:
        >>> model = lamina.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=10)
        >>> model.output_shape
        (None, 10)
"""


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: ConvNeXt models normalize their input themselves.

    Example:
        >>> lamina.applications.convnext.preprocess_input(255.0)
        255.0
    """
    return x


decode_predictions = imagenet_utils.decode_predictions
