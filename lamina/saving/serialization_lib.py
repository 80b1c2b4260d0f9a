"""Objects to and from JSON-able dicts, in Keras 3's ``config.json`` schema.

Every object is ``{"module", "class_name", "config", "registered_name"}``; built-in classes
use Keras's public module names so Keras reads what lamina writes and vice versa.
"""

import inspect
import threading
import types

import numpy as np

from lamina.saving import object_registry

_state = threading.local()

# Config keys that Keras writes but lamina's classes do not take. They are dropped on load
# when they hold these neutral values (anything else is passed on and fails loudly).
_KERAS_ONLY_NEUTRAL = {"quantization_config": None, "input_axes": None, "output_axes": None,
                       "lora_rank": None, "lora_alpha": None, "gradient_accumulation_steps": None,
                       "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99, "synchronized": False}


_unsafe = {"enabled": False}


def enable_unsafe_deserialization():
    """Turns safe mode off for the rest of the process: every load may run code stored in
    files (a Lambda's bytecode, a pickled torch module), whatever ``safe_mode`` it is given.
    Only for files you trust; there is no switch back (as in Keras).
    """
    _unsafe["enabled"] = True


def in_safe_mode():
    """Whether loading refuses to run code stored in files (Lambda bytecode)."""
    if _unsafe["enabled"]:
        return False
    return getattr(_state, "safe_mode", True)


def resolve_safe_mode(safe_mode):
    """The safe mode a load runs under: ``safe_mode`` as given (None: the enclosing setting),
    unless ``enable_unsafe_deserialization()`` has turned it off everywhere."""
    if _unsafe["enabled"]:
        return False
    return in_safe_mode() if safe_mode is None else bool(safe_mode)


class SafeModeScope:
    """Sets safe mode inside a ``with`` block (``None`` keeps the current setting).

    Example:
        >>> text = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)]).to_json()
        >>> with lamina.saving.serialization_lib.SafeModeScope(False):
        ...     model = lamina.models.model_from_json(text)
    """

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_state, "safe_mode", True)
        if self.safe_mode is not None:
            _state.safe_mode = bool(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _state.safe_mode = self._previous


# -- serialize -----------------------------------------------------------------------------
def serialize_keras_object(obj):
    """Returns the JSON-able description of ``obj`` (layer, loss, initializer, function ...).

    Args:
        obj: any lamina object with ``get_config``, a function, or plain Python/NumPy data.

    Example:
        >>> lamina.saving.serialize_keras_object(lamina.layers.Dense(2))["class_name"]
        'Dense'
    """
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                      "stop": serialize_keras_object(obj.stop),
                                                      "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return serialize_function(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_named_function(obj)
    if isinstance(obj, type):
        return {"class_name": "__typespec__", "config": obj.__name__}
    if getattr(obj, "_is_lamina_variable", False) or _is_tensor(obj):
        from lamina import backend

        value = backend.convert_to_numpy(obj.value if hasattr(obj, "_is_lamina_variable") else obj)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no get_config(). Implement "
            "get_config() (and from_config() if needed) to make it serializable."
        )
    return _serialize_object(obj)


def _is_tensor(obj):
    from lamina import backend

    try:
        return backend.is_tensor(obj)
    except Exception:  # noqa: BLE001 - any object that the backend cannot classify is not a tensor
        return False


def _serialize_named_function(fn):
    builtin = object_registry.builtin_function(fn.__name__)
    if builtin is fn:
        return {"module": "builtins", "class_name": "function", "config": fn.__name__,
                "registered_name": "function"}
    registered = object_registry._GLOBAL_CUSTOM_NAMES.get(fn)
    return {"module": fn.__module__, "class_name": "function", "config": registered or fn.__name__,
            "registered_name": registered or "function"}


def _serialize_object(obj):
    cls = type(obj)
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"{cls.__name__}.get_config() must return a dict. Received: {config!r}")
    keras_form = getattr(obj, "_keras_serialization", None)
    keras_form = keras_form() if callable(keras_form) else None
    if keras_form is not None:
        # An op node, written under its Keras op class (keras.src.ops.numpy > Mean).
        return dict(keras_form, config=_serialize_config(keras_form["config"]))
    module = object_registry.public_module_of(cls)
    if module is None:
        registered_name = object_registry._GLOBAL_CUSTOM_NAMES.get(cls)
        module = None if registered_name else cls.__module__
        registered_name = registered_name or cls.__name__
    else:
        registered_name = "Functional" if cls.__name__ == "Functional" else None
    result = {"module": module, "class_name": cls.__name__, "config": _serialize_config(config),
              "registered_name": registered_name}
    get_build_config = getattr(obj, "get_build_config", None)
    if callable(get_build_config):
        build_config = get_build_config()
        if build_config is not None:
            result["build_config"] = build_config
    get_compile_config = getattr(obj, "get_compile_config", None)
    if callable(get_compile_config):
        compile_config = get_compile_config()
        if compile_config:
            result["compile_config"] = _serialize_config(compile_config)
    return result


