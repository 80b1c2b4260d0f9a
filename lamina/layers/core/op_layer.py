"""Ops applied to symbolic tensors become graph nodes through a small wrapping layer."""

from lamina.backend import KerasTensor, tree
from lamina.layers.layer import Layer
from lamina.saving.object_registry import register_keras_serializable


class OpLayer(Layer):
    """Applies one ``lamina.ops`` function; created when an op meets a KerasTensor.

    Args:
        fn: the op.
        args / kwargs: its arguments as given, with KerasTensors in place of values.
    """

    def __init__(self, fn, **kwargs):
        from lamina.backend.common.naming import uniquify

        super().__init__(name=kwargs.pop("name", None) or uniquify(fn.__name__), **kwargs)
        self.fn = fn
        self.built = True

    @property
    def _display_class(self):
        return "".join(part.capitalize() for part in self.fn.__name__.split("_"))

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        from lamina import backend

        return backend.compute_output_spec(self.fn, *args, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["function"] = self.fn.__name__
        config["module"] = getattr(self.fn, "__module__", None)
        return config

    @classmethod
    def from_config(cls, config):
        import importlib

        config = dict(config)
        module = importlib.import_module(config.pop("module") or "lamina.ops")
        fn = getattr(module, config.pop("function"))
        return cls(fn, **config)


# Registered so Functional configs holding op nodes load again ("lamina>OpLayer").
register_keras_serializable(package="lamina")(OpLayer)


def call_op_symbolically(fn, args, kwargs):
    layer = OpLayer(fn)
    return layer(*args, **kwargs)
