"""The Layer base class: state (``add_weight``), ``build`` / ``call``, and ``__call__``.

Tracking of sub-layers and variables lives in ``_tracking``; the graph recording of
symbolic calls lives in ``node``; input conversion and masks in ``_call_inputs``. This file
only ties them together.
"""

import inspect

from lamina import backend
from lamina.backend import KerasTensor, tree
from lamina.backend.common import naming
from lamina.layers import _context, _tracking
from lamina.layers import remat_scope
from lamina.layers._call_inputs import (
    _attach_masks,
    _cast_specs,
    _collect_mask,
    _convert_nested,
    _set_mask,
    _to_tensor_structure,
)
from lamina.layers.input_spec import assert_input_compatibility, check_input_before_build

_BASE_KWARGS = ("activity_regularizer", "trainable", "dtype", "autocast", "name", "input_shape",
                "input_dim", "batch_input_shape", "batch_size", "weights")

_signature_cache = {}


class _NoScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_SCOPE = _NoScope()


def _call_signature(cls):
    info = _signature_cache.get(cls)
    if info is None:
        params = inspect.signature(cls.call).parameters
        names = [p for p in params if p != "self"]
        info = {
            "training": "training" in params,
            "mask": "mask" in params,
            "first_arg": names[0] if names else None,
        }
        _signature_cache[cls] = info
    return info


