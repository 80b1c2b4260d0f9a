"""``Model``: a Layer that trains. ``Model(inputs, outputs)`` returns a Functional model."""

from lamina.layers.layer import Layer
from lamina.saving.model_saving import ModelSavingMixin
from lamina.trainers.trainer import Trainer


def _is_functional_call(args, kwargs):
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or
            ("inputs" in kwargs and "outputs" in kwargs))


_FUNCTIONAL_SUBCLASSES = {}


def _functional_subclass(cls, functional):
    """``cls`` mixed with Functional, for a Model subclass built as ``cls(inputs, outputs)``."""
    sub = _FUNCTIONAL_SUBCLASSES.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls, functional), {"__module__": cls.__module__,
                                                     "__qualname__": cls.__qualname__})
        _FUNCTIONAL_SUBCLASSES[cls] = sub
    return sub


class Model(Trainer, ModelSavingMixin, Layer):
    """A trainable model. Build it three ways:

    - Functional: ``Model(inputs, outputs, name=...)`` (returns a ``Functional``).
    - Sequential: ``lamina.Sequential([...])``.
    - Subclassing: define layers in ``__init__`` and the forward pass in ``call``.

    Example:
        >>> class MLP(lamina.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = lamina.layers.Dense(64, activation="relu")
        ...         self.out = lamina.layers.Dense(10)
        ...     def call(self, inputs):
        ...         return self.out(self.hidden(inputs))
        >>> MLP()(lamina.ops.ones((2, 784))).shape
        (2, 10)
    """

    def __new__(cls, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            if cls is Model:
                return Functional.__new__(Functional)
            if not issubclass(cls, Functional):
                # A Model subclass called with (inputs, outputs): a Functional with its methods.
                return object.__new__(_functional_subclass(cls, Functional))
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        Layer.__init__(self, *args, **kwargs)
        Trainer.__init__(self)

    def build(self, input_shape):
        """Builds a subclassed model by calling it once on zeros of ``input_shape``."""
        if self.built:
            return
        if type(self).call is Layer.call:
            self.built = True
            return
        import numpy as np

        from lamina import backend
        from lamina.backend import tree

        def zeros(shape):
            shape = tuple(1 if d is None else d for d in shape)
            return backend.convert_to_tensor(np.zeros(shape, dtype=backend.floatx()))

        from lamina.layers.layer import _to_tuples

        shapes = _to_tuples(input_shape)
        sample = tree.map_structure(zeros, shapes) if not isinstance(shapes, tuple) else zeros(shapes)
        self.built = True
        self(sample)

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """Returns a sub-layer by ``name`` or ``index``."""
        layers = self.layers
        if index is not None:
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Existing layers are: {[l.name for l in layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a table of the layers, output shapes and parameter counts."""
        from lamina.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def get_config(self):
        config = Layer.get_config(self)
        return {"name": config["name"], "trainable": config["trainable"]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            from lamina.models.functional import Functional

            return Functional.from_config(config, custom_objects=custom_objects)
        return cls(**config)
