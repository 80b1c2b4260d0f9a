"""JAX implementations of ``lamina.ops.linalg``."""

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype


def _float(x):
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(None))


def cholesky(x, upper=False):
    out = jnp.linalg.cholesky(_float(x))
    return jnp.swapaxes(out, -1, -2).conj() if upper else out


def det(x):
    return jnp.linalg.det(_float(x))


def slogdet(x):
    return jnp.linalg.slogdet(_float(x))


def eig(x):
    return jnp.linalg.eig(_float(x))


def eigh(x):
    return jnp.linalg.eigh(_float(x))


def inv(x):
    return jnp.linalg.inv(_float(x))


def lu_factor(x):
    lu, pivots = jsl.lu_factor(_float(x))
    return lu, pivots.astype(jnp.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    return jnp.linalg.norm(_float(x), ord=ord, axis=tuple(axis) if isinstance(axis, list) else axis,
                           keepdims=keepdims)


def qr(x, mode="reduced"):
    return jnp.linalg.qr(_float(x), mode=mode)


def solve(a, b):
    a, b = _float(a), _float(b)
    return jnp.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    return jsl.solve_triangular(_float(a), _float(b), lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    return jnp.linalg.svd(_float(x), full_matrices=full_matrices, compute_uv=compute_uv)


def lstsq(a, b, rcond=None):
    return jnp.linalg.lstsq(_float(a), _float(b), rcond=rcond)[0]


def matrix_power(x, n):
    return jnp.linalg.matrix_power(convert_to_tensor(x), n)


def pinv(x):
    return jnp.linalg.pinv(_float(x))


def matrix_rank(x):
    return jnp.linalg.matrix_rank(_float(x)).astype(jnp.int32)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("jax", "jnp", "jsl", "convert_to_tensor")]