class Layer(_tracking.Trackable, backend.BackendLayer):
    """The base class of every layer.

    Subclasses implement:
        - ``__init__(**kwargs)``: store arguments and call ``super().__init__(**kwargs)``.
        - ``build(input_shape)`` (optional): create weights with ``self.add_weight``.
        - ``call(inputs, training=None, mask=None)``: the computation, in ``lamina.ops``.
        - ``compute_output_shape(input_shape)`` (optional): otherwise inferred.
        - ``get_config()``: the constructor arguments, for saving.

    Example:
        >>> class Linear(lamina.layers.Layer):
        ...     def __init__(self, units=32, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1], self.units))
        ...     def call(self, inputs):
        ...         return lamina.ops.matmul(inputs, self.w)
        >>> lamina.ops.shape(Linear(4)(lamina.ops.ones((2, 3))))
        (2, 4)
    """

    supports_masking = False
    # The mode torch's `train()` / `eval()` set (layers are torch Modules there): what a
    # direct call uses when it gets no `training` argument and runs inside no other call.
    _module_training = None
    _scoped_names = True  # whether variables created inside calls get this layer's name as a prefix
    # Whether ``__call__`` turns array inputs into tensors and casts floating ones to
    # ``input_dtype``; a model whose inputs convert to their ``Input`` dtypes turns it off.
    _convert_input_args = True

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                 **kwargs):
        known = {"input_shape", "input_dim", "batch_input_shape", "batch_size", "weights"}
        unknown = set(kwargs) - known
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.__init__ got unexpected keyword argument(s): {sorted(unknown)}. "
                f"Accepted base arguments are: {sorted(_BASE_KWARGS)}."
            )
        self._init_backend_layer()
        object.__setattr__(self, "_lamina_init_done", False)
        self.name = naming.validate_name(name, "name") if name is not None else naming.auto_name(type(self).__name__)
        self._trainable = bool(trainable)
        from lamina import dtype_policies

        self.dtype_policy = dtype_policies.get(dtype)
        self.autocast = autocast
        self.built = False
        self.input_spec = None
        # Bookkeeping: the variables also reached through attributes, graph nodes, losses.
        self._set_untracked(_own_variables=[], _regularized=[], _losses=[], _inbound_nodes=[],
                            _outbound_nodes=[], _remat_mode=remat_scope.current_remat_mode())
        self._build_shapes = None
        from lamina import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        batch_input_shape = kwargs.get("batch_input_shape")
        if batch_input_shape is None and kwargs.get("input_shape") is not None:
            batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        elif batch_input_shape is None and kwargs.get("input_dim") is not None:
            batch_input_shape = (kwargs.get("batch_size"), kwargs["input_dim"])
        self._batch_input_shape = tuple(batch_input_shape) if batch_input_shape is not None else None
        self._initial_weights = kwargs.get("weights")
        object.__setattr__(self, "_lamina_init_done", True)

    def __setattr__(self, name, value):
        if backend.native.is_foreign_module(value):
            # As Keras 3 does on torch: a torch.nn.Module held by a layer becomes a
            # TorchModuleWrapper, so that its parameters are this layer's weights.
            from lamina.layers.core.native_wrappers import TorchModuleWrapper

            value = TorchModuleWrapper(value)
        super().__setattr__(name, value)

    # -- dtype ------------------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        from lamina import dtype_policies

        policy = dtype_policies.get(value)
        object.__setattr__(self, "_dtype_policy", policy)
        mode = policy.quantization_mode
        if mode is not None and self.__dict__.get("built") and not getattr(self, "_is_quantized", False):
            self.quantize(mode)  # as in Keras: a quantized policy on a built layer quantizes it

    @property
    def quantization_mode(self):
        """``"int8"``, ``"int4"``, ``"float8"`` for a quantized layer, else None."""
        return self._dtype_policy.quantization_mode

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the layer's weights; Dense, EinsumDense and Embedding implement it."""
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented.")

    @property
    def dtype(self):
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self.dtype_policy.variable_dtype

    @property
    def input_dtype(self):
        """The dtype floating-point inputs are cast to before ``call`` (the compute dtype)."""
        return self.compute_dtype

    # -- state ------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None):
        """Creates a Variable owned by this layer.

        Args:
            shape: the weight's shape (``()`` for a scalar).
            initializer: name or initializer object; defaults to ``glorot_uniform`` for
                floats and ``zeros`` otherwise.
            dtype: defaults to the layer's variable dtype.
            trainable: whether the optimizer updates it.
            regularizer: adds a penalty on the weight to ``layer.losses``.
            constraint: applied to the weight after each optimizer update.
            name: the variable name; its path is ``<layer name>/<name>``.
        """
        from lamina import constraints, initializers

        shape = () if shape is None else tuple(shape)
        for d in shape:
            if d is None or (isinstance(d, int) and d < 0):
                raise ValueError(
                    f"Layer '{self.name}': cannot create weight {name!r} with an unknown or negative "
                    f"dimension. Received: shape={shape}"
                )
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                                        autocast=autocast, aggregation=aggregation, name=name or None)
        variable.constraint = constraints.get(constraint)
        # the optimizer assigns such a variable its "gradient" instead of stepping (float8 scales)
        variable.overwrite_with_gradient = bool(overwrite_with_gradient)
        variable.regularizer = None
        self._own_variables.append(variable)
        if not self._trainable:
            self._sync_requires_grad()
        if regularizer is not None:
            from lamina import regularizers

            variable.regularizer = regularizers.get(regularizer)
            self._regularized.append(variable)
        _tracking.bump()
        return variable

    @property
    def _seed_generators(self):
        """The seed generators held in this layer's attributes (Keras's name for them)."""
        return list(self._tracked()[2])

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for layer in self._flatten_layers(include_self=False):
            layer._trainable = value
        _tracking.bump()
        self._sync_requires_grad()

    # -- build ----------------------------------------------------------------
    def build(self, input_shape):
        """Creates the layer's weights. The default creates none."""
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        first = args[0] if args else next(iter(kwargs.values()), None)
        shapes = tree.map_structure(_shape_of, first) if first is not None else None
        self._build_shapes = shapes
        with backend.name_scope(self.name, caller=self):
            if type(self).build is not Layer.build:
                self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        return {"input_shape": _to_lists(self._build_shapes)}

    def build_from_config(self, config):
        if config and not self.built:
            shape = config.get("input_shape")
            shape = _to_tuples(shape)
            with backend.name_scope(self.name, caller=self):
                if type(self).build is not Layer.build:
                    self.build(shape)
            self._build_shapes = shape
            self.built = True

    # -- call -----------------------------------------------------------------
    def call(self, inputs, *args, **kwargs):
        """The computation. The default returns the inputs unchanged."""
        return inputs

    def __call__(self, *args, **kwargs):
        sig = _call_signature(type(self))
        if self._convert_input_args:
            args, kwargs = self._convert_inputs(args, kwargs)
        if sig["training"]:
            if kwargs.get("training") is None:
                outer = _context.get_training()
                kwargs["training"] = self._module_training if outer is None else outer
            training = kwargs["training"]
        else:
            training = kwargs.pop("training", None)
            if training is None and _context.get_training() is None:
                training = self._module_training
        if sig["mask"] and kwargs.get("mask") is None and args:
            mask = _collect_mask(args[0])
            if mask is not None:
                kwargs["mask"] = mask
        explicit_mask = kwargs.get("mask") if sig["mask"] else kwargs.pop("mask", None)
        if explicit_mask is None and args:
            explicit_mask = _collect_mask(args[0])
        symbolic = backend.any_symbolic(args, kwargs)
        with backend.name_scope(self.name, caller=self) if self._scoped_names else _NO_SCOPE:
            check_input_before_build(self, args)
            self._maybe_build(args, kwargs)
            if self.input_spec is not None and args:
                assert_input_compatibility(self.input_spec, args[0], self.name)
            if symbolic:
                from lamina.layers import node

                with self._autocast_scope():
                    return node.symbolic_call(self, args, kwargs, explicit_mask)
            top = _context.call_depth() == 0
            if top:
                self._clear_losses()
            with _context.CallContext(training), self._autocast_scope():
                if self._remat_mode is None:
                    outputs = self.call(*args, **kwargs)
                else:
                    outputs = remat_scope.call_with_remat(self, args, kwargs)
            if self.activity_regularizer is not None:
                for out in tree.flatten(outputs):
                    self.add_loss(self.activity_regularizer(out))
            if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
                mask = self.compute_mask(args[0] if args else None, explicit_mask)
                if mask is not None:
                    _attach_masks(outputs, mask)
        return outputs

    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False,
                       **kwargs):
        """Calls the layer on explicit variable values, changing no variable.

        Args:
            trainable_variables: values for ``self.trainable_variables``, in that order.
            non_trainable_variables: values for ``self.non_trainable_variables``, in that order.
            *args, **kwargs: the call's arguments (``training=`` among them).
            return_losses: also return the losses the call added (with the weight penalties,
                computed from the given values).

        Returns:
            ``(outputs, non_trainable_variables)``, the second the values after the call (a
            BatchNormalization's moving statistics, seed states), or
            ``(outputs, non_trainable_variables, losses)`` with ``return_losses=True``.

        Example:
            >>> layer = lamina.layers.Dense(2)
            >>> _ = layer(np.ones((1, 3)))
            >>> values = [np.zeros(v.shape) for v in layer.trainable_variables]
            >>> out, _ = layer.stateless_call(values, [], np.ones((1, 3)))
            >>> lamina.ops.convert_to_numpy(out).tolist()
            [[0.0, 0.0]]
        """
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}': stateless_call needs the layer built (its variables created). "
                "Call it once on data, or call `build(input_shape)` first.")
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
        where = f"Layer '{self.name}': stateless_call"
        mapping = (check_state_values(where, "trainable_variables", trainable, trainable_variables)
                   + check_state_values(where, "non_trainable_variables", non_trainable, non_trainable_variables))
        with backend.StatelessScope(mapping) as scope:
            outputs = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        # Losses added inside the scope may be traced values: they do not outlive the call.
        self._clear_losses()
        new_values = [scope.get_current_value(v) for v in non_trainable]
        if return_losses:
            return outputs, new_values, losses
        return outputs, new_values

    def _convert_inputs(self, args, kwargs):
        """As Keras does: arrays become tensors and, with ``autocast``, every floating tensor in
        ``args`` and ``kwargs`` is cast to ``input_dtype`` (ints, bools and strings stay).
        Symbolic inputs keep their dtype here; ``compute_output_spec`` sees them cast."""
        dtype = self.input_dtype if self.autocast else None
        if (len(args) == 1 and backend.is_tensor(args[0])
                and (dtype is None or backend.standardize_dtype(args[0].dtype) == dtype)
                and all(v is None or isinstance(v, (bool, str)) for v in kwargs.values())):
            return args, kwargs  # the common case, without walking structures
        if args:
            args = (_to_tensor_structure(args[0], dtype),) + tuple(_convert_nested(a, dtype) for a in args[1:])
        if kwargs:
            kwargs = {k: _convert_nested(v, dtype) for k, v in kwargs.items()}
        return args, kwargs

    def _autocast_scope(self):
        """Under a mixed-precision policy, the layer's float variables read in the compute
        dtype during ``call`` (as Keras does); otherwise whatever scope is active stays."""
        if self.autocast and self.compute_dtype != self.variable_dtype:
            return backend.AutocastScope(self.compute_dtype)
        return _NO_SCOPE

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs: by default the input mask if ``supports_masking``."""
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, *args, **kwargs):
        """Output shape for the given input shape (inferred by an abstract call by default)."""
        specs = _shapes_to_specs(_to_tuples(args[0]), self.compute_dtype)
        self._maybe_build((specs,), {})
        out = self.compute_output_spec(specs, *args[1:], **kwargs)
        if isinstance(out, KerasTensor):
            return out.shape
        return tree.map_structure(lambda t: t.shape, out)

    def compute_output_spec(self, *args, **kwargs):
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0]
            shapes = tree.map_structure(lambda t: t.shape, first)
            out_shapes = self.compute_output_shape(shapes)
            return _shapes_to_specs(out_shapes, self.compute_dtype)
        if self._convert_input_args and self.autocast:
            args, kwargs = _cast_specs((args, kwargs), self.input_dtype)
        return backend.compute_output_spec(self.call, *args, **kwargs)

    # -- losses ---------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a scalar loss computed in ``call`` (e.g. an activity penalty) to ``losses``."""
        self._losses.append(loss)

    @property
    def losses(self):
        """Losses added in the last call plus weight-regularization penalties, for this layer tree."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for variable in layer._regularized:
                out.append(variable.regularizer(variable.value))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses = []

    # -- weights as numpy -----------------------------------------------------
    def get_weights(self):
        """The values of ``self.weights`` as a list of NumPy arrays."""
        return [backend.convert_to_numpy(v.value) for v in self.weights]

    def set_weights(self, weights):
        """Sets ``self.weights`` from a list of arrays, checking count and shapes."""
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} weight arrays, but set_weights received "
                f"{len(weights)}. Expected shapes: {[v.shape for v in variables]}"
            )
        import numpy as np

        for variable, value in zip(variables, weights):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}': weight '{variable.path}' has shape {variable.shape}, but "
                    f"set_weights received an array of shape {tuple(value.shape)}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def count_params(self):
        """The number of scalars in ``self.weights``."""
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' has not been built yet, so it has no weights to count. Call it on "
                "an input or call `build(input_shape)` first."
            )
        return int(sum(v.size for v in self.weights))

    # -- graph access ---------------------------------------------------------
    @property
    def input(self):
        return self._node_attr("input_tensors", "input")

    @property
    def output(self):
        return self._node_attr("output_tensors", "output")

    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called on a symbolic input, so it has no {what}."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer '{self.name}' has been called {len(self._inbound_nodes)} times; its {what} is "
                "ambiguous. Use `layer.get_" + what + "_at(node_index)`."
            )
        return self._node_value(0, attr)

    def _node_value(self, index, attr):
        value = getattr(self._inbound_nodes[index], attr)
        return value[0] if len(value) == 1 else list(value)

    def get_input_at(self, node_index):
        return self._node_value(node_index, "input_tensors")

    def get_output_at(self, node_index):
        return self._node_value(node_index, "output_tensors")

    # -- config ---------------------------------------------------------------
    def get_config(self):
        """The arguments to rebuild this layer with ``from_config``."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy.get_config_entry()}
        # Keras records these two for a class that keeps the base constructor, and the
        # regularizer whenever one is set; lamina also keeps ``autocast=False``, so that
        # nothing given is lost.
        plain = type(self).__init__ is Layer.__init__ and type(self).get_config is Layer.get_config
        if plain or self.activity_regularizer is not None:
            from lamina import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if plain or not self.autocast:
            config["autocast"] = self.autocast
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        from lamina import dtype_policies

        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.deserialize_entry(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {e}\n\nIf the layer takes custom arguments, override "
                "`get_config` to return them and `from_config` if they need rebuilding."
            ) from e

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# -- helpers ------------------------------------------------------------------------
def check_state_values(where, what, variables, values):
    """``(variable, value)`` pairs for a stateless call, after checking that ``values`` has
    one entry per variable (``what`` names the list, ``where`` the caller, in the error)."""
    values = list(values)
    if len(values) != len(variables):
        raise ValueError(
            f"{where} expected {len(variables)} values for `{what}` (one per variable: "
            f"{[v.path for v in variables]}). Received {len(values)}.")
    return list(zip(variables, values))


def _shape_of(x):
    if x is None:
        return None
    if hasattr(x, "shape"):
        return tuple(x.shape)
    import numpy as np

    return tuple(np.shape(x))


def _shapes_to_specs(shapes, dtype):
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return KerasTensor(shapes, dtype=dtype)
    if isinstance(shapes, dict):
        return {k: _shapes_to_specs(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_shapes_to_specs(s, dtype) for s in shapes)
    return shapes


def _to_lists(x):
    if isinstance(x, dict):
        return {k: _to_lists(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_lists(v) for v in x]
    return x


def _to_tuples(x):
    """Shapes from JSON lists back to tuples (a list of ints is one shape)."""
    if isinstance(x, dict):
        return {k: _to_tuples(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        if all(d is None or isinstance(d, int) for d in x):
            return tuple(x)
        return [_to_tuples(v) for v in x]
    return x
