"""Dtype policies: the dtype a layer computes in, the dtype of its variables, and its
quantization mode (``"int8_from_float32"`` and the like)."""

import re
from collections.abc import MutableMapping

from lamina import backend

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


def _parse_name(name):
    if not isinstance(name, str):
        raise TypeError(f"DTypePolicy: expected a string name such as 'mixed_float16'. Received: name={name!r} "
                        f"(of type {type(name).__name__})")
    if name.startswith("mixed_"):
        return backend.standardize_dtype(name[len("mixed_"):]), "float32"
    try:
        dtype = backend.standardize_dtype(name)
    except ValueError:
        raise ValueError(f"DTypePolicy: cannot interpret {name!r}. Expected 'mixed_float16', 'mixed_bfloat16' or a "
                         "dtype name such as 'float32'.") from None
    return dtype, dtype


class DTypePolicy:
    """A layer's dtypes. ``"mixed_float16"`` / ``"mixed_bfloat16"`` compute in half precision
    with float32 variables; any plain dtype name uses it for both.

    Args:
        name: ``"float32"``, ``"float16"``, ``"mixed_float16"``, ...; None means the global policy.

    Example:
        >>> policy = lamina.dtype_policies.DTypePolicy("mixed_bfloat16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('bfloat16', 'float32')
    """

    def __init__(self, name=None):
        name = name or dtype_policy().name
        self._compute, self._variable = _parse_name(name)
        self._name = name
        self._quantization_mode = None

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute

    @property
    def variable_dtype(self):
        return self._variable

    @property
    def quantization_mode(self):
        """``"int8"``, ``"int4"``, ``"float8"`` for a quantized policy; None otherwise."""
        return self._quantization_mode

    def get_config(self):
        return {"name": self.name}

    def get_config_entry(self):
        """The ``{"module", "class_name", "config", "registered_name"}`` form Keras writes."""
        module = "keras" if type(self) in (DTypePolicy, FloatDTypePolicy) else "keras.dtype_policies"
        return {"module": module, "class_name": type(self).__name__, "config": self.get_config(),
                "registered_name": None}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        plain = (DTypePolicy, FloatDTypePolicy)
        if type(self) in plain:
            return type(other) in plain and self.name == other.name
        return type(other) is type(self) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, self.name))

    def __repr__(self):
        name = "DTypePolicy" if type(self) is FloatDTypePolicy else type(self).__name__
        return f'<{name} "{self.name}">'


