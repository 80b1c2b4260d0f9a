"""``Model``: a Layer that trains. ``Model(inputs, outputs)`` returns a Functional model."""

from lamina import backend
from lamina.layers.layer import Layer, check_state_values
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
        >>> ops.shape(MLP()(lamina.ops.ones((2, 784))))
        (2, 10)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        from lamina.models.functional import Functional

        if _is_functional_call(args, kwargs) and not isinstance(self, Functional):
            # A subclass whose __init__ hands (inputs, outputs) on to Model.__init__ becomes a
            # Functional with its methods; one that takes two other arguments (a GAN's
            # discriminator and generator) and calls Model.__init__ without them stays as it is.
            self.__class__ = _functional_subclass(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
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

    # -- the stateless API -----------------------------------------------------------
    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantizes every quantizable layer (Dense, EinsumDense, Embedding) of the built model.

        Args:
            mode: ``"int8"``, ``"int4"`` or ``"float8"``; optional when ``config`` is given.
            config: a ``lamina.quantizers.QuantizationConfig`` (custom quantizers, int4 block size).
            filters: only layers whose name matches a regex (or one of a list of regexes), or
                for which a callable returns True, are quantized.

        Layers that cannot take the mode are skipped with a warning, as in Keras.

        Example:
            >>> model = lamina.Sequential([lamina.Input((8,)), lamina.layers.Dense(4), lamina.layers.Dense(2)])
            >>> model.quantize("int8", filters="dense_.*")
            >>> [layer.dtype_policy.name for layer in model.layers][-1]
            'int8_from_float32'
        """
        from lamina.layers.core._quantized import quantize_layers

        type_check = kwargs.pop("type_check", True)
        if kwargs:
            raise ValueError(f"Model.quantize of '{self.name}': unrecognized keyword arguments {sorted(kwargs)}.")
        if quantize_layers(self, mode, config, filters, type_check):
            self._step_cache = {}
            self.train_function = self.test_function = self.predict_function = None

    def stateless_compute_loss(self, trainable_variables, non_trainable_variables, metrics_variables, x=None,
                               y=None, y_pred=None, sample_weight=None, training=True):
        """``compute_loss`` on explicit variable values, changing no variable.

        Args:
            trainable_variables, non_trainable_variables, metrics_variables: values for
                ``self.trainable_variables``, ``self.non_trainable_variables`` and
                ``self.metrics_variables``, in those orders.
            x, y, y_pred, sample_weight, training: as ``compute_loss`` takes them.

        Returns:
            ``(loss, (trainable_variables, non_trainable_variables, metrics_variables))``,
            the values after the loss was computed (loss trackers may have moved).
        """
        where = f"Model '{self.name}': stateless_compute_loss"
        groups = (self.trainable_variables, self.non_trainable_variables, self.metrics_variables)
        mapping = []
        for what, variables, values in zip(("trainable_variables", "non_trainable_variables", "metrics_variables"),
                                           groups, (trainable_variables, non_trainable_variables, metrics_variables)):
            mapping += check_state_values(where, what, variables, values)
        with backend.StatelessScope(mapping) as scope:
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return loss, tuple([scope.get_current_value(v) for v in group] for group in groups)

    def get_state_tree(self, value_format="backend_tensor"):
        """Every variable's value, as nested dicts keyed by the parts of the variable paths.

        Args:
            value_format: ``"backend_tensor"`` or ``"numpy_array"``.

        Returns:
            ``{"trainable_variables": ..., "non_trainable_variables": ...,
            "optimizer_variables": ... (when compiled with an optimizer),
            "metrics_variables": ...}``, e.g. ``tree["trainable_variables"]["dense"]["kernel"]``.
        """
        if value_format not in ("backend_tensor", "numpy_array"):
            raise ValueError(
                f"Model '{self.name}': get_state_tree expects value_format 'backend_tensor' or 'numpy_array'. "
                f"Received: value_format={value_format!r}")
        read = (lambda v: v.value) if value_format == "backend_tensor" else (lambda v: v.numpy())
        return {group: _nested_by_path(self.name, group, variables, read)
                for group, variables in self._state_groups().items()}

    def set_state_tree(self, state_tree):
        """Assigns the values of a tree shaped as ``get_state_tree`` returns (or part of one)."""
        groups = self._state_groups()
        for group, subtree in state_tree.items():
            if group not in groups:
                raise ValueError(
                    f"Model '{self.name}': set_state_tree received an unknown group {group!r}. "
                    f"Expected keys among {sorted(groups)}.")
            by_path = {v.path: v for v in groups[group]}
            for path, value in _flatten_by_path(subtree):
                variable = by_path.get(path)
                if variable is None:
                    raise ValueError(
                        f"Model '{self.name}': set_state_tree received a value for {group} '{path}', which "
                        f"names no variable of the model. Known paths: {sorted(by_path)}")
                variable.assign(value)

    def _state_groups(self):
        groups = {"trainable_variables": self.trainable_variables,
                  "non_trainable_variables": self.non_trainable_variables}
        if self.optimizer is not None:
            groups["optimizer_variables"] = self.optimizer.variables
        groups["metrics_variables"] = self.metrics_variables
        return groups

    def get_config(self):
        config = Layer.get_config(self)
        return {"name": config["name"], "trainable": config["trainable"]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            from lamina.models.functional import Functional

            return Functional.from_config(config, custom_objects=custom_objects)
        return cls(**config)


def _nested_by_path(model_name, group, variables, read):
    tree = {}
    for variable in variables:
        *parents, leaf = variable.path.split("/")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"Model '{model_name}': the {group} path '{variable.path}' passes through "
                                 "another variable's path, so the state cannot be a tree.")
        if leaf in node:
            raise ValueError(f"Model '{model_name}': two {group} have the path '{variable.path}'; "
                             "get_state_tree needs unique variable paths.")
        node[leaf] = read(variable)
    return tree


def _flatten_by_path(tree, prefix=""):
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten_by_path(value, path)
        else:
            yield path, value
