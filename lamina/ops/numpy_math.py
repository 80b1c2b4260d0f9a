"""Element-wise NumPy-like math: trigonometry, exponentials, rounding, bits, float tests.

Functions of one or two tensors that only forward to the backend are built by two small
factories, so each name below is one line; all of them accept KerasTensors.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.arctan2(ops.ones((2,)), 2.0))
    array([0.4636, 0.4636], dtype=float32)
"""

import inspect

from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic

# What the factory-made ops' parameters mean: each factory's defaults, then per-op entries
# where a parameter means more than "an input" (``_args_doc`` merges them, the op's wins).
_UNARY_ARGS = {"x": "input tensor."}
_BINARY_ARGS = {"x1": "first input (tensor or scalar).", "x2": "second input, broadcast against ``x1``."}
_BITWISE_ARGS = {"x": "integer (or bool) input.", "y": "second input, broadcast against ``x``."}
_OP_ARGS = {
    "bitwise_not": {"x": "integer or bool tensor."},
    "arctan2": {"x1": "y-coordinates (tensor or scalar).", "x2": "x-coordinates, broadcast against ``x1``."},
    "copysign": {"x1": "values whose magnitudes are kept.", "x2": "signs to give them, broadcast against ``x1``."},
    "heaviside": {"x1": "input tensor.", "x2": "the output where ``x1 == 0``, broadcast against ``x1``."},
    "float_power": {"x1": "bases.", "x2": "exponents, broadcast against ``x1``."},
    "fmod": {"x1": "dividends.", "x2": "divisors, broadcast against ``x1``."},
    "left_shift": {"y": "number of bits to shift by, broadcast against ``x``."},
    "right_shift": {"y": "number of bits to shift by, broadcast against ``x``."},
    "gcd": {"x1": "first integer input.", "x2": "second integer input, broadcast against ``x1``."},
    "lcm": {"x1": "first integer input.", "x2": "second integer input, broadcast against ``x1``."},
}


def _args_doc(op, defaults):
    """The ``Args:`` section for a factory-made op, one line per parameter of ``op``.

    Args:
        op: the function being documented (its name picks its ``_OP_ARGS`` entry).
        defaults: descriptions for the factory's parameter names.
    """
    descs = {**defaults, **_OP_ARGS.get(op.__name__, {})}
    lines = "".join(f"\n        {p}: {descs[p]}" for p in inspect.signature(op).parameters)
    return f"    Args:{lines}\n"


def _unary(name, doc, out, example="ops.ones((2,))"):
    def op(x):
        return getattr(_np, name)(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"{doc}\n\n{_args_doc(op, _UNARY_ARGS)}\n    Example:\n"
        f"        >>> ops.convert_to_numpy(ops.{name}({example}))\n        {out}\n    "
    )
    return symbolic(op)


def _binary(name, doc, out, example="ops.ones((2,)), ops.ones((2,))"):
    def op(x1, x2):
        return getattr(_np, name)(x1, x2)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"{doc}\n\n{_args_doc(op, _BINARY_ARGS)}\n    Example:\n"
        f"        >>> ops.convert_to_numpy(ops.{name}({example}))\n        {out}\n    "
    )
    return symbolic(op)


def _bitwise(name, doc, out):
    """A two-argument integer op named as Keras 3 names it: ``(x, y)``."""

    def op(x, y):
        return getattr(_np, name)(x, y)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"{doc}\n\n{_args_doc(op, _BITWISE_ARGS)}\n    Example:\n"
        f"        >>> ops.convert_to_numpy(ops.{name}(ops.convert_to_tensor([6, 3]), 1))\n        {out}\n    "
    )
    return symbolic(op)


