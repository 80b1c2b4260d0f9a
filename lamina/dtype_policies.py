"""Dtype policies: the dtype a layer computes in and the dtype of its variables."""

from lamina import backend


class DTypePolicy:
    """A layer's dtypes. ``"mixed_float16"`` / ``"mixed_bfloat16"`` compute in half precision
    with float32 variables; any plain dtype name uses it for both.

    Args:
        name: ``"float32"``, ``"float16"``, ``"mixed_float16"``, ...; None means ``floatx()``.
    """

    def __init__(self, name=None):
        name = name or backend.floatx()
        if name.startswith("mixed_"):
            self._compute = backend.standardize_dtype(name[len("mixed_"):])
            self._variable = "float32"
        else:
            self._compute = self._variable = backend.standardize_dtype(name)
        self.name = name

    @property
    def compute_dtype(self):
        return self._compute

    @property
    def variable_dtype(self):
        return self._variable

    def get_config(self):
        return {"name": self.name}

    def get_config_entry(self):
        return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self.name},
                "registered_name": None}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


_global = {"policy": None}


def get(identifier):
    if identifier is None:
        return _global["policy"] or DTypePolicy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(deserialize_entry(identifier))
    return DTypePolicy(backend.standardize_dtype(identifier) if not str(identifier).startswith("mixed_")
                       else identifier)


def deserialize_entry(entry):
    if isinstance(entry, dict):
        return entry.get("config", {}).get("name")
    return entry


def set_dtype_policy(policy):
    _global["policy"] = get(policy) if policy is not None else None


def dtype_policy():
    return get(None)
