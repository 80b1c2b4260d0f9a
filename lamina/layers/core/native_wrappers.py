"""Layers around native engine code: a ``torch.nn.Module``, a pure JAX function, a Flax module.

Each runs on its own engine's backend only; the engine-specific half lives in
``lamina.backend.<engine>.native``, which on the other backend raises an error naming the
layer and the active backend. The wrapped code's parameters become lamina Variables, so
``fit``, ``save``/``load`` and the stateless API treat them like any layer's weights.
"""

import base64
import inspect

import numpy as np

from lamina import backend
from lamina.backend import KerasTensor
from lamina.backend.common.random_seed import SeedGenerator, draw_seed
from lamina.layers.layer import Layer


class TorchModuleWrapper(Layer):
    """A ``torch.nn.Module`` as a layer (torch backend only).

    The module's parameters (trainable as their ``requires_grad`` says) and persistent
    buffers (non-trainable, e.g. BatchNorm statistics) become the layer's Variables and
    share storage with the module, so ``fit`` trains the module itself. A lazy module
    (``torch.nn.LazyLinear``) is materialized on the layer's first build. Weights are saved
    under the module's ``state_dict`` keys, as Keras 3 saves them.

    Saving the config pickles the module (``torch.save``), as Keras does; such a config
    loads only with ``safe_mode=False`` (unpickling runs code from the file). With safe mode
    on, rebuild the layer from your module and use ``load_weights``.

    Args:
        module: the ``torch.nn.Module``.
        name: the layer name.
        output_shape: the output shape, to skip inferring it by a symbolic call.

    Example:
        >>> import torch  # doctest: +SKIP
        >>> layer = lamina.layers.TorchModuleWrapper(torch.nn.Linear(3, 2))  # doctest: +SKIP
        >>> [tuple(w.shape) for w in layer.weights]  # doctest: +SKIP
        [(2, 3), (2,)]
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        backend.native.require_torch(type(self).__name__)
        super().__init__(name=name, **kwargs)
        # The raw module is held as is: its tensors are the layer's Variables (tracked below),
        # and a layer assigned a torch module wraps it (Layer.__setattr__), which this must not.
        self._set_untracked(module=backend.native.check_module(module, f"{type(self).__name__} '{self.name}'"))
        self.output_shape = tuple(output_shape) if isinstance(output_shape, list) else output_shape
        self._module_variables = {}
        if not backend.native.has_uninitialized_params(self.module):
            self._track_module()
            self.built = True

    def build(self, input_shape):
        if backend.native.has_uninitialized_params(self.module):
            backend.native.materialize(self.module, input_shape)
        if not self._module_variables:
            self._track_module()

    def _track_module(self):
        made = {}  # a tensor tied under several keys is one Variable
        for key, tensor, trainable in backend.native.module_state(self.module):
            variable = made.get(id(tensor))
            if variable is None:
                variable = self.add_weight(shape=tuple(tensor.shape), initializer=_Value(tensor.detach()),
                                           dtype=backend.native.dtype_name(tensor), trainable=trainable,
                                           name=key)
                made[id(tensor)] = variable
            backend.native.share_storage(self.module, key, variable)
            self._module_variables[key] = variable

    def call(self, *args, training=None, **kwargs):
        return backend.native.call_module(self.module, self._module_variables, args, kwargs, training)

    def compute_output_spec(self, *args, **kwargs):
        if self.output_shape is None:
            return super().compute_output_spec(*args, **kwargs)
        return KerasTensor(tuple(self.output_shape), dtype=self.compute_dtype)

    def save_own_variables(self, store):
        for key, variable in self._module_variables.items():
            store[key] = backend.convert_to_numpy(variable.value)

    def load_own_variables(self, store):
        """Reads the ``state_dict`` keys written by ``save_own_variables`` (or by Keras 3)."""
        keys = [k.decode() if isinstance(k, bytes) else k for k in store.keys()]
        expected = list(self._module_variables)
        if sorted(keys) != sorted(expected):
            raise ValueError(f"TorchModuleWrapper '{self.name}': the saved state has keys {sorted(keys)}, but the "
                             f"module has {sorted(expected)}.")
        values = {key: np.asarray(store[key]) for key in expected}
        for key, value in values.items():
            if value.shape != self._module_variables[key].shape:
                raise ValueError(f"TorchModuleWrapper '{self.name}': '{key}' has shape "
                                 f"{self._module_variables[key].shape}, but the saved value has shape {value.shape}.")
        for key, value in values.items():
            self._module_variables[key].assign(value)

    def get_config(self):
        config = super().get_config()
        config["module"] = base64.b64encode(backend.native.pickle_module(self.module)).decode("ascii")
        config["output_shape"] = list(self.output_shape) if self.output_shape is not None else None
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Unpickles the module only with ``safe_mode=False``; otherwise raises, as Keras 3 does."""
        from lamina.saving.serialization_lib import resolve_safe_mode

        config = dict(config)
        if isinstance(config.get("module"), str):
            backend.native.require_torch(cls.__name__)
            if resolve_safe_mode(safe_mode):
                raise ValueError(
                    f"{cls.__name__} '{config.get('name')}': refusing to unpickle the torch.nn.Module stored in "
                    "the config because safe_mode is on: unpickling runs code from the file. If you trust the "
                    "file, pass `safe_mode=False` to load_model; otherwise rebuild the layer with your module "
                    "and call `load_weights`.")
            config["module"] = backend.native.unpickle_module(base64.b64decode(config["module"].encode("ascii")))
        return super().from_config(config)