def _serialize_config(config):
    if isinstance(config, dict):
        return {k: _serialize_config(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_serialize_config(v) for v in config]
    if isinstance(config, (str, int, float, bool)) or config is None:
        return config
    return serialize_keras_object(config)


# -- deserialize ---------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=None, module_objects=None, **kwargs):
    """Rebuilds an object from ``serialize_keras_object`` output.

    Args:
        config: the dict written by ``serialize_keras_object`` (or plain data).
        custom_objects: dict of name -> class/function for classes lamina does not know.
        safe_mode: refuse to run code stored in the config (Lambda bytecode). None (the
            default) keeps the setting of an enclosing load, which is on unless turned off.

    Example:
        >>> class MyLayer(lamina.layers.Layer):
        ...     pass
        >>> config = lamina.saving.serialize_keras_object(MyLayer())
        >>> layer = lamina.saving.deserialize_keras_object(config, custom_objects={"MyLayer": MyLayer})
    """
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, module_objects) for c in config]
    if isinstance(config, str):
        found = object_registry.get_registered_object(config, custom_objects, module_objects)
        if found is not None and module_objects is not None and isinstance(found, type):
            return found()
        return found if found is not None else config
    if not isinstance(config, dict):
        raise TypeError(f"Could not deserialize {config!r}: expected a dict, list or plain value.")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects)
                for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"]
    special = _deserialize_special(class_name, inner, custom_objects, safe_mode, module_objects)
    if special is not _NOT_SPECIAL:
        return special
    if class_name == "function":
        return _deserialize_function_ref(config, custom_objects, module_objects)
    op = _deserialize_op_node(config)
    if op is not None:
        return op
    cls = _find_class(config, custom_objects, module_objects)
    with SafeModeScope(safe_mode), object_registry.CustomObjectScope(custom_objects or {}):
        inner = _drop_keras_only_keys(cls, dict(inner) if isinstance(inner, dict) else inner)
        params = inspect.signature(cls.from_config).parameters
        try:
            if "custom_objects" in params:
                obj = cls.from_config(inner, custom_objects=custom_objects)
            else:
                obj = cls.from_config(inner)
        except TypeError as e:
            if getattr(e, "_lamina_from_config", False):
                raise  # already describes the innermost object that failed
            shown = repr(inner)
            shown = shown if len(shown) < 400 else shown[:400] + "...}"
            error = TypeError(
                f"{class_name}.from_config could not rebuild the object from config={shown}.\n"
                f"Error: {e}\nIf it takes custom arguments, make get_config() return them and "
                "from_config() rebuild them."
            )
            error._lamina_from_config = True
            raise error from e
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj


_NOT_SPECIAL = object()


def _deserialize_op_node(config):
    """An op node of a Functional graph (a Keras op class or lamina's OpLayer), else None.

    Ops resolve only through lamina's op registry: the module a file names is matched
    against the Keras op families, never imported.
    """
    from lamina.ops import _op_classes

    module = config.get("module")
    if _op_classes.is_op_module(module):
        from lamina.layers.core.op_layer import OpLayer

        return OpLayer.from_keras_op(module, config["class_name"], config["config"])
    if config.get("class_name") == "OpLayer" and config.get("registered_name") in ("lamina>OpLayer", None) \
            and (module is None or str(module).startswith("lamina")):
        from lamina.layers.core.op_layer import OpLayer

        return OpLayer.from_config(config["config"])
    return None


