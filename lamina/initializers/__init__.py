"""Weight initializers: callables ``(shape, dtype) -> tensor``, each with a config."""

import math

import numpy as np

from lamina import backend, ops
from lamina.utils._family import Family
from lamina.backend.common.random_seed import draw_seed
from lamina.initializers.base import Initializer


class _HostRandom:
    """Initial values are drawn with NumPy on the host, then moved to the backend.

    Drawing with the engine would compile one random kernel per weight shape on JAX (about a
    second each on CPU); NumPy is immediate, and a seed gives the same weights on every backend.
    """

    @staticmethod
    def _rng(seed):
        pair = np.asarray(backend.convert_to_numpy(draw_seed(seed))).astype("uint64")
        return np.random.default_rng([int(pair[0]), int(pair[1])])

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        x = self._rng(seed).standard_normal(tuple(shape), dtype="float32") * stddev + mean
        return backend.convert_to_tensor(x.astype("float32"), dtype=dtype)

    def uniform(self, shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        x = self._rng(seed).random(tuple(shape), dtype="float32")
        x *= maxval - minval
        x += minval
        return backend.convert_to_tensor(x, dtype=dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        rng = self._rng(seed)
        x = rng.standard_normal(tuple(shape), dtype="float32")
        outside = np.abs(x) > 2.0
        while outside.any():
            x[outside] = rng.standard_normal(int(outside.sum()), dtype="float32")
            outside = np.abs(x) > 2.0
        return backend.convert_to_tensor((x * stddev + mean).astype("float32"), dtype=dtype)


_random = _HostRandom()


class _Seeded(Initializer):
    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"{type(self).__name__}: expected an integer seed or None. Received: seed={seed!r}")
        self.seed = seed
        self._calls = 0

    def _next_seed(self):
        # A fixed seed gives the same values on each call, as Keras does for a stateless seed.
        if self.seed is None:
            return None
        return int(self.seed)


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=dtype)


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=dtype)


class Constant(Initializer):
    """Every element equal to ``value``."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return ops.full(shape, self.value, dtype=backend.standardize_dtype(dtype))

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if hasattr(value, "tolist") else value}


class RandomNormal(_Seeded):
    """Normal values with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _random.normal(shape, self.mean, self.stddev, dtype=dtype, seed=self._next_seed())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    """Uniform values in ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _random.uniform(shape, self.minval, self.maxval, dtype=dtype, seed=self._next_seed())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Seeded):
    """Normal values redrawn beyond two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _random.truncated_normal(shape, self.mean, self.stddev, dtype=dtype, seed=self._next_seed())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Seeded):
    """Scales the variance to the fan-in, fan-out or their average.

    Args:
        scale: positive factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: expected a positive scale. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: invalid mode. Expected fan_in, fan_out or fan_avg. Received: mode={mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: invalid distribution. Received: distribution={distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        seed = self._next_seed()
        if self.distribution == "truncated_normal":
            return _random.truncated_normal(shape, 0.0, math.sqrt(scale) / 0.87962566103423978, dtype=dtype, seed=seed)
        if self.distribution == "untruncated_normal":
            return _random.normal(shape, 0.0, math.sqrt(scale), dtype=dtype, seed=seed)
        limit = math.sqrt(3.0 * scale)
        return _random.uniform(shape, -limit, limit, dtype=dtype, seed=seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _variance_preset(name, scale, mode, distribution, doc):
    class Preset(VarianceScaling):
        def __init__(self, seed=None):
            super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

        def get_config(self):
            return {"seed": self.seed}

    Preset.__name__ = Preset.__qualname__ = name
    Preset.__doc__ = doc
    return Preset


GlorotUniform = _variance_preset("GlorotUniform", 1.0, "fan_avg", "uniform", "Uniform in ±sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _variance_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal", "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeUniform = _variance_preset("HeUniform", 2.0, "fan_in", "uniform", "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _variance_preset("HeNormal", 2.0, "fan_in", "truncated_normal", "Truncated normal, stddev sqrt(2 / fan_in).")
LecunUniform = _variance_preset("LecunUniform", 1.0, "fan_in", "uniform", "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _variance_preset("LecunNormal", 1.0, "fan_in", "truncated_normal", "Truncated normal, stddev sqrt(1 / fan_in).")


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of a normal matrix."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2. Received: shape={tuple(shape)}")
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = backend.convert_to_numpy(_random.normal(flat, dtype="float32", seed=self._next_seed())).astype("float64")
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return backend.convert_to_tensor((self.gain * q.reshape(shape)).astype("float32"), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """An identity matrix times ``gain`` (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape. Received: shape={tuple(shape)}")
        return backend.convert_to_tensor(self.gain * np.eye(*shape, dtype="float32"), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
# Keras also exposes every initializer under its snake_case name (the class itself).
constant, zeros, ones, identity, orthogonal = Constant, Zeros, Ones, Identity, Orthogonal
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, glorot_normal, glorot_uniform = VarianceScaling, GlorotNormal, GlorotUniform
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform

from lamina.initializers.stft import STFT  # noqa: E402

STFTInitializer = stft = STFT
_FAMILY = Family(
    "initializer", Initializer,
    (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
     GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity, STFT),
    aliases={"zero": Zeros, "one": Ones, "uniform": RandomUniform, "normal": RandomNormal, "STFTInitializer": STFT},
)
_BY_NAME = _FAMILY.by_name


def serialize(initializer):
    """The config dict of an initializer."""
    return _FAMILY.serialize(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from its config dict."""
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier):
    """Returns an initializer from a name, a config dict, an instance or a callable."""
    return _FAMILY.get(identifier)