class FloatDTypePolicy(DTypePolicy):
    """The same as ``DTypePolicy`` (a name kept from earlier Keras 3 versions)."""


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: named ``"<mode>_from_<source policy>"``; the compute
    and variable dtypes are the source policy's.

    Args:
        mode: ``"int8"``, ``"int4"`` or ``"float8"``.
        source_name: the policy the layer had before quantization (default: the global policy).

    Example:
        >>> policy = lamina.dtype_policies.QuantizedDTypePolicy("int8", "float32")
        >>> policy.name, policy.quantization_mode, policy.compute_dtype
        ('int8_from_float32', 'int8', 'float32')
    """

    def __init__(self, mode, source_name=None):
        source_name = source_name or dtype_policy().name
        self._compute, self._variable = _parse_name(source_name)
        if mode not in QUANTIZATION_MODES:
            raise ValueError(f"{type(self).__name__}: invalid quantization mode. Expected one of "
                             f"{QUANTIZATION_MODES}. Received: mode={mode!r}")
        if mode == "int8" and self._compute == "float16":
            raise ValueError(f"{type(self).__name__}: quantization mode='int8' doesn't work well with "
                             "compute_dtype='float16'; use 'bfloat16' or 'float32'.")
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    def get_config(self):
        return {"mode": self._quantization_mode, "source_name": self._source_name}


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The float8 policy; ``amax_history_length`` is the window of the scale statistics.

    Args:
        mode: ``"float8"``.
        source_name: the source policy name.
        amax_history_length: how many recent ``max|x|`` values each scale is computed from.
    """

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode=mode, source_name=source_name)
        if isinstance(amax_history_length, bool) or not isinstance(amax_history_length, int):
            raise TypeError("QuantizedFloat8DTypePolicy: `amax_history_length` must be an integer. "
                            f"Received: amax_history_length={amax_history_length!r}")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        return self._amax_history_length

    def get_config(self):
        return {**super().get_config(), "amax_history_length": self._amax_history_length}


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The int4 policy with its block size: mode ``"int4/<block_size>"`` (-1: per channel).

    Args:
        mode: e.g. ``"int4/128"``.
        source_name: the source policy name.
    """

    def __init__(self, mode, source_name=None):
        parts = mode.split("/") if isinstance(mode, str) else []
        if len(parts) != 2 or parts[0] != "int4" or not re.fullmatch(r"-?\d+", parts[1]):
            raise ValueError(f"Int4DTypePolicy: expected mode 'int4/<block_size>'. Received: mode={mode!r}")
        block_size = int(parts[1])
        if block_size < -1 or block_size == 0:
            raise ValueError("Int4DTypePolicy: block_size must be -1 (per channel) or a positive integer. "
                             f"Received: {block_size} from mode={mode!r}")
        super().__init__(mode="int4", source_name=source_name)
        self._name = f"{mode}_from_{self._source_name}"
        self.mode = "int4"
        self.block_size = block_size

    def get_config(self):
        return {**super().get_config(), "mode": f"int4/{self.block_size}"}


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """Maps layer paths (or regexes of them) to dtype policies; other paths get ``default_policy``.

    Args:
        default_policy: the policy for unmatched paths (default: the global policy).
        policy_map: an initial ``{path: policy}`` dict.

    Example:
        >>> policies = lamina.dtype_policies.DTypePolicyMap(default_policy="float32")
        >>> policies["encoder/.*"] = "bfloat16"
        >>> policies["encoder/dense"].name, policies["decoder/dense"].name
        ('bfloat16', 'float32')
    """

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("DTypePolicyMap: `default_policy` cannot be a DTypePolicyMap.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"DTypePolicyMap: `policy_map` must be a dict. Received: policy_map={policy_map!r}")
        self._default_policy_arg = default_policy
        self._default_policy = get(default_policy)
        self._policy_map = {}
        for key, policy in (policy_map or {}).items():
            self[key] = policy
        self._quantization_mode = None

    @property
    def name(self):
        return f"map_{self.default_policy.name}"

    @property
    def default_policy(self):
        return self._default_policy

    @property
    def compute_dtype(self):
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self.default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return self.default_policy.quantization_mode

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"DTypePolicyMap: path {key!r} matches several keys: {matches}. Each path may match "
                             "at most one key.")
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key, policy):
        if key in self._policy_map:
            raise ValueError(f"DTypePolicyMap: {key!r} is already mapped to {self._policy_map[key]}; keys must be "
                             "unique.")
        self._policy_map[key] = get(policy)

    def __delitem__(self, key):
        return self._policy_map.pop(key)

    def __contains__(self, key):
        return key in self._policy_map

    def __len__(self):
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def __eq__(self, other):
        return (isinstance(other, DTypePolicyMap) and self.default_policy == other.default_policy
                and self._policy_map == other._policy_map)

    __hash__ = None

    def get_config(self):
        entries = {}
        for key, policy in self._policy_map.items():
            entry = policy.get_config_entry()
            if self._default_policy_arg is None:  # Keras drops the source names then
                config = dict(entry["config"])
                config["source_name" if isinstance(policy, QuantizedDTypePolicy) else "name"] = None
                entry = {**entry, "config": config}
            entries[key] = entry
        return {"default_policy": self._default_policy_arg, "policy_map": entries}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        policies = {key: deserialize(entry, custom_objects) for key, entry in (config.get("policy_map") or {}).items()}
        return cls(default_policy=config.get("default_policy"), policy_map=policies)

    def __repr__(self):
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self.default_policy.name}, mapping={mapping}>"


_CLASSES = {cls.__name__: cls for cls in (DTypePolicy, FloatDTypePolicy, QuantizedDTypePolicy,
                                          QuantizedFloat8DTypePolicy, Int4DTypePolicy, DTypePolicyMap)}
_global = {"policy": None}


def _quantized_by_name(name):
    mode, sep, source = name.partition("_from_")
    if not sep or not source:
        raise ValueError(f"Cannot interpret dtype policy {name!r}: a quantized policy is named "
                         "'<mode>_from_<source policy>', e.g. 'int8_from_float32'.")
    if mode.startswith("float8"):
        return QuantizedFloat8DTypePolicy(mode, source)
    if mode.startswith("int4/"):
        return Int4DTypePolicy(mode, source)
    return QuantizedDTypePolicy(mode, source)


def serialize(dtype_policy):
    """The ``{"module", "class_name", "config", "registered_name"}`` dict of a policy."""
    return dtype_policy.get_config_entry()


def deserialize(config, custom_objects=None):
    """Rebuilds a policy from ``serialize`` output (or a Keras file's dtype entry).

    Example:
        >>> policy = lamina.dtype_policies.QuantizedDTypePolicy("int8", "float32")
        >>> lamina.dtype_policies.deserialize(lamina.dtype_policies.serialize(policy)) == policy
        True
    """
    if isinstance(config, DTypePolicy):
        return config
    cls = _CLASSES.get(config.get("class_name")) if isinstance(config, dict) else None
    if cls is None:
        from lamina.saving import serialization_lib

        return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    inner = dict(config.get("config") or {})
    return cls.from_config(inner, custom_objects) if cls is DTypePolicyMap else cls.from_config(inner)


def get(identifier):
    """A policy from None (the global one), a name, a config dict or a policy."""
    if identifier is None:
        return _global["policy"] or DTypePolicy(backend.floatx())
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.startswith(QUANTIZATION_MODES):
            return _quantized_by_name(identifier)
        return DTypePolicy(identifier if identifier.startswith("mixed_") else _parse_name(identifier)[0])
    try:
        return DTypePolicy(backend.standardize_dtype(identifier))
    except (TypeError, ValueError):
        raise ValueError("Cannot interpret `dtype`: expected a string or a DTypePolicy. "
                         f"Received: dtype={identifier!r}") from None


def deserialize_entry(entry):
    """A layer config's ``dtype`` entry as ``get`` takes it: a plain policy's name, else the policy."""
    if isinstance(entry, dict):
        if entry.get("class_name") in ("DTypePolicy", "FloatDTypePolicy", "Policy", None):
            return (entry.get("config") or {}).get("name")
        return deserialize(entry)
    return entry


def set_dtype_policy(policy):
    """Sets the global policy (a name such as ``"mixed_float16"`` or a policy; None resets it)."""
    _global["policy"] = get(policy) if policy is not None else None


def dtype_policy():
    """The global policy."""
    return get(None)
