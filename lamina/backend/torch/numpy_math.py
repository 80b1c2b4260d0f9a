"""Torch element-wise math for ``lamina.ops.numpy_math`` (trigonometry, rounding, bits, tests).

Dtypes follow JAX's rules: float-valued functions of integers give ``floatx()``; Python
scalars take the dtype of the tensor they meet.
"""

import torch

from lamina.backend.common import numpy_families
from lamina.backend.torch.core import to_torch_dtype
from lamina.backend.torch.numpy_helpers import _binary, _float_input, _pair, _t

__all__ = numpy_families.MATH


def _same_dtype(fn):
    def op(x):
        return fn(_t(x))

    op.__name__ = fn.__name__
    return op


def _exact_for_ints(fn):
    """Rounding functions: the identity on integer and bool tensors."""

    def op(x):
        x = _t(x)
        return fn(x) if (x.is_floating_point() or x.is_complex()) else x

    op.__name__ = fn.__name__
    return op


sin = _float_input(torch.sin)
cos = _float_input(torch.cos)
tan = _float_input(torch.tan)
arcsin = _float_input(torch.arcsin)
arccos = _float_input(torch.arccos)
arctan = _float_input(torch.arctan)
sinh = _float_input(torch.sinh)
cosh = _float_input(torch.cosh)
arcsinh = _float_input(torch.arcsinh)
arccosh = _float_input(torch.arccosh)
arctanh = _float_input(torch.arctanh)
exp2 = _float_input(torch.exp2)
expm1 = _float_input(torch.expm1)
log1p = _float_input(torch.log1p)
log2 = _float_input(torch.log2)
log10 = _float_input(torch.log10)
reciprocal = _float_input(torch.reciprocal)
deg2rad = _float_input(torch.deg2rad)
rad2deg = _float_input(torch.rad2deg)
sinc = _float_input(torch.sinc)
angle = _float_input(torch.angle)


@_float_input
def cbrt(x):
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


floor = _exact_for_ints(torch.floor)
ceil = _exact_for_ints(torch.ceil)
trunc = _exact_for_ints(torch.trunc)
isnan = _same_dtype(torch.isnan)
isinf = _same_dtype(torch.isinf)
isfinite = _same_dtype(torch.isfinite)
signbit = _same_dtype(torch.signbit)
positive = _same_dtype(lambda x: x.clone())
positive.__name__ = "positive"


def conj(x):
    x = _t(x)
    return torch.conj(x).resolve_conj() if x.is_complex() else x


def real(x):
    x = _t(x)
    return torch.real(x) if x.is_complex() else x


def imag(x):
    x = _t(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def round(x, decimals=0):
    x = _t(x)
    if x.is_floating_point():
        return torch.round(x, decimals=decimals)
    if decimals >= 0:
        return x
    factor = 10 ** (-decimals)
    return (torch.round(x.to(torch.float64) / factor) * factor).to(x.dtype)


def sign(x):
    x = _t(x)
    return torch.sign(x) if x.dtype != torch.bool else x


def _float_binary(fn):
    def op(x1, x2):
        a, b = _pair(x1, x2)
        if not (a.is_floating_point() or a.is_complex()):
            a, b = a.to(to_torch_dtype(None)), b.to(to_torch_dtype(None))
        return fn(a, b)

    op.__name__ = fn.__name__
    return op


bitwise_and = _binary(torch.bitwise_and)
bitwise_or = _binary(torch.bitwise_or)
bitwise_xor = _binary(torch.bitwise_xor)
left_shift = _binary(torch.bitwise_left_shift)
right_shift = _binary(torch.bitwise_right_shift)
gcd = _binary(torch.gcd)
lcm = _binary(torch.lcm)
fmod = _binary(torch.fmod)
arctan2 = _float_binary(torch.arctan2)
hypot = _float_binary(torch.hypot)
copysign = _float_binary(torch.copysign)
logaddexp = _float_binary(torch.logaddexp)
logaddexp2 = _float_binary(torch.logaddexp2)
heaviside = _float_binary(torch.heaviside)
float_power = _float_binary(torch.pow)


def bitwise_not(x):
    return torch.bitwise_not(_t(x))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _t(x)
    if not x.is_floating_point():
        return x
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = _pair(x1, x2)
    if not a.is_floating_point():
        a, b = a.to(to_torch_dtype(None)), b.to(to_torch_dtype(None))
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))

