"""Where classes are found by name when loading: built-ins, registered and custom objects."""

import threading

_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_scope = threading.local()

# Public lamina namespaces and the Keras module name their classes are written under.
PUBLIC_MODULES = {
    "lamina.layers": "keras.layers",
    "lamina.initializers": "keras.initializers",
    "lamina.regularizers": "keras.regularizers",
    "lamina.constraints": "keras.constraints",
    "lamina.losses": "keras.losses",
    "lamina.metrics": "keras.metrics",
    "lamina.optimizers": "keras.optimizers",
    "lamina.optimizers.schedules": "keras.optimizers.schedules",
    "lamina.models": "keras.models",
}


class CustomObjectScope:
    """Makes ``custom_objects`` visible to deserialization inside a ``with`` block.

    Example:
        >>> with lamina.saving.custom_object_scope({"MyLayer": MyLayer}):
        ...     layer = lamina.layers.deserialize(config)
    """

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        stack = getattr(_scope, "stack", None)
        if stack is None:
            stack = _scope.stack = []
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope.stack.pop()


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The global dict of registered custom objects (mutable)."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Class decorator that registers a custom class as ``"package>name"`` for loading.

    Example:
        >>> @lamina.saving.register_keras_serializable(package="my_pkg")
        ... class MyLayer(lamina.layers.Layer):
        ...     pass
    """

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if hasattr(obj, "get_config") is False and not callable(obj):
            raise ValueError(f"Cannot register {obj!r}: it has no get_config and is not callable.")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name, custom_objects=None, module_objects=None):
    for scope in reversed(getattr(_scope, "stack", None) or []):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def builtin_objects():
    """Every public lamina class by class name (built once)."""
    cache = getattr(builtin_objects, "_cache", None)
    if cache is not None:
        return cache
    import importlib

    cache = {}
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for key, value in vars(module).items():
            if isinstance(value, type) and not key.startswith("_"):
                cache.setdefault(key, value)
    from lamina.models.functional import Functional
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    cache.update({"Functional": Functional, "Model": Model, "Sequential": Sequential})
    builtin_objects._cache = cache
    return cache


def public_module_of(cls):
    """The Keras module name a lamina class is written under, or None for custom classes."""
    if cls.__name__ in ("Functional",):
        return "keras.src.models.functional"
    if cls.__name__ in ("Sequential", "Model") and cls.__module__.startswith("lamina."):
        return "keras"
    for lamina_module, keras_module in PUBLIC_MODULES.items():
        module = _import_quiet(lamina_module)
        if module is not None and getattr(module, cls.__name__, None) is cls:
            return keras_module
    return None


def _import_quiet(name):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None