def _deserialize_special(class_name, inner, custom_objects, safe_mode, module_objects):
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        from lamina import backend

        return backend.convert_to_tensor(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(inner["start"], inner["stop"], inner["step"])
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__lambda__":
        return deserialize_function({"class_name": "__lambda__", "config": inner}, safe_mode=safe_mode)
    if class_name == "__typespec__":
        return object_registry.get_registered_object(inner, custom_objects, module_objects) or \
            object_registry.builtin_class(inner)
    if class_name == "__keras_tensor__":
        raise ValueError("A symbolic tensor reference can only be read inside a Functional model config.")
    return _NOT_SPECIAL


def _deserialize_function_ref(config, custom_objects, module_objects):
    name = config["config"]
    registered = config.get("registered_name")
    for key in (registered, name):
        if key and key != "function":
            fn = object_registry.get_registered_object(key, custom_objects, module_objects)
            if fn is not None:
                return fn
    fn = object_registry.builtin_function(name)
    if fn is None and ">" in name:
        fn = object_registry.get_registered_object(name.split(">", 1)[1], custom_objects, module_objects)
    if fn is None:
        raise unknown_object_error(name, "function")
    return fn


def _find_class(config, custom_objects, module_objects):
    class_name = config["class_name"]
    registered = config.get("registered_name")
    module = config.get("module")
    cls = None
    if registered:
        cls = object_registry.get_registered_object(registered, custom_objects, module_objects)
    if cls is None:
        cls = object_registry.get_registered_object(class_name, custom_objects, module_objects)
    if cls is None and (module is None or module == "builtins" or str(module).startswith(("keras", "lamina"))):
        cls = object_registry.builtin_class(class_name, module)
    if cls is None and registered and ">" in registered:
        cls = object_registry.get_registered_object(registered.split(">", 1)[1], custom_objects, module_objects)
    qualified = registered if registered and ">" in registered else class_name
    if cls is None and qualified.startswith("Custom>") and (module is None or str(module).startswith("keras")):
        # tf.keras 2.11+ writes its own optimizers as "Custom>Adam" in legacy .h5 training configs.
        cls = object_registry.builtin_class(qualified.split(">", 1)[1], module)
    if cls is None:
        raise unknown_object_error(registered or class_name, "class")
    return cls


def _drop_keras_only_keys(cls, config):
    if not isinstance(config, dict):
        return config
    try:
        accepted = set(inspect.signature(cls.__init__).parameters)
    except (TypeError, ValueError):
        return config
    for key, neutral in _KERAS_ONLY_NEUTRAL.items():
        if key in config and key not in accepted and config[key] == neutral:
            del config[key]
    return config


def unknown_object_error(name, what):
    """The error for a class or function lamina cannot find, naming the three fixes."""
    short = name.split(">", 1)[-1]
    return TypeError(
        f"Could not locate {what} '{name}'. Make sure custom classes and functions are known when "
        f"loading, in one of three ways: pass `custom_objects={{'{short}': {short}}}`, wrap the call in "
        f"`with lamina.saving.custom_object_scope({{'{short}': {short}}}):`, or decorate the definition with "
        "`@lamina.saving.register_keras_serializable()`."
    )


# -- functions -----------------------------------------------------------------------------
def serialize_function(fn):
    """A named function's reference, or (for lambdas) its bytecode, base64-encoded.

    Example:
        >>> serialize_function(lambda x: x + 1)["class_name"]
        '__lambda__'
    """
    if not isinstance(fn, types.FunctionType) or fn.__name__ != "<lambda>":
        return serialize_keras_object(fn)
    import base64
    import marshal

    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    defaults = list(fn.__defaults__) if fn.__defaults__ else None
    return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": None}}


def deserialize_function(config, custom_objects=None, safe_mode=None):
    """The function described by ``serialize_function`` output; lambdas need ``safe_mode=False``.

    Keras 2 wrote a lambda as ``[code, defaults, closure]``; that bytecode is read the same way.
    """
    if isinstance(config, (list, tuple)) and len(config) == 3 and isinstance(config[0], str):
        config = {"class_name": "__lambda__",
                  "config": {"code": config[0], "defaults": config[1], "closure": config[2]}}
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if resolve_safe_mode(safe_mode):
            raise ValueError(
                "Refusing to load a Lambda layer's Python bytecode because safe_mode is on: loading it "
                "would run code stored in the file. If you trust the file, pass `safe_mode=False` to "
                "load_model (or deserialize_keras_object / model_from_json), or call "
                "lamina.config.enable_unsafe_deserialization()."
            )
        import base64
        import marshal

        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
        import lamina

        return types.FunctionType(code, {"__builtins__": __builtins__, "lamina": lamina, "keras": lamina,
                                         "ops": lamina.ops}, None, defaults)
    return deserialize_keras_object(config, custom_objects=custom_objects)
