"""Element-wise NumPy-like math: trigonometry, exponentials, rounding, bits, float tests.

Functions of one or two tensors that only forward to the backend are built by two small
factories, so each name below is one line; all of them accept KerasTensors.

Example:
    >>> from lamina import ops
    >>> ops.arctan2(ops.ones((2,)), 2.0)
"""

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic


def _unary(name, doc):
    def op(x):
        return getattr(_np, name)(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{doc}\n\n    Args:\n        x: input tensor.\n\n    Example:\n        >>> ops.{name}(ops.ones((2,)))\n    "
    return symbolic(op)


def _binary(name, doc):
    def op(x1, x2):
        return getattr(_np, name)(x1, x2)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"{doc}\n\n    Args:\n        x1: first input (tensor or scalar).\n        x2: second input, broadcast "
        f"against ``x1``.\n\n    Example:\n        >>> ops.{name}(ops.ones((2,)), ops.ones((2,)))\n    "
    )
    return symbolic(op)


def _bitwise(name, doc):
    """A two-argument integer op named as Keras 3 names it: ``(x, y)``."""

    def op(x, y):
        return getattr(_np, name)(x, y)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"{doc}\n\n    Args:\n        x: integer (or bool) input.\n        y: second input, broadcast "
        f"against ``x``.\n\n    Example:\n        >>> ops.{name}(ops.convert_to_tensor([6, 3]), 1)\n    "
    )
    return symbolic(op)


# Float-valued functions: integer and bool inputs give ``floatx()``.
sin = _unary("sin", "Element-wise sine.")
cos = _unary("cos", "Element-wise cosine.")
tan = _unary("tan", "Element-wise tangent.")
arcsin = _unary("arcsin", "Element-wise inverse sine.")
arccos = _unary("arccos", "Element-wise inverse cosine.")
arctan = _unary("arctan", "Element-wise inverse tangent.")
sinh = _unary("sinh", "Element-wise hyperbolic sine.")
cosh = _unary("cosh", "Element-wise hyperbolic cosine.")
arcsinh = _unary("arcsinh", "Element-wise inverse hyperbolic sine.")
arccosh = _unary("arccosh", "Element-wise inverse hyperbolic cosine.")
arctanh = _unary("arctanh", "Element-wise inverse hyperbolic tangent.")
exp2 = _unary("exp2", "Element-wise ``2 ** x``.")
expm1 = _unary("expm1", "Element-wise ``exp(x) - 1``, accurate near 0.")
log1p = _unary("log1p", "Element-wise ``log(1 + x)``, accurate near 0.")
log2 = _unary("log2", "Element-wise base-2 logarithm.")
log10 = _unary("log10", "Element-wise base-10 logarithm.")
cbrt = _unary("cbrt", "Element-wise cube root.")
reciprocal = _unary("reciprocal", "Element-wise ``1 / x``.")
deg2rad = _unary("deg2rad", "Converts degrees to radians.")
rad2deg = _unary("rad2deg", "Converts radians to degrees.")
sinc = _unary("sinc", "Normalized sinc: ``sin(pi x) / (pi x)``, 1 at 0.")
angle = _unary("angle", "Element-wise complex argument (0 or pi for reals).")
radians = deg2rad
degrees = rad2deg

# Functions that keep the input dtype.
floor = _unary("floor", "Element-wise floor (the identity on integers).")
ceil = _unary("ceil", "Element-wise ceiling (the identity on integers).")
trunc = _unary("trunc", "Rounds toward zero element-wise.")
sign = _unary("sign", "Element-wise sign: -1, 0 or 1.")
positive = _unary("positive", "Element-wise ``+x``.")
conj = _unary("conj", "Element-wise complex conjugate.")
conjugate = conj
real = _unary("real", "Real part of ``x``.")
imag = _unary("imag", "Imaginary part of ``x`` (zeros for reals).")
bitwise_not = _unary("bitwise_not", "Element-wise bitwise NOT of integers / logical NOT of bools.")
bitwise_invert = invert = bitwise_not

# Boolean tests.
isnan = _unary("isnan", "Element-wise test for NaN.")
isinf = _unary("isinf", "Element-wise test for positive or negative infinity.")
isfinite = _unary("isfinite", "Element-wise test for finite values.")
signbit = _unary("signbit", "Element-wise test for a set sign bit (negative values, -0.0).")

# Binary functions.
arctan2 = _binary("arctan2", "Element-wise angle of the point ``(x2, x1)``, quadrant-aware.")
hypot = _binary("hypot", "Element-wise ``sqrt(x1**2 + x2**2)``.")
copysign = _binary("copysign", "Magnitude of ``x1`` with the sign of ``x2``.")
logaddexp = _binary("logaddexp", "Element-wise ``log(exp(x1) + exp(x2))``, computed stably.")
logaddexp2 = _binary("logaddexp2", "Element-wise ``log2(2**x1 + 2**x2)``, computed stably.")
heaviside = _binary("heaviside", "Step function: 0 for x1 < 0, ``x2`` at 0, 1 for x1 > 0.")
float_power = _binary("float_power", "Element-wise ``x1 ** x2`` computed in floating point.")
fmod = _binary("fmod", "Element-wise remainder with the sign of the dividend (C's fmod).")
bitwise_and = _bitwise("bitwise_and", "Element-wise bitwise AND.")
bitwise_or = _bitwise("bitwise_or", "Element-wise bitwise OR.")
bitwise_xor = _bitwise("bitwise_xor", "Element-wise bitwise XOR.")
left_shift = _bitwise("left_shift", "Shifts the bits of ``x`` left by ``y``.")
right_shift = _bitwise("right_shift", "Shifts the bits of ``x`` right by ``y``.")
bitwise_left_shift = left_shift
bitwise_right_shift = right_shift
gcd = _binary("gcd", "Element-wise greatest common divisor of integers.")
lcm = _binary("lcm", "Element-wise least common multiple of integers.")


@symbolic
def round(x, decimals=0):
    """Rounds half to even, to ``decimals`` places.

    Args:
        x: input tensor.
        decimals: number of decimal places (may be negative).

    Example:
        >>> ops.round(ops.convert_to_tensor([0.5, 1.5, 2.26]), decimals=1)
    """
    return _np.round(x, decimals)


@symbolic
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN with ``nan`` and infinities with ``posinf`` / ``neginf``.

    Args:
        x: input tensor.
        nan: value for NaN.
        posinf / neginf: values for +inf / -inf (the dtype's largest / smallest finite
            value when None).

    Example:
        >>> ops.nan_to_num(ops.convert_to_tensor([float("nan"), 1.0]))
    """
    return _np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@symbolic
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Element-wise ``|x1 - x2| <= atol + rtol * |x2|``.

    Args:
        x1, x2: tensors to compare.
        rtol / atol: relative and absolute tolerance.
        equal_nan: whether NaNs compare equal.

    Example:
        >>> ops.isclose(ops.ones((2,)), 1.0 + 1e-7)
    """
    return _np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@symbolic
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether every element of ``x1`` is close to ``x2`` (a bool scalar tensor).

    Args:
        x1, x2: tensors to compare.
        rtol / atol: relative and absolute tolerance.
        equal_nan: whether NaNs compare equal.

    Example:
        >>> bool(ops.allclose(ops.ones((2,)), 1.0))
        True
    """
    return _np.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


__all__ = [n for n in dir() if not n.startswith("_") and n != "symbolic"]
