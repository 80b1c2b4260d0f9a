"""NumPy's lesser helpers: window functions, float tests, ``fmax``/``fmin``, ``ldexp``, ``vander``,
``unravel_index``, ``view`` and ``vectorize``.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.hamming(3))
    array([0.08, 1.  , 0.08], dtype=float32)
"""

from lamina import backend
from lamina.backend import numpy as _np
from lamina.ops._dispatch import symbolic
from lamina.ops.linalg import slogdet  # noqa: F401  (Keras has it in ops.numpy too)

__all__ = [
    "bartlett", "blackman", "hamming", "hanning", "kaiser", "copy", "corrcoef", "divide_no_nan", "fabs", "fmax",
    "fmin", "i0", "isneginf", "isposinf", "isreal", "ldexp", "nextafter", "unravel_index", "vander", "view",
    "vectorize", "slogdet",
]


def _window_length(fn_name, x):
    if isinstance(x, backend.KerasTensor):
        raise TypeError(f"ops.{fn_name}: the window length `x` must be a concrete integer (the output's length "
                        f"depends on its value). Received a symbolic tensor: x={x}")
    return x


def bartlett(x):
    """The Bartlett (triangular) window of length ``x`` (``floatx()``).

    Args:
        x: the window length, a Python int or a scalar integer tensor.

    Example:
        >>> ops.convert_to_numpy(ops.bartlett(5))
        array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _np.bartlett(_window_length("bartlett", x))


def blackman(x):
    """The Blackman window of length ``x`` (``floatx()``).

    Args:
        x: the window length, a Python int or a scalar integer tensor.

    Example:
        >>> ops.convert_to_numpy(ops.blackman(3))
        array([-0.,  1., -0.], dtype=float32)
    """
    return _np.blackman(_window_length("blackman", x))


def hamming(x):
    """The Hamming window of length ``x`` (``floatx()``).

    Args:
        x: the window length, a Python int or a scalar integer tensor.

    Example:
        >>> ops.convert_to_numpy(ops.hamming(3))
        array([0.08, 1.  , 0.08], dtype=float32)
    """
    return _np.hamming(_window_length("hamming", x))


def hanning(x):
    """The Hann window of length ``x`` (``floatx()``).

    Args:
        x: the window length, a Python int or a scalar integer tensor.

    Example:
        >>> ops.convert_to_numpy(ops.hanning(3))
        array([0., 1., 0.], dtype=float32)
    """
    return _np.hanning(_window_length("hanning", x))


def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape ``beta`` (``floatx()``).

    Args:
        x: the window length, a Python int or a scalar integer tensor.
        beta: the shape parameter (0 gives a rectangular window; larger values narrow it).

    Example:
        >>> ops.convert_to_numpy(ops.kaiser(3, 0.0))
        array([1., 1., 1.], dtype=float32)
    """
    return _np.kaiser(_window_length("kaiser", x), beta)


@symbolic
def copy(x):
    """A copy of ``x``.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.copy(ops.ones((2,))))
        array([1., 1.], dtype=float32)
    """
    return _np.copy(x)