# Float-valued functions: integer and bool inputs give ``floatx()``.
sin = _unary("sin", "Element-wise sine.", "array([0.8415, 0.8415], dtype=float32)")
cos = _unary("cos", "Element-wise cosine.", "array([0.5403, 0.5403], dtype=float32)")
tan = _unary("tan", "Element-wise tangent.", "array([1.5574, 1.5574], dtype=float32)")
arcsin = _unary("arcsin", "Element-wise inverse sine.", "array([1.5708, 1.5708], dtype=float32)")
arccos = _unary("arccos", "Element-wise inverse cosine.", "array([0., 0.], dtype=float32)")
arctan = _unary("arctan", "Element-wise inverse tangent.", "array([0.7854, 0.7854], dtype=float32)")
sinh = _unary("sinh", "Element-wise hyperbolic sine.", "array([1.1752, 1.1752], dtype=float32)")
cosh = _unary("cosh", "Element-wise hyperbolic cosine.", "array([1.5431, 1.5431], dtype=float32)")
arcsinh = _unary("arcsinh", "Element-wise inverse hyperbolic sine.", "array([0.8814, 0.8814], dtype=float32)")
arccosh = _unary("arccosh", "Element-wise inverse hyperbolic cosine.", "array([0., 0.], dtype=float32)")
arctanh = _unary("arctanh", "Element-wise inverse hyperbolic tangent.", "array([inf, inf], dtype=float32)")
exp2 = _unary("exp2", "Element-wise ``2 ** x``.", "array([2., 2.], dtype=float32)")
expm1 = _unary("expm1", "Element-wise ``exp(x) - 1``, accurate near 0.", "array([1.7183, 1.7183], dtype=float32)")
log1p = _unary("log1p", "Element-wise ``log(1 + x)``, accurate near 0.", "array([0.6931, 0.6931], dtype=float32)")
log2 = _unary("log2", "Element-wise base-2 logarithm.", "array([0., 0.], dtype=float32)")
log10 = _unary("log10", "Element-wise base-10 logarithm.", "array([0., 0.], dtype=float32)")
cbrt = _unary("cbrt", "Element-wise cube root.", "array([1., 1.], dtype=float32)")
reciprocal = _unary("reciprocal", "Element-wise ``1 / x``.", "array([1., 1.], dtype=float32)")
deg2rad = _unary("deg2rad", "Converts degrees to radians.", "array([0.0175, 0.0175], dtype=float32)")
rad2deg = _unary("rad2deg", "Converts radians to degrees.", "array([57.2958, 57.2958], dtype=float32)")
sinc = _unary(
    "sinc", "Normalized sinc: ``sin(pi x) / (pi x)``, 1 at 0.", "array([-2.7828e-08, -2.7828e-08], dtype=float32)"
)
angle = _unary("angle", "Element-wise complex argument (0 or pi for reals).", "array([0., 0.], dtype=float32)")
radians = deg2rad
degrees = rad2deg

# Functions that keep the input dtype.
floor = _unary("floor", "Element-wise floor (the identity on integers).", "array([1., 1.], dtype=float32)")
ceil = _unary("ceil", "Element-wise ceiling (the identity on integers).", "array([1., 1.], dtype=float32)")
trunc = _unary("trunc", "Rounds toward zero element-wise.", "array([1., 1.], dtype=float32)")
sign = _unary("sign", "Element-wise sign: -1, 0 or 1.", "array([1., 1.], dtype=float32)")
positive = _unary("positive", "Element-wise ``+x``.", "array([1., 1.], dtype=float32)")
conj = _unary("conj", "Element-wise complex conjugate.", "array([1., 1.], dtype=float32)")
conjugate = conj
real = _unary("real", "Real part of ``x``.", "array([1., 1.], dtype=float32)")
imag = _unary("imag", "Imaginary part of ``x`` (zeros for reals).", "array([0., 0.], dtype=float32)")
bitwise_not = _unary(
    "bitwise_not",
    "Element-wise bitwise NOT of integers / logical NOT of bools.",
    "array([-7, -4], dtype=int32)",
    example="ops.convert_to_tensor([6, 3])",
)
bitwise_invert = invert = bitwise_not

# Boolean tests.
isnan = _unary("isnan", "Element-wise test for NaN.", "array([False, False])")
isinf = _unary("isinf", "Element-wise test for positive or negative infinity.", "array([False, False])")
isfinite = _unary("isfinite", "Element-wise test for finite values.", "array([ True,  True])")
signbit = _unary("signbit", "Element-wise test for a set sign bit (negative values, -0.0).", "array([False, False])")

