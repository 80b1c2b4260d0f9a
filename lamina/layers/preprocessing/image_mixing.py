"""Keras 3's layers that mix images of a batch (MixUp, CutMix) and ``Pipeline``."""

from lamina import ops
from lamina import random as lamina_random
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.image_base import ImageAugmentation, check_range_factor
from lamina.saving import serialization_lib


def _mix_labels(labels, weight, order):
    weight = ops.reshape(weight, (-1,) + (1,) * (len(labels.shape) - 1))
    return weight * labels + (1.0 - weight) * ops.take(labels, order, axis=0)


class MixUp(ImageAugmentation):
    """Blends each image (and its label) with another of the batch while training (Zhang et al., 2017).

    Image ``i`` becomes ``w x_i + (1 - w) x_j`` for a random partner ``j`` (a shuffle of the
    batch) and a weight ``w ~ Beta(alpha, alpha)`` per image. Pass
    ``{"images": ..., "labels": ...}`` to blend one-hot labels the same way.

    Args:
        alpha: the Beta distribution's parameter.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: integer seed.

    Example:
        >>> out = lamina.layers.MixUp(seed=1)({"images": np.ones((4, 8, 8, 3)), "labels": np.eye(4)})
        >>> ops.shape(out["images"]), ops.shape(out["labels"])
        ((4, 8, 8, 3), (4, 4))
    """

    _config_keys = ("alpha", "seed")

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number. Received: alpha={alpha!r}")
        self.alpha = alpha

    def _draw(self, batch):
        order = lamina_random.shuffle(ops.arange(batch), seed=self.seed_generator)
        weight = lamina_random.beta((batch,), self.alpha, self.alpha, dtype=self.compute_dtype,
                                    seed=self.seed_generator)
        return order, weight

    def augment_with_labels(self, images, labels):
        order, weight = self._draw(images.shape[0])
        mixed = self.per_image(weight) * images + (1.0 - self.per_image(weight)) * ops.take(images, order, axis=0)
        return mixed, (None if labels is None else _mix_labels(labels, weight, order))

    def augment(self, images):
        return self.augment_with_labels(images, None)[0]


class CutMix(ImageAugmentation):
    """Pastes a random box of another image of the batch into each image while training (Yun et al., 2019).

    The box covers about ``1 - w`` of the image, ``w ~ Beta(a, a)`` per image with ``a``
    drawn from ``factor``'s range; labels (in ``{"images": ..., "labels": ...}``) are mixed by
    the area the box actually covers. Unbatched images pass through.

    Args:
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> out = lamina.layers.CutMix(seed=1)({"images": np.ones((4, 8, 8, 3)), "labels": np.eye(4)})
        >>> ops.shape(out["labels"])
        (4, 4)
    """

    _config_keys = ("factor", "seed")

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = check_range_factor("CutMix", "factor", factor, (0, 1))

    def _apply(self, images, labels, training):
        if len(images.shape) == 3:
            return ops.cast(images, self.compute_dtype), labels
        return super()._apply(images, labels, training)

    def augment_with_labels(self, images, labels):
        batch = images.shape[0]
        h_axis, w_axis = self.hw_axes()
        height, width = images.shape[h_axis], images.shape[w_axis]
        alpha = self.uniform((), self.factor[0], self.factor[1]) + 1e-6
        ratio = ops.sqrt(1.0 - lamina_random.beta((batch,), alpha, alpha, dtype=self.compute_dtype,
                                                  seed=self.seed_generator))
        inside, extents = None, []
        for axis, length in ((w_axis, width), (h_axis, height)):
            extent = ratio * length
            start = self.uniform((batch,), 0.0, 1.0) * (length - extent)
            shape = [1, 1, 1, 1]
            shape[axis] = length
            grid = ops.reshape(ops.cast(ops.arange(length), self.compute_dtype), shape)
            part = ops.logical_and(grid >= self.per_image(start), grid < self.per_image(start + extent))
            inside = part if inside is None else ops.logical_and(inside, part)
            extents.append(extent)
        order = lamina_random.shuffle(ops.arange(batch), seed=self.seed_generator)
        mixed = ops.where(inside, ops.take(images, order, axis=0), images)
        if labels is None:
            return mixed, None
        weight = 1.0 - extents[0] * extents[1] / (width * height)
        return mixed, _mix_labels(labels, weight, order)

    def augment(self, images):
        return self.augment_with_labels(images, None)[0]


class Pipeline(Layer):
    """Applies a list of layers in turn, passing ``training`` to each (a sequence of augmentations).

    Unlike ``Sequential`` it is a layer, not a model: it takes dicts of images and labels
    as well as tensors.

    Args:
        layers: the layers to apply, in order.
        name: the layer's name.

    Example:
        >>> pipe = lamina.layers.Pipeline([lamina.layers.AutoContrast(), lamina.layers.RandomInvert(seed=1)])
        >>> ops.shape(pipe(np.random.rand(2, 4, 4, 3) * 255))
        (2, 4, 4, 3)
    """

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(la, Layer) for la in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of layers. Received: layers={layers!r}")
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True):
        for layer in self._pipeline_layers:
            inputs = layer(inputs, training=training)
        return inputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        return {"name": self.name,
                "layers": [serialization_lib.serialize_keras_object(la) for la in self._pipeline_layers]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if not isinstance(config.get("layers"), (list, tuple)):
            raise ValueError(f"Pipeline.from_config: `layers` must be a list of serialized layers. Received: "
                             f"{config.get('layers')!r}")
        config["layers"] = [serialization_lib.deserialize_keras_object(la) for la in config["layers"]]
        return cls(**config)