@symbolic
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x`` (variables by observations).

    Args:
        x: a 1-D or 2-D tensor, one variable per row.

    Example:
        >>> ops.convert_to_numpy(ops.corrcoef(ops.convert_to_tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])))
        array([[ 1., -1.],
               [-1.,  1.]], dtype=float32)
    """
    return _np.corrcoef(x)


@symbolic
def divide_no_nan(x1, x2):
    """``x1 / x2`` element-wise, with 0 wherever ``x2`` is 0 (float result).

    Args:
        x1: the numerators.
        x2: the denominators, broadcast against ``x1``.

    Example:
        >>> ops.convert_to_numpy(ops.divide_no_nan(ops.ones((2,)), ops.convert_to_tensor([2.0, 0.0])))
        array([0.5, 0. ], dtype=float32)
    """
    return _np.divide_no_nan(x1, x2)


@symbolic
def fabs(x):
    """Element-wise absolute value as a float (integers become ``floatx()``).

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.fabs(ops.convert_to_tensor([-1.5, 2.0])))
        array([1.5, 2. ], dtype=float32)
    """
    return _np.fabs(x)


@symbolic
def fmax(x1, x2):
    """Element-wise maximum that ignores a NaN when the other entry is a number.

    Args:
        x1: first input (tensor or scalar).
        x2: second input, broadcast against ``x1``.

    Example:
        >>> ops.convert_to_numpy(ops.fmax(ops.convert_to_tensor([2.0, float("nan")]), ops.convert_to_tensor([1.0, 4.0])))
        array([2., 4.], dtype=float32)
    """
    return _np.fmax(x1, x2)


@symbolic
def fmin(x1, x2):
    """Element-wise minimum that ignores a NaN when the other entry is a number.

    Args:
        x1: first input (tensor or scalar).
        x2: second input, broadcast against ``x1``.

    Example:
        >>> ops.convert_to_numpy(ops.fmin(ops.convert_to_tensor([2.0, float("nan")]), ops.convert_to_tensor([1.0, 4.0])))
        array([1., 4.], dtype=float32)
    """
    return _np.fmin(x1, x2)


@symbolic
def i0(x):
    """The modified Bessel function of the first kind, order 0 (float result).

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.i0(ops.zeros((1,))))
        array([1.], dtype=float32)
    """
    return _np.i0(x)


@symbolic
def isneginf(x):
    """Whether each entry is negative infinity.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.isneginf(ops.convert_to_tensor([-float("inf"), 1.0])))
        array([ True, False])
    """
    return _np.isneginf(x)


@symbolic
def isposinf(x):
    """Whether each entry is positive infinity.

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.isposinf(ops.convert_to_tensor([float("inf"), 1.0])))
        array([ True, False])
    """
    return _np.isposinf(x)


@symbolic
def isreal(x):
    """Whether each entry has no imaginary part (always True for real dtypes).

    Args:
        x: input tensor.

    Example:
        >>> ops.convert_to_numpy(ops.isreal(ops.ones((2,))))
        array([ True,  True])
    """
    return _np.isreal(x)


@symbolic
def ldexp(x1, x2):
    """``x1 * 2 ** x2`` element-wise, for integer exponents ``x2``.

    Args:
        x1: the mantissas.
        x2: integer exponents, broadcast against ``x1``.

    Example:
        >>> ops.convert_to_numpy(ops.ldexp(ops.convert_to_tensor([0.75, 1.5]), ops.convert_to_tensor([1, 2])))
        array([1.5, 6. ], dtype=float32)
    """
    exponent_dtype = backend.standardize_dtype(backend.convert_to_tensor(x2).dtype)
    if "int" not in exponent_dtype:
        raise TypeError(f"ops.ldexp: the exponent `x2` must have an integer dtype. Received: x2.dtype={exponent_dtype}")
    return _np.ldexp(x1, x2)


@symbolic
def nextafter(x1, x2):
    """The next representable float after ``x1`` in the direction of ``x2``.

    Args:
        x1: the start values.
        x2: the directions, broadcast against ``x1``.

    Example:
        >>> float(ops.nextafter(ops.ones(()), 2.0)) > 1.0
        True
    """
    return _np.nextafter(x1, x2)


@symbolic
def unravel_index(indices, shape):
    """Flat indices into a tensor of ``shape`` -> a tuple of coordinate tensors, one per axis.

    Args:
        indices: integer tensor (or int) of flat indices.
        shape: the shape the indices point into.

    Example:
        >>> [int(i) for i in ops.unravel_index(5, (3, 3))]
        [1, 2]
    """
    if any(not isinstance(d, int) or d < 0 for d in tuple(shape)):
        raise ValueError(f"ops.unravel_index: `shape` must be a sequence of non-negative ints. Received: shape={shape}")
    return _np.unravel_index(indices, tuple(shape))


@symbolic
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D ``x``: column ``j`` holds ``x ** (N - 1 - j)`` (or ``x ** j``).

    Args:
        x: 1-D input tensor.
        N: number of columns (None: ``len(x)``).
        increasing: powers increase from left to right when True.

    Example:
        >>> ops.convert_to_numpy(ops.vander(ops.convert_to_tensor([1, 2, 3]), 2))
        array([[1, 1],
               [2, 1],
               [3, 1]], dtype=int32)
    """
    ndim = len(backend.convert_to_tensor(x).shape)
    if ndim != 1:
        raise ValueError(f"ops.vander: `x` must be 1-D. Received: x with {ndim} dimensions")
    if N is not None and (not isinstance(N, int) or isinstance(N, bool) or N < 0):
        raise ValueError(f"ops.vander: `N` must be a non-negative int or None. Received: N={N!r}")
    if not isinstance(increasing, bool):
        raise TypeError(f"ops.vander: `increasing` must be a bool. Received: increasing={increasing!r}")
    return _np.vander(x, N=N, increasing=increasing)


@symbolic
def view(x, dtype=None):
    """The bits of ``x`` read as ``dtype`` (a wider or narrower dtype changes the last axis' length).

    Args:
        x: input tensor.
        dtype: the dtype to read the bits as (None: ``x``'s own).

    Example:
        >>> ops.convert_to_numpy(ops.view(ops.convert_to_tensor([1.0]), "int32"))
        array([1065353216], dtype=int32)
    """
    return _np.view(x, dtype=None if dtype is None else backend.standardize_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc`` applied over the leading (broadcast) axes of its arguments, as ``numpy.vectorize``.

    Args:
        pyfunc: the function of tensors to vectorize.
        excluded: positions of arguments passed to ``pyfunc`` unchanged (not vectorized).
        signature: a generalized-ufunc signature such as ``"(m,n),(n)->(m)"``; None maps scalars.

    Example:
        >>> add = ops.vectorize(lambda a, b: a + b)
        >>> ops.convert_to_numpy(add(ops.convert_to_tensor([1, 2, 3]), ops.convert_to_tensor(2)))
        array([3, 4, 5], dtype=int32)
    """
    if not callable(pyfunc):
        raise ValueError(f"ops.vectorize: `pyfunc` must be callable. Received: pyfunc={pyfunc!r}")
    if signature is not None and (not isinstance(signature, str) or "->" not in signature):
        raise ValueError(f"ops.vectorize: `signature` must be a string like '(m,n),(n)->(m)'. "
                         f"Received: signature={signature!r}")
    return _np.vectorize(pyfunc, excluded=excluded, signature=signature)
