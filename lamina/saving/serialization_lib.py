"""Objects to and from JSON-able dicts, in Keras 3's ``config.json`` schema.

Every object is ``{"module", "class_name", "config", "registered_name"}``; built-in classes
use Keras's public module names so Keras reads what lamina writes and vice versa.
"""

import inspect
import types

import numpy as np

from lamina.saving import object_registry

_SAFE_MODE = {"value": True}


def in_safe_mode():
    return _SAFE_MODE["value"]


class SafeModeScope:
    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = _SAFE_MODE["value"]
        if self.safe_mode is not None:
            _SAFE_MODE["value"] = bool(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _SAFE_MODE["value"] = self._previous


def serialize_keras_object(obj):
    """Returns the JSON-able description of ``obj`` (layer, loss, initializer, function ...)."""
    if obj is None:
        return None
    if isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": serialize_function(obj)}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        from lamina import activations

        name = activations.serialize(obj) if obj in activations._ALL.values() else None
        registered = object_registry._GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)
        return {"module": obj.__module__ if name is None else "builtins", "class_name": "function",
                "config": name or registered, "registered_name": name or registered}
    if isinstance(obj, type):
        return {"class_name": "__typespec__", "config": obj.__name__}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no get_config().")
    cls = type(obj)
    config = obj.get_config()
    module = object_registry.public_module_of(cls)
    if module is None:
        registered_name = object_registry._GLOBAL_CUSTOM_NAMES.get(cls, cls.__name__)
        module = cls.__module__
    else:
        registered_name = "Functional" if cls.__name__ == "Functional" else None
    result = {"module": module, "class_name": cls.__name__, "config": _serialize_config(config),
              "registered_name": registered_name}
    if hasattr(obj, "get_build_config") and not _is_functional(obj):
        build_config = obj.get_build_config()
        if build_config is not None:
            result["build_config"] = build_config
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            result["compile_config"] = compile_config
    return result


def _is_functional(obj):
    return type(obj).__name__ in ("Functional", "Sequential")


def _serialize_config(config):
    if isinstance(config, dict):
        return {k: _serialize_config(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_serialize_config(v) for v in config]
    if isinstance(config, (str, int, float, bool)) or config is None:
        return config
    return serialize_keras_object(config)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, module_objects=None, **kwargs):
    """Rebuilds an object from ``serialize_keras_object`` output (or a plain class name)."""
    if config is None:
        return None
    if isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, module_objects) for c in config]
    if isinstance(config, str):
        obj = _find(config, custom_objects, module_objects)
        if obj is None:
            return config
        return obj() if isinstance(obj, type) else obj
    if not isinstance(config, dict):
        raise TypeError(f"Could not deserialize {config!r}: expected a dict or a string.")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects) for k, v in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__lambda__":
        return deserialize_function(inner, custom_objects=custom_objects, safe_mode=safe_mode)
    if class_name == "__typespec__":
        return _find(inner, custom_objects, module_objects)
    if class_name == "function":
        name = config.get("registered_name") or inner
        fn = _find(name, custom_objects, module_objects) or _find(inner, custom_objects, module_objects)
        if fn is None:
            from lamina import activations

            fn = activations._ALL.get(inner) or _lookup_module_function(inner)
        if fn is None:
            raise _unknown(inner, "function")
        return fn
    registered_name = config.get("registered_name")
    cls = None
    if registered_name:
        cls = _find(registered_name, custom_objects, module_objects)
    if cls is None:
        cls = _find(class_name, custom_objects, module_objects)
    if cls is None:
        raise _unknown(class_name, "class")
    with SafeModeScope(safe_mode):
        if isinstance(inner, dict):
            inner = dict(inner)
        params = inspect.signature(cls.from_config).parameters
        if "custom_objects" in params:
            obj = cls.from_config(inner, custom_objects=custom_objects)
        else:
            with object_registry.CustomObjectScope(custom_objects or {}):
                obj = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj


def _lookup_module_function(name):
    import importlib

    for module_name in ("lamina.losses", "lamina.metrics"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def _find(name, custom_objects, module_objects):
    found = object_registry.get_registered_object(name, custom_objects, module_objects)
    if found is None:
        found = object_registry.builtin_objects().get(name)
    if found is None and ">" in name:
        found = object_registry.get_registered_object(name.split(">", 1)[1], custom_objects, module_objects)
    return found


def _unknown(name, what):
    return TypeError(
        f"Could not locate {what} '{name}'. Make sure custom classes and functions are known when "
        f"loading, in one of three ways: pass `custom_objects={{'{name}': {name}}}`, wrap the call in "
        f"`with lamina.saving.custom_object_scope({{'{name}': {name}}}):`, or decorate the definition with "
        "`@lamina.saving.register_keras_serializable()`."
    )


def serialize_function(fn):
    """A named function's name, or (for lambdas) its bytecode, base64-encoded."""
    if not isinstance(fn, types.FunctionType) or fn.__name__ != "<lambda>":
        return serialize_keras_object(fn)
    import base64
    import marshal

    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}


def deserialize_function(config, custom_objects=None, safe_mode=None):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if (safe_mode if safe_mode is not None else in_safe_mode()):
            raise ValueError(
                "Refusing to load a Lambda layer's Python bytecode because safe_mode is on: loading it would "
                "run code stored in the file. If you trust the file, pass `safe_mode=False` to load_model "
                "(or call `lamina.config.enable_unsafe_deserialization()`)."
            )
        import base64
        import marshal

        code = marshal.loads(base64.b64decode(config["config"]["code"]))
        return types.FunctionType(code, globals())
    return deserialize_keras_object(config, custom_objects=custom_objects)
