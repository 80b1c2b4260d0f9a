"""The base of Keras 3's image augmentation layers (colour, geometric, mixing).

As in Keras 3, ``call(data, training=True)``: a direct call augments, ``training=False``
(``predict``, ``evaluate``) passes images through. ``data`` is an image tensor (3-D or 4-D)
or a dict with ``"images"`` (and ``"labels"``, which mixing layers blend).
"""

from lamina import ops
from lamina import random as lamina_random
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.image_layers import check_images, hw_axes, standardize_data_format


def check_value_range(layer_name, value_range):
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2:
        raise ValueError(f"{layer_name}: `value_range` must be a pair (low, high). Received: value_range={value_range!r}")
    return sorted(value_range)


def check_range_factor(layer_name, arg, factor, bounds, symmetric=True):
    """Keras's factor rule: a pair is sorted; a number ``f`` gives ``(max(-|f|, low), |f|)`` (or ``(low, f)``)."""
    low, high = bounds
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2:
            raise ValueError(f"{layer_name}: `{arg}` must be a number or a pair. Received: {arg}={factor!r}")
        lower, upper = sorted(factor)
        if lower < low or upper > high:
            raise ValueError(f"{layer_name}: `{arg}` must lie in [{low}, {high}]. Received: {arg}={factor!r}")
        return (lower, upper)
    if not isinstance(factor, (int, float)) or isinstance(factor, bool):
        raise ValueError(f"{layer_name}: `{arg}` must be a number or a pair. Received: {arg}={factor!r}")
    if factor < low or factor > high:
        raise ValueError(f"{layer_name}: `{arg}` must lie in [{low}, {high}]. Received: {arg}={factor!r}")
    factor = abs(factor)
    return (max(-factor, low), factor) if symmetric else (low, factor)


def rescale(images, source, target):
    """Maps values linearly from the ``source`` range to the ``target`` range."""
    if tuple(source) == tuple(target):
        return images
    return (images - source[0]) / (source[1] - source[0]) * (target[1] - target[0]) + target[0]


class ImageAugmentation(Layer):
    """Base of the augmentation layers; a subclass implements ``augment(images)``.

    ``augment`` receives a 4-D batch in ``self.data_format`` and the compute dtype and
    returns the augmented batch. Layers that blend labels implement
    ``augment_with_labels(images, labels)`` instead. ``_applies_at_inference`` marks the
    deterministic layers that Keras applies whatever ``training`` is.
    """

    _applies_at_inference = False
    _config_keys = ()

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = lamina_random.SeedGenerator(seed)
        self.data_format = standardize_data_format(data_format, type(self).__name__)

    def call(self, data, training=True):
        if training is None:
            training = True
        if isinstance(data, dict):
            if "images" not in data:
                raise ValueError(f"{type(self).__name__}: a dict input needs an 'images' key. Received keys: "
                                 f"{sorted(data)}")
            out = dict(data)
            images, labels = self._apply(data["images"], data.get("labels"), training)
            out["images"] = images
            if labels is not None:
                out["labels"] = labels
            return out
        return self._apply(data, None, training)[0]

    def _apply(self, images, labels, training):
        check_images(self, images.shape)
        images = ops.cast(images, self.compute_dtype)
        if not (training or self._applies_at_inference):
            return images, labels
        unbatched = len(images.shape) == 3
        batch = ops.expand_dims(images, 0) if unbatched else images
        if labels is not None:
            label_batch = ops.expand_dims(labels, 0) if unbatched else labels
            batch, label_batch = self.augment_with_labels(batch, ops.cast(label_batch, self.compute_dtype))
            labels = ops.squeeze(label_batch, 0) if unbatched else label_batch
        else:
            batch = self.augment(batch)
        return (ops.squeeze(batch, 0) if unbatched else batch), labels

    def augment(self, images):
        raise NotImplementedError(f"{type(self).__name__} must implement augment(images)")

    def augment_with_labels(self, images, labels):
        return self.augment(images), labels

    # -- helpers for subclasses ---------------------------------------------------
    def uniform(self, shape, lower, upper, dtype=None):
        return lamina_random.uniform(shape, minval=lower, maxval=upper, dtype=dtype or self.compute_dtype,
                                     seed=self.seed_generator)

    def per_image(self, values):
        """A ``(batch,)`` tensor shaped to broadcast against a 4-D batch."""
        return ops.reshape(values, (-1, 1, 1, 1))

    def hw_axes(self):
        return hw_axes(4, self.data_format)

    def channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        for key in self._config_keys:
            value = getattr(self, key)
            config[key] = list(value) if isinstance(value, tuple) and key == "value_range" else value
        return config
