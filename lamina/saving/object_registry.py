"""Where classes are found by name when loading: built-ins, registered and custom objects.

Built-in lamina classes are written under Keras's public module names (``"keras.layers"``)
so real Keras reads lamina's files; ``KERAS_MODULES`` maps those names back.
"""

import importlib
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
    "lamina.activations": "keras.activations",
    "lamina.models": "keras.models",
    "lamina.dtype_policies": "keras.dtype_policies",
    "lamina.quantizers": "keras.quantizers",
}

# Keras module names (as found in files) -> the lamina modules searched first for that name.
KERAS_MODULES = {keras: [lamina] for lamina, keras in PUBLIC_MODULES.items()}
KERAS_MODULES["keras"] = ["lamina.models", "lamina.dtype_policies"]
KERAS_MODULES["keras.src.models.functional"] = ["lamina.models"]
KERAS_MODULES["keras.src.models.sequential"] = ["lamina.models"]
KERAS_MODULES["keras.src.models.model"] = ["lamina.models"]
# Layers Keras defines inside its application modules (ConvNeXt's LayerScale ...).
KERAS_MODULES["keras.src.applications.convnext"] = ["lamina.applications.convnext"]
KERAS_MODULES["keras.src.applications.inception_resnet_v2"] = ["lamina.applications.inception_resnet_v2"]

# Modules searched for plain functions written as ``{"class_name": "function"}``.
FUNCTION_MODULES = ("lamina.activations", "lamina.losses", "lamina.metrics", "lamina.initializers",
                    "lamina.regularizers", "lamina.constraints", "lamina.optimizers")


class CustomObjectScope:
    """Makes ``custom_objects`` visible to deserialization inside a ``with`` block.

    Args:
        custom_objects: dict of name -> class or function (several dicts may be given).

    Example:
        >>> class MyLayer(lamina.layers.Layer):
        ...     pass
        >>> config = lamina.layers.serialize(MyLayer())
        >>> with lamina.saving.custom_object_scope({"MyLayer": MyLayer}):
        ...     layer = lamina.layers.deserialize(config)
    """

    def __init__(self, *custom_objects):
        merged = {}
        for objects in custom_objects:
            merged.update(objects or {})
        self.custom_objects = merged

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
    """The global dict of registered custom objects (mutable).

    Example:
        >>> class MyLayer(lamina.layers.Layer):
        ...     pass
        >>> lamina.saving.get_custom_objects()["MyLayer"] = MyLayer
        >>> del lamina.saving.get_custom_objects()["MyLayer"]
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Class or function decorator that registers it as ``"package>name"`` for loading.

    Args:
        package: the package part of the registered name.
        name: the name part (the class or function name by default).

    Example:
        >>> @lamina.saving.register_keras_serializable(package="my_pkg")
        ... class MyLayer(lamina.layers.Layer):
        ...     pass
    """

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: classes must implement get_config() to be serializable."
            )
        if not isinstance(obj, type) and not callable(obj):
            raise ValueError(f"Cannot register {obj!r}: it is neither a class nor a function.")
        if registered in _GLOBAL_CUSTOM_OBJECTS and _GLOBAL_CUSTOM_OBJECTS[registered] is not obj:
            # Re-registering under the same name (e.g. a re-run cell) replaces the old entry.
            _GLOBAL_CUSTOM_NAMES.pop(_GLOBAL_CUSTOM_OBJECTS[registered], None)
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """``"package>name"`` for a registered object, else its plain name.

    Example:
        >>> @lamina.saving.register_keras_serializable(package="my_pkg")
        ... class MyLayer(lamina.layers.Layer):
        ...     pass
        >>> lamina.saving.get_registered_name(MyLayer)
        'my_pkg>MyLayer'
    """
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (by scope, argument, decorator or module dict) under ``name``.

    Example:
        >>> @lamina.saving.register_keras_serializable(package="my_pkg")
        ... class MyLayer(lamina.layers.Layer):
        ...     pass
        >>> lamina.saving.get_registered_object("my_pkg>MyLayer") is MyLayer
        True
    """
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


def import_quiet(name):
    """One of lamina's own modules (from the fixed tables above), or None if it cannot load.
    Never called with a name read from a file."""
    if not name.startswith("lamina."):
        raise ValueError(f"import_quiet imports lamina's own modules only. Received: {name!r}")
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _model_classes():
    from lamina.models.functional import Functional
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    return {"Functional": Functional, "Model": Model, "Sequential": Sequential}


def builtin_class(name, keras_module=None):
    """A public lamina class by its class name, preferring the module a file names."""
    if name in ("Functional", "Model", "Sequential"):
        return _model_classes()[name]
    preferred = KERAS_MODULES.get(keras_module, []) if keras_module else []
    for module_name in list(preferred) + [m for m in PUBLIC_MODULES if m not in preferred]:
        module = import_quiet(module_name)
        value = getattr(module, name, None) if module is not None else None
        if isinstance(value, type) and not name.startswith("_"):
            return value
    return None


def builtin_function(name):
    """A public lamina function (activation, loss, metric ...) by name.

    Only functions defined inside those lamina packages are returned, so a name read from a
    file cannot reach a helper some module merely imported (``os``, ``functools`` ...).
    """
    if not isinstance(name, str) or name.startswith("_"):
        return None
    for module_name in FUNCTION_MODULES:
        module = import_quiet(module_name)
        if module is None:
            continue
        table = getattr(module, "_ALL", None)
        if isinstance(table, dict) and callable(table.get(name)) and _defined_in_lamina(table[name]):
            return table[name]
        value = getattr(module, name, None)
        if callable(value) and not isinstance(value, type) and _defined_in_lamina(value):
            return value
    return None


def _defined_in_lamina(fn):
    module = str(getattr(fn, "__module__", None) or "")
    return any(module == m or module.startswith(m + ".") for m in FUNCTION_MODULES)


def public_module_of(cls):
    """The Keras module name a lamina class is written under, or None for custom classes."""
    if not cls.__module__.startswith("lamina."):
        return None
    if cls.__name__ == "Functional":
        return "keras.src.models.functional"
    if cls.__name__ in ("Sequential", "Model", "DTypePolicy", "FloatDTypePolicy"):
        return "keras"
    for lamina_module, keras_module in PUBLIC_MODULES.items():
        module = import_quiet(lamina_module)
        if module is not None and getattr(module, cls.__name__, None) is cls:
            return keras_module
    return None
