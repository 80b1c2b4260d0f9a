"""``Hashing`` and ``HashedCrossing``: TensorFlow-compatible feature hashing on the host.

Bucket ids equal TensorFlow's: FarmHash Fingerprint64 (``tf.strings.to_hash_bucket_fast``)
without a salt, SipHash-2-4 keyed by the salt (``to_hash_bucket_strong``) with one. Integers
are hashed as their decimal strings. Crossing combines per-feature fingerprints with
TensorFlow's ``FingerprintCat64``.
"""

import numpy as np

from lamina.backend import KerasTensor
from lamina.layers.preprocessing import _host
from lamina.layers.preprocessing.index_lookup import standardize_output_mode

_MODES = ("int", "one_hot", "multi_hot", "count")
_CROSS_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default key
_MUL = np.uint64(0xC6A4A7935BD1E995)


def _as_strings(values):
    """Python strings for a flat sequence of strings, bytes or integers."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iub":
        return [str(v) for v in arr.tolist()]
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in arr.tolist()]


def _unique_apply(fn, values):
    """``fn`` applied to each distinct string once (inputs repeat a lot in practice)."""
    strings = _as_strings(values)
    cache = {}
    for s in strings:
        if s not in cache:
            cache[s] = fn(s)
    return np.fromiter((cache[s] for s in strings), np.uint64, count=len(strings))


def _require(module, package):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"TensorFlow-compatible hashing needs the '{package}' package (module '{module}'). "
            f"Install it with `pip install {package}`."
        ) from error


def fingerprint64(values):
    """FarmHash Fingerprint64 of each value of a flat sequence, as ``uint64``."""
    farmhash = _require("farmhash", "pyfarmhash")
    return _unique_apply(farmhash.fingerprint64, values)


def siphash64(values, key):
    """SipHash-2-4 of each value keyed by two 64-bit integers ``key``, as ``uint64``."""
    siphash24 = _require("siphash24", "siphash24")

    key_bytes = int(key[0]).to_bytes(8, "little") + int(key[1]).to_bytes(8, "little")
    return _unique_apply(lambda s: siphash24.siphash24(s.encode("utf-8"), key=key_bytes).intdigest() & 0xFFFFFFFFFFFFFFFF,
                         values)


def _shift_mix(v):
    return v ^ (v >> np.uint64(47))


def fingerprint_cat64(fp1, fp2):
    """TensorFlow's FingerprintCat64 on ``uint64`` arrays."""
    with np.errstate(over="ignore"):
        result = fp1 ^ _MUL
        result = result ^ (_shift_mix(fp2 * _MUL) * _MUL)
        result = result * _MUL
        result = _shift_mix(result) * _MUL
        return _shift_mix(result)


def _standardize_salt(salt):
    if salt is None:
        return None
    if isinstance(salt, (int, np.integer)):
        return [int(salt), int(salt)]
    if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(isinstance(s, (int, np.integer)) for s in salt):
        return [int(salt[0]), int(salt[1])]
    raise ValueError(f"Hashing: `salt` must be an integer or a pair of integers. Received: salt={salt!r}")


