"""One lookup rule for object families (initializers, regularizers, constraints):
``get`` / ``serialize`` / ``deserialize`` by name, config dict, instance or callable."""

from lamina.backend.common.naming import to_snake_case


class Family:
    """The name table of one family and its three functions.

    Args:
        kind: the family's name in messages (``"constraint"``).
        base: the base class of its objects.
        classes: the built-in classes; each is known by its class name and its snake_case name.
        aliases: extra names.
    """

    def __init__(self, kind, base, classes, aliases=None):
        self.kind = kind
        self.base = base
        self.by_name = {}
        for cls in classes:
            self.by_name[cls.__name__] = cls
            self.by_name[to_snake_case(cls.__name__)] = cls
        self.by_name.update(aliases or {})

    def serialize(self, obj):
        from lamina.saving.serialization_lib import serialize_keras_object

        return serialize_keras_object(obj)

    def deserialize(self, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        return deserialize_keras_object(config, module_objects=self.by_name, custom_objects=custom_objects)

    def get(self, identifier):
        if identifier is None or isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, dict):
            return self.deserialize(identifier)
        if isinstance(identifier, str):
            cls = self.by_name.get(identifier)
            if cls is None:
                known = sorted(k for k in self.by_name if k.islower())
                raise ValueError(f"Unknown {self.kind}: {identifier!r}. Known names: {known}")
            return cls()
        if isinstance(identifier, type) and issubclass(identifier, self.base):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r}")