class _Value:
    """An initializer returning a given value (the wrapped code's initial weights)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        return self.value


_CALL_ARGS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGS = ("rng", "inputs", "training")


class JaxLayer(Layer):
    """A pure JAX function with a params tree (and optional state tree) as a layer (JAX only).

    ``call_fn`` takes, by these names and in any order: ``params`` (trainable),
    optionally ``state`` (non-trainable; then it returns ``(outputs, new_state)``), ``rng``
    (a JAX key in training, None otherwise), ``inputs`` (required) and ``training``.
    ``init_fn(rng, inputs[, training])`` returns the initial params (``(params, state)``
    when ``call_fn`` takes ``state``); it runs at build time on ones shaped like the
    inputs. Or pass ``params``/``state`` directly. Array leaves become Variables (floats
    in the layer's dtype); other leaves are kept as settings.

    The config stores ``call_fn`` and ``init_fn`` by name: give them with
    ``custom_objects`` or ``@lamina.saving.register_keras_serializable()`` when loading.
    A layer made from ``params`` without ``init_fn`` cannot be rebuilt from its config
    (as in Keras); rebuild it and use ``load_weights``.

    Args:
        call_fn: the model function.
        init_fn: the initialization function (or None with ``params``/``state``).
        params: the trainable parameters, a tree of arrays.
        state: the non-trainable state, a tree of arrays.
        seed: seed of the ``rng`` passed to ``call_fn``.

    Example:
        >>> import jax.numpy as jnp  # doctest: +SKIP
        >>> def call_fn(params, inputs):  # doctest: +SKIP
        ...     return inputs @ params["w"]
        >>> layer = lamina.layers.JaxLayer(call_fn, params={"w": jnp.ones((3, 2))})  # doctest: +SKIP
        >>> layer(np.ones((1, 3))).shape  # doctest: +SKIP
        (1, 2)
    """

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        backend.native.require_jax(type(self).__name__)
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        if native_serialization_platforms is not None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': native_serialization_platforms is for exporting "
                "through TensorFlow's jax2tf, which lamina does not use. Expected "
                f"native_serialization_platforms=None. Received: {native_serialization_platforms!r}")
        self.native_serialization_platforms = None
        self.call_fn_arguments = self._arguments(call_fn, "call_fn", _CALL_ARGS)
        self.init_fn_arguments = self._arguments(init_fn, "init_fn", _INIT_ARGS) if init_fn is not None else None
        self._has_state = "state" in self.call_fn_arguments
        needs_weights = "params" in self.call_fn_arguments or self._has_state
        if init_fn is None and params is None and state is None and needs_weights:
            raise ValueError(f"{type(self).__name__} '{self.name}': `init_fn`, `params` and `state` cannot all be "
                             "None when `call_fn` takes a `params` or a `state` argument.")
        self.seed_generator = SeedGenerator(seed) if "rng" in self.call_fn_arguments else None
        self.params = None
        self.state = None
        if params is not None or state is not None:
            self._create_weights(params, state)
            self.built = True

    def _arguments(self, fn, what, allowed):
        if not callable(fn):
            raise ValueError(f"{type(self).__name__} '{self.name}': `{what}` must be callable. Received: {what}={fn!r}")
        names = list(inspect.signature(fn).parameters)
        for name in names:
            if name not in allowed:
                raise ValueError(f"{type(self).__name__} '{self.name}': unsupported argument `{name}` in `{what}`; "
                                 f"expected arguments named from {list(allowed)}. Received: {names}")
        if "inputs" not in names:
            raise ValueError(f"{type(self).__name__} '{self.name}': `{what}` must take an argument named `inputs`. "
                             f"Received: {names}")
        return names

    # -- weights ------------------------------------------------------------------
    def _create_weights(self, params, state):
        self.params = self._to_variables(params, trainable=True)
        self.state = self._to_variables(state, trainable=False)

    def _to_variables(self, values, trainable):
        if values is None:
            return None
        leaves, treedef = backend.native.tree_flatten(values)
        made = [self._weight(leaf, trainable) if backend.native.is_array_leaf(leaf) else leaf for leaf in leaves]
        return backend.native.tree_unflatten(treedef, made)

    def _weight(self, value, trainable):
        if isinstance(value, (bool, int, float)):
            dtype = {bool: "bool", int: "int32"}.get(type(value))
        else:
            dtype = backend.standardize_dtype(value.dtype)
            dtype = None if backend.is_float_dtype(dtype) else dtype
        return self.add_weight(shape=tuple(np.shape(value)), initializer=_Value(value), dtype=dtype,
                               trainable=trainable)

    def _init_rng(self):
        """The ``rng`` given to ``init_fn``: one key from the global seed, as Keras does."""
        return backend.native.prng_key(draw_seed(None))

    def _call_rng(self, training):
        """The ``rng`` given to ``call_fn``: a fresh key in training, None otherwise."""
        return backend.native.prng_key(self.seed_generator.next()) if training else None

    def build(self, input_shape):
        needs_weights = "params" in self.call_fn_arguments or self._has_state
        if self.params is None and self.state is None and needs_weights:
            with backend.native.eager():
                given = {"rng": self._init_rng(), "inputs": backend.native.placeholder_inputs(input_shape),
                         "training": True}
                result = self.init_fn(*[given[name] for name in self.init_fn_arguments])
            params, state = result if self._has_state else (result, None)
            self._create_weights(params, state)

    # -- call -----------------------------------------------------------------------
    def call(self, inputs, training=False):
        training = bool(training)
        given = {"params": _values(self.params), "state": _values(self.state), "inputs": inputs,
                 "training": training}
        if "rng" in self.call_fn_arguments:
            given["rng"] = self._call_rng(training)
        result = self.call_fn(*[given[name] for name in self.call_fn_arguments])
        if not self._has_state:
            return result
        outputs, new_state = result
        self._assign_state(new_state)
        return outputs

    def _assign_state(self, new_state):
        variables = [v for v in backend.native.tree_flatten(self.state)[0] if hasattr(v, "assign")]
        values = backend.native.tree_flatten(new_state)[0]
        if len(values) != len(variables):
            raise ValueError(f"{type(self).__name__} '{self.name}': `call_fn` returned a state with {len(values)} "
                             f"arrays, but the state has {len(variables)} (its structure must not change).")
        for variable, value in zip(variables, values):
            variable.assign(value)

    # -- config ---------------------------------------------------------------------
    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config.update(call_fn=serialize_keras_object(self.call_fn), init_fn=serialize_keras_object(self.init_fn),
                      seed=self.seed, native_serialization_platforms=self.native_serialization_platforms)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        for key in ("call_fn", "init_fn"):
            config[key] = deserialize_keras_object(config.get(key), custom_objects=custom_objects)
        return super().from_config(config)


def _values(tree):
    """``tree`` with each Variable replaced by its current value (traced inside a compiled step)."""
    if tree is None:
        return None
    leaves, treedef = backend.native.tree_flatten(tree)
    return backend.native.tree_unflatten(treedef, [v.value if hasattr(v, "assign") else v for v in leaves])


class FlaxLayer(JaxLayer):
    """A ``flax.linen.Module`` as a layer (JAX backend, needs ``flax``).

    The ``params`` collection is trainable; every other collection (``batch_stats`` ...)
    is non-trainable state, updated by calls in training. A ``dropout`` key is passed in
    training. ``method`` (default ``__call__``) takes ``inputs`` and optionally
    ``training``; a function not defined on the module takes the module first.

    The config stores the module with ``lamina.saving.serialize_keras_object``: its class
    needs ``get_config`` (and ``from_config`` if the constructor differs) and must be given
    by ``custom_objects`` or registered when loading.

    Args:
        module: the Flax linen module.
        method: the method to call (a bound method, a function, or None for ``__call__``).
        variables: the module's variables as ``module.init`` returns them; None to
            initialize them at build time.

    Example:
        >>> import flax.linen as nn  # doctest: +SKIP
        >>> layer = lamina.layers.FlaxLayer(nn.Dense(4))  # doctest: +SKIP
        >>> layer(np.ones((2, 3))).shape  # doctest: +SKIP
        (2, 4)
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        backend.native.require_jax(type(self).__name__)
        backend.native.check_flax_module(module, type(self).__name__)
        self.module = module
        self.method = method
        takes_training = "training" in inspect.signature(method or module.__call__).parameters

        def call_fn(params, state, rng, inputs, training):
            variables = {**(params or {}), **(state or {})}
            return backend.native.flax_apply(self.module, self.method, variables, rng, inputs,
                                             training if takes_training else None)

        def init_fn(rng, inputs):
            return _split(backend.native.flax_init(self.module, self.method, rng, inputs,
                                                   True if takes_training else None))

        params, state = _split(variables) if variables is not None else (None, None)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    def _init_rng(self):
        return {"params": backend.native.prng_key(draw_seed(None)),
                "dropout": backend.native.prng_key(draw_seed(None))}

    def _call_rng(self, training):
        return {"dropout": backend.native.prng_key(self.seed_generator.next())} if training else {}

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        if not callable(getattr(self.module, "get_config", None)):
            raise ValueError(
                f"FlaxLayer '{self.name}': its config needs the Flax module to be serializable, but "
                f"{type(self.module).__name__} has no get_config(). Give the module class get_config() (and "
                "from_config() if needed) and register it with @lamina.saving.register_keras_serializable(); or "
                "save only the weights (save_weights).")
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__  # a bound method is stored by name
        config = super().get_config()
        for key in ("call_fn", "init_fn", "native_serialization_platforms"):
            config.pop(key)
        config.update(module=serialize_keras_object(self.module), method=serialize_keras_object(method))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina import dtype_policies
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        module = deserialize_keras_object(config["module"], custom_objects=custom_objects)
        method = config.get("method")
        method = getattr(module, method) if isinstance(method, str) else deserialize_keras_object(
            method, custom_objects=custom_objects)
        config.update(module=module, method=method)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.deserialize_entry(config["dtype"])
        return cls(**config)


def _split(variables):
    """Flax variables as ``(params, state)``: the ``params`` collection, then all the others."""
    variables = dict(variables)
    params = {"params": variables.pop("params")} if "params" in variables else {}
    return params, variables