# Binary functions.
arctan2 = _binary(
    "arctan2", "Element-wise angle of the point ``(x2, x1)``, quadrant-aware.", "array([0.7854, 0.7854], dtype=float32)"
)
hypot = _binary("hypot", "Element-wise ``sqrt(x1**2 + x2**2)``.", "array([1.4142, 1.4142], dtype=float32)")
copysign = _binary("copysign", "Magnitude of ``x1`` with the sign of ``x2``.", "array([1., 1.], dtype=float32)")
logaddexp = _binary(
    "logaddexp", "Element-wise ``log(exp(x1) + exp(x2))``, computed stably.", "array([1.6931, 1.6931], dtype=float32)"
)
logaddexp2 = _binary(
    "logaddexp2", "Element-wise ``log2(2**x1 + 2**x2)``, computed stably.", "array([2., 2.], dtype=float32)"
)
heaviside = _binary(
    "heaviside", "Step function: 0 for x1 < 0, ``x2`` at 0, 1 for x1 > 0.", "array([1., 1.], dtype=float32)"
)
float_power = _binary(
    "float_power", "Element-wise ``x1 ** x2`` computed in floating point.", "array([1., 1.], dtype=float32)"
)
fmod = _binary(
    "fmod", "Element-wise remainder with the sign of the dividend (C's fmod).", "array([0., 0.], dtype=float32)"
)
bitwise_and = _bitwise("bitwise_and", "Element-wise bitwise AND.", "array([0, 1], dtype=int32)")
bitwise_or = _bitwise("bitwise_or", "Element-wise bitwise OR.", "array([7, 3], dtype=int32)")
bitwise_xor = _bitwise("bitwise_xor", "Element-wise bitwise XOR.", "array([7, 2], dtype=int32)")
left_shift = _bitwise("left_shift", "Shifts the bits of ``x`` left by ``y``.", "array([12,  6], dtype=int32)")
right_shift = _bitwise("right_shift", "Shifts the bits of ``x`` right by ``y``.", "array([3, 1], dtype=int32)")
bitwise_left_shift = left_shift
bitwise_right_shift = right_shift
gcd = _binary(
    "gcd",
    "Element-wise greatest common divisor of integers.",
    "array([2, 4], dtype=int32)",
    example="ops.convert_to_tensor([6, 4]), 4",
)
lcm = _binary(
    "lcm",
    "Element-wise least common multiple of integers.",
    "array([12,  4], dtype=int32)",
    example="ops.convert_to_tensor([6, 4]), 4",
)


@symbolic
def round(x, decimals=0):
    """Rounds half to even, to ``decimals`` places.

    Args:
        x: input tensor.
        decimals: number of decimal places (may be negative).

    Example:
        >>> ops.convert_to_numpy(ops.round(ops.convert_to_tensor([0.5, 1.5, 2.26]), decimals=1))
        array([0.5, 1.5, 2.3], dtype=float32)
    """
    return _np.round(x, decimals)


@symbolic
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN with ``nan`` and infinities with ``posinf`` / ``neginf``.

    Args:
        x: input tensor.
        nan: value for NaN.
        posinf: value for +inf (the dtype's largest finite value when None).
        neginf: value for -inf (the dtype's smallest finite value when None).

    Example:
        >>> ops.convert_to_numpy(ops.nan_to_num(ops.convert_to_tensor([float("nan"), 1.0])))
        array([0., 1.], dtype=float32)
    """
    return _np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@symbolic
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Element-wise ``|x1 - x2| <= atol + rtol * |x2|``.

    Args:
        x1: first tensor to compare.
        x2: second tensor, broadcast against ``x1``.
        rtol: relative tolerance (scaled by ``|x2|``).
        atol: absolute tolerance.
        equal_nan: whether NaNs compare equal.

    Example:
        >>> ops.convert_to_numpy(ops.isclose(ops.ones((2,)), 1.0 + 1e-7))
        array([ True,  True])
    """
    return _np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@symbolic
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether every element of ``x1`` is close to ``x2`` (a bool scalar tensor).

    Args:
        x1: first tensor to compare.
        x2: second tensor, broadcast against ``x1``.
        rtol: relative tolerance (scaled by ``|x2|``).
        atol: absolute tolerance.
        equal_nan: whether NaNs compare equal.

    Example:
        >>> bool(ops.allclose(ops.ones((2,)), 1.0))
        True
    """
    return _np.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


__all__ = [n for n in dir() if not n.startswith("_") and n != "symbolic"]
