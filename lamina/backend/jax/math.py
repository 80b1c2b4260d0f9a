"""JAX implementations of ``lamina.ops.math`` (segments, top-k, special functions, FFT)."""

import jax
import jax.numpy as jnp

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(None))


def _num_segments(segment_ids, num_segments):
    return int(jnp.max(segment_ids)) + 1 if num_segments is None else num_segments


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    segment_ids = convert_to_tensor(segment_ids)
    return jax.ops.segment_sum(convert_to_tensor(data), segment_ids, _num_segments(segment_ids, num_segments),
                               indices_are_sorted=sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    segment_ids = convert_to_tensor(segment_ids)
    return jax.ops.segment_max(convert_to_tensor(data), segment_ids, _num_segments(segment_ids, num_segments),
                               indices_are_sorted=sorted)


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(convert_to_tensor(x), k)
    return values, indices.astype(jnp.int32)


def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(_float(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


def erf(x):
    return jax.lax.erf(_float(x))


def erfinv(x):
    return jax.lax.erf_inv(_float(x))


def rsqrt(x):
    return jax.lax.rsqrt(_float(x))


def _complex(x):
    real, imag = x
    return jax.lax.complex(_float(real), _float(imag))


def fft(x):
    out = jnp.fft.fft(_complex(x))
    return jnp.real(out), jnp.imag(out)


def ifft(x):
    out = jnp.fft.ifft(_complex(x))
    return jnp.real(out), jnp.imag(out)


def fft2(x):
    out = jnp.fft.fft2(_complex(x))
    return jnp.real(out), jnp.imag(out)


def ifft2(x):
    out = jnp.fft.ifft2(_complex(x))
    return jnp.real(out), jnp.imag(out)


def rfft(x, fft_length=None):
    out = jnp.fft.rfft(_float(x), n=fft_length)
    return jnp.real(out), jnp.imag(out)


def irfft(x, fft_length=None):
    return jnp.fft.irfft(_complex(x), n=fft_length)
