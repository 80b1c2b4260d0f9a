"""Ops applied to symbolic tensors become graph nodes through a small wrapping layer.

A node is written as Keras 3 writes it: ``{"module": "keras.src.ops.numpy", "class_name":
"Mean", "config": {"name": "mean", "axis": 1, ...}}`` with only the call arguments in the
node. Loading finds the op through lamina's op registry (``lamina.ops._op_classes``); a
name read from a file is never imported.
"""

from lamina.layers.layer import Layer
from lamina.ops import _op_classes
from lamina.saving.object_registry import register_keras_serializable


class OpLayer(Layer):
    """Applies one ``lamina.ops`` function; created when an op meets a KerasTensor.

    Args:
        fn: the op.
        spec: the Keras op class it is written as (an ``OpSpec``), or None for ops Keras
            has no class for; those are written as ``lamina>OpLayer`` with the op's
            public name.
        op_config: the op's static (constructor) arguments, under Keras's names.

    Example:
        >>> x = lamina.Input((3,))
        >>> y = lamina.ops.mean(x, axis=1)   # recorded as an OpLayer node "mean"
        >>> type(y._keras_history[0]).__name__
        'OpLayer'
    """

    def __init__(self, fn, spec=None, op_config=None, **kwargs):
        from lamina.backend.common.naming import uniquify

        super().__init__(name=kwargs.pop("name", None) or uniquify(fn.__name__), **kwargs)
        self.fn = fn
        self.spec = spec
        self.op_config = dict(op_config or {})
        self._op_kwargs = spec.config_to_kwargs(self.op_config) if spec is not None else {}
        self.built = True

    @property
    def _display_class(self):
        if self.spec is not None:
            return self.spec.class_name
        return "".join(part.capitalize() for part in self.fn.__name__.split("_"))

    def _keras_serialization(self):
        """The file entry for this node in Keras's form, or None to use lamina's own."""
        if self.spec is None:
            return None
        return {"module": self.spec.module, "class_name": self.spec.class_name,
                "config": {"name": self.name, **self.op_config}, "registered_name": self.spec.class_name}

    def _run(self, args, kwargs):
        if self.spec is None:
            return self.fn(*args, **kwargs)
        return _op_classes.invoke(self.spec, self.fn, self._op_kwargs, args, kwargs)

    def call(self, *args, **kwargs):
        return self._run(args, kwargs)

    def compute_output_spec(self, *args, **kwargs):
        from lamina import backend

        return backend.compute_output_spec(lambda *a, **k: self._run(a, k), *args, **kwargs)

    def get_config(self):
        function = _op_classes.public_op_name(self.fn)
        if self.spec is not None:
            return {"name": self.name, "function": function, **self.op_config}
        config = super().get_config()
        config["function"] = function
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuilds a node from ``get_config``; its function must be a public lamina op.

        A config holding the layer keys (``trainable``, ``dtype``) passes every argument in
        the node; otherwise the remaining keys are the op's constructor arguments.
        """
        config = dict(config)
        name = config.pop("function", None)
        module = config.pop("module", None)
        if module and module != "lamina.ops" and not str(module).startswith("lamina.ops."):
            raise ValueError(
                f"OpLayer.from_config: refusing to load function {name!r} from module {module!r}; only "
                "lamina.ops functions can be loaded as op nodes."
            )
        fn = _op_classes.public_op(name)
        if fn is None and module and str(module).startswith("lamina.ops.") and isinstance(name, str):
            # Files from earlier lamina versions name the defining module (lamina.ops.numpy).
            family = module.split(".")[2]
            fn = _op_classes.public_op(f"{family}.{name}") if family in _op_classes.OP_FAMILIES else None
        if fn is None:
            raise ValueError(
                f"OpLayer.from_config: {name!r} is not a lamina op. Expected the public name of a function "
                f"in lamina.ops (such as 'add' or 'image.resize'). Received: function={name!r}, module={module!r}"
            )
        spec = _op_classes.spec_for_function(fn)
        if spec is None or "trainable" in config or "dtype" in config:
            return cls(fn, **config)
        layer_name = config.pop("name", None)
        return cls(fn, spec=spec, op_config=config, name=layer_name)

    @classmethod
    def from_keras_op(cls, module, class_name, config):
        """The node for a Keras op class (``"keras.src.ops.numpy"``, ``"Mean"``) and its config."""
        spec = _op_classes.keras_op(module, class_name)
        if spec is None:
            raise ValueError(
                f"Could not load op class '{class_name}' (module '{module}'): lamina has no op for it. Ops "
                "lamina can load are listed in lamina/ops/_keras_op_names.py."
            )
        config = dict(config or {})
        name = config.pop("name", None)
        config.pop("dtype", None)  # ops carry no dtype policy of their own
        return cls(spec.function, spec=spec, op_config=config, name=name)


# Registered so Functional configs holding lamina-only op nodes load again ("lamina>OpLayer").
register_keras_serializable(package="lamina")(OpLayer)


def call_op_symbolically(fn, args, kwargs):
    spec = _op_classes.spec_for_function(fn)
    split = _op_classes.bind_call(spec, fn, args, kwargs) if spec is not None else None
    if split is None:
        return OpLayer(fn)(*args, **kwargs)
    call_args, call_kwargs, config = split
    return OpLayer(fn, spec=spec, op_config=config)(*call_args, **call_kwargs)