class Hashing(_host.HostLayer):
    """Hashes strings or integers into ``num_bins`` buckets, with TensorFlow's bucket ids.

    Args:
        num_bins: the number of buckets (including the mask bucket 0 if ``mask_value`` is set).
        mask_value: a value that maps to bucket 0 (other values go to ``[1, num_bins)``).
        salt: an integer or pair of integers; when given, SipHash-2-4 keyed by it is used
            instead of FarmHash.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` or ``"count"``.

    Example:
        >>> layer = lamina.layers.Hashing(num_bins=3)
        >>> lamina.ops.convert_to_numpy(layer([["A"], ["B"], ["C"], ["D"], ["E"]])).ravel().tolist()
        [1, 0, 1, 1, 2]
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"Hashing: `num_bins` must be a positive integer. Received: num_bins={num_bins!r}")
        if mask_value is not None and num_bins < 2:
            raise ValueError(f"Hashing: with a `mask_value`, `num_bins` must be >= 2. Received: num_bins={num_bins}")
        if sparse:
            raise ValueError(f"Hashing: sparse outputs are not supported. Received: sparse={sparse!r}")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = _standardize_salt(salt)
        self.output_mode = standardize_output_mode(output_mode, "Hashing", _MODES)
        self.sparse = False

    def _hash_ids(self, flat):
        if len(flat) == 0:
            return np.zeros((0,), np.int64)
        hashes = fingerprint64(flat) if self.salt is None else siphash64(flat, self.salt)
        if self.mask_value is None:
            return (hashes % np.uint64(self.num_bins)).astype(np.int64)
        ids = (hashes % np.uint64(self.num_bins - 1)).astype(np.int64) + 1
        mask_value = str(self.mask_value) if not isinstance(self.mask_value, bytes) else self.mask_value.decode()
        ids[np.asarray(_as_strings(flat), dtype=object) == mask_value] = 0
        return ids

    def _call_numpy(self, inputs):
        if inputs.dtype.kind not in "UOiub":
            raise ValueError(f"Hashing '{self.name}' expects string or integer inputs. Received dtype={inputs.dtype}.")
        ids = self._hash_ids(inputs.reshape(-1)).reshape(inputs.shape)
        if self.output_mode == "int":
            return ids
        return _host.encode_categorical(ids, self.num_bins, self.output_mode, layer_name="Hashing")

    def _output_spec(self, shape):
        if self.output_mode == "int":
            return tuple(shape), "int64"
        if self.output_mode == "one_hot":
            lead = tuple(shape[:-1]) if len(shape) > 1 and shape[-1] == 1 else tuple(shape)
        else:
            lead = tuple(shape[:-1])
        return lead + (self.num_bins,), "float32"

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config


class HashedCrossing(_host.HostLayer):
    """Crosses categorical features (a tuple of string or integer tensors) into hashed buckets.

    The seed's ``CategoryCrossing``. Ids equal ``tf.keras.layers.HashedCrossing``'s.

    Args:
        num_bins: the number of buckets.
        output_mode: ``"int"`` or ``"one_hot"``.

    Example:
        >>> layer = lamina.layers.HashedCrossing(num_bins=5)
        >>> out = layer((np.array(["A", "B"]), np.array([101, 102])))
        >>> tuple(out.shape)
        (2,)
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"HashedCrossing: `num_bins` must be a positive integer. Received: num_bins={num_bins!r}")
        if sparse:
            raise ValueError(f"HashedCrossing: sparse outputs are not supported. Received: sparse={sparse!r}")
        self.num_bins = int(num_bins)
        self.output_mode = standardize_output_mode(output_mode, "HashedCrossing", ("int", "one_hot"))
        self.sparse = False

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                f"HashedCrossing '{self.name}' expects a tuple of at least 2 features. Received: {type(inputs).__name__}"
                + (f" of length {len(inputs)}" if isinstance(inputs, (list, tuple)) else "")
            )

    def _call_numpy(self, inputs):
        self._check(inputs)
        arrays = [_host.to_numpy(x) for x in inputs]
        shape = arrays[0].shape
        for a in arrays[1:]:
            if a.shape != shape:
                raise ValueError(f"HashedCrossing '{self.name}': all features must have the same shape. Received: {[x.shape for x in arrays]}")
        result = np.full(arrays[0].size, _CROSS_HASH_KEY, np.uint64)
        for a in arrays:
            flat = a.reshape(-1)
            if flat.dtype.kind in "iub":
                feature = flat.astype(np.int64).view(np.uint64)
            else:
                feature = fingerprint64(flat)
            result = fingerprint_cat64(result, feature)
        ids = (result % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        if self.output_mode == "int":
            return ids
        return _host.encode_categorical(ids, self.num_bins, "one_hot", layer_name="HashedCrossing")

    def call(self, inputs):
        self._check(inputs)
        result = self._call_numpy(tuple(_host.to_numpy(x) for x in inputs))
        return _host.to_backend(result, "int64" if self.output_mode == "int" else "float32")

    def _output_spec(self, shape):
        if self.output_mode == "int":
            return tuple(shape), "int64"
        lead = tuple(shape[:-1]) if len(shape) > 1 and shape[-1] == 1 else tuple(shape)
        return lead + (self.num_bins,), "float32"

    def compute_output_spec(self, inputs, *args, **kwargs):
        self._check(inputs)
        shape, dtype = self._output_spec(tuple(inputs[0].shape))
        return KerasTensor(shape, dtype=_host.backend_int_dtype() if dtype == "int64" else dtype)

    def compute_output_shape(self, input_shape):
        return self._output_spec(tuple(input_shape[0]))[0]

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse})
        return config
