"""JAX element-wise math for ``lamina.ops.numpy_math`` (trigonometry, rounding, bits, tests)."""

import jax.numpy as jnp

from lamina.backend.common import numpy_families
from lamina.backend.jax.core import convert_to_tensor, to_jax_dtype
from lamina.backend.jax.numpy_helpers import _float_input

__all__ = numpy_families.MATH


def _tensor_args(fn):
    """Converts list / NumPy arguments to tensors; Python scalars stay weak."""

    def op(*args, **kwargs):
        args = [a if isinstance(a, (int, float, bool, complex)) else convert_to_tensor(a) for a in args]
        return fn(*args, **kwargs)

    op.__name__ = getattr(fn, "__name__", "op")
    return op


sin = _float_input(jnp.sin)
cos = _float_input(jnp.cos)
tan = _float_input(jnp.tan)
arcsin = _float_input(jnp.arcsin)
arccos = _float_input(jnp.arccos)
arctan = _float_input(jnp.arctan)
sinh = _float_input(jnp.sinh)
cosh = _float_input(jnp.cosh)
arcsinh = _float_input(jnp.arcsinh)
arccosh = _float_input(jnp.arccosh)
arctanh = _float_input(jnp.arctanh)
exp2 = _float_input(jnp.exp2)
expm1 = _float_input(jnp.expm1)
log1p = _float_input(jnp.log1p)
log2 = _float_input(jnp.log2)
log10 = _float_input(jnp.log10)
cbrt = _float_input(jnp.cbrt)
reciprocal = _float_input(jnp.reciprocal)
deg2rad = _float_input(jnp.deg2rad)
rad2deg = _float_input(jnp.rad2deg)
sinc = _float_input(jnp.sinc)
angle = _float_input(jnp.angle)

floor = _tensor_args(jnp.floor)
ceil = _tensor_args(jnp.ceil)
trunc = _tensor_args(jnp.trunc)
positive = _tensor_args(jnp.positive)
conj = _tensor_args(jnp.conj)
real = _tensor_args(jnp.real)
imag = _tensor_args(jnp.imag)
isnan = _tensor_args(jnp.isnan)
isinf = _tensor_args(jnp.isinf)
isfinite = _tensor_args(jnp.isfinite)
signbit = _tensor_args(jnp.signbit)
bitwise_and = _tensor_args(jnp.bitwise_and)
bitwise_or = _tensor_args(jnp.bitwise_or)
bitwise_xor = _tensor_args(jnp.bitwise_xor)
bitwise_not = _tensor_args(jnp.bitwise_not)
left_shift = _tensor_args(jnp.left_shift)
right_shift = _tensor_args(jnp.right_shift)
gcd = _tensor_args(jnp.gcd)
lcm = _tensor_args(jnp.lcm)
fmod = _tensor_args(jnp.fmod)


def _float_pair(fn):
    """A binary op with a float result: integer operands compute in ``floatx()``."""

    def op(x1, x2):
        x1, x2 = (v if isinstance(v, (int, float)) else convert_to_tensor(v) for v in (x1, x2))
        if not jnp.issubdtype(jnp.result_type(x1, x2), jnp.inexact):
            floatx = to_jax_dtype(None)
            x1, x2 = (v if isinstance(v, (int, float)) else v.astype(floatx) for v in (x1, x2))
            if isinstance(x1, (int, float)) and isinstance(x2, (int, float)):
                x1 = jnp.asarray(x1, floatx)
        return fn(x1, x2)

    op.__name__ = fn.__name__
    return op


arctan2 = _float_pair(jnp.arctan2)
hypot = _float_pair(jnp.hypot)
copysign = _float_pair(jnp.copysign)
logaddexp = _float_pair(jnp.logaddexp)
logaddexp2 = _float_pair(jnp.logaddexp2)
float_power = _float_pair(jnp.power)


def round(x, decimals=0):
    x = convert_to_tensor(x)
    return jnp.round(x, decimals) if x.dtype != jnp.bool_ else x


def sign(x):
    x = convert_to_tensor(x)
    return jnp.sign(x) if x.dtype != jnp.bool_ else x


def heaviside(x1, x2):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    dtype = jnp.result_type(x1, x2)
    if not jnp.issubdtype(dtype, jnp.inexact):
        dtype = to_jax_dtype(None)
    return jnp.heaviside(x1.astype(dtype), x2.astype(dtype))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(convert_to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return jnp.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))

