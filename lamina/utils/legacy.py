"""Keras 2's object format, ``{"class_name": ..., "config": ...}`` without module names:
what tf.keras wrote in legacy ``.h5`` files and JSON configs, and what code written for it
passes around.

``lamina.saving.serialize_keras_object`` writes Keras 3's richer format; these two read and
write the old one (also as ``lamina.legacy.saving``).
"""

import inspect


def _registry():
    from lamina.saving import object_registry  # lamina.saving imports layers, which import lamina.utils

    return object_registry


def serialize_keras_object(instance):
    """``instance`` in Keras 2's format: ``{"class_name", "config"}`` for an object with
    ``get_config``, the (registered) name for a function or class, None for None.

    Objects nested in the config are written the same way and marked
    ``"__passive_serialization__"`` so that ``deserialize_keras_object`` rebuilds them.

    Example:
        >>> lamina.utils.legacy.serialize_keras_object(lamina.initializers.Constant(2.0))
        {'class_name': 'Constant', 'config': {'value': 2.0}}
        >>> lamina.utils.legacy.serialize_keras_object(lamina.activations.relu)
        'relu'
    """
    instance = inspect.unwrap(instance) if callable(instance) else instance
    if instance is None:
        return None
    registry = _registry()
    if hasattr(instance, "get_config") and not isinstance(instance, type):
        config = {}
        for key, item in instance.get_config().items():
            if isinstance(item, str):
                config[key] = item
                continue
            try:
                serialized = serialize_keras_object(item)
            except ValueError:
                config[key] = item
                continue
            if isinstance(serialized, dict) and not isinstance(item, dict):
                serialized["__passive_serialization__"] = True
            config[key] = serialized
        return {"class_name": registry.get_registered_name(type(instance)), "config": config}
    if hasattr(instance, "__name__"):
        return registry.get_registered_name(instance)
    raise ValueError(f"serialize_keras_object: cannot serialize {instance!r}: it has no get_config() and no "
                     "__name__.")


def _lookup(name, module_objects, custom_objects, what):
    found = _registry().get_registered_object(name, custom_objects, module_objects)
    if found is None:
        raise ValueError(f"deserialize_keras_object: unknown {what} {name!r}. Pass it in custom_objects, register "
                         "it with register_keras_serializable, or use a custom_object_scope.")
    return found


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None, printable_module_name="object"):
    """Rebuilds an object from Keras 2's format (see ``serialize_keras_object``).

    Args:
        identifier: a ``{"class_name", "config"}`` dict, a name, a function, or None.
        module_objects: dict of the built-in objects to look names up in (name -> class or
            function); the caller supplies it, as in Keras.
        custom_objects: dict of the user's objects (name -> class or function).
        printable_module_name: what the object is, for error messages (``"initializer"``).

    A name that resolves to a class returns an instance made with no arguments.

    Example:
        >>> init = lamina.utils.legacy.deserialize_keras_object(
        ...     {"class_name": "Constant", "config": {"value": 2.0}},
        ...     module_objects={"Constant": lamina.initializers.Constant})
        >>> init.value
        2.0
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"deserialize_keras_object: expected a dict with 'class_name' and 'config' keys. "
                             f"Received: {identifier!r}")
        cls = _lookup(identifier["class_name"], module_objects, custom_objects, printable_module_name)
        config = identifier["config"]
        if isinstance(config, dict):
            config = dict(config)
            for key, item in config.items():
                if key == "name":
                    continue
                if isinstance(item, dict) and "__passive_serialization__" in item:
                    item = {k: v for k, v in item.items() if k != "__passive_serialization__"}
                    config[key] = deserialize_keras_object(item, module_objects, custom_objects, "config_item")
                elif isinstance(item, str):
                    found = _registry().get_registered_object(item, custom_objects, module_objects)
                    if inspect.isfunction(found):
                        config[key] = found
        registry = _registry()
        with registry.CustomObjectScope(custom_objects or {}):
            if not hasattr(cls, "from_config"):
                return cls(**config)
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(config, custom_objects={**registry.get_custom_objects(),
                                                                **(custom_objects or {})})
            return cls.from_config(config)
    if isinstance(identifier, str):
        found = _lookup(identifier, module_objects, custom_objects, printable_module_name)
        return found() if inspect.isclass(found) else found
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError(f"deserialize_keras_object: could not interpret serialized {printable_module_name}: "
                     f"{identifier!r}")
