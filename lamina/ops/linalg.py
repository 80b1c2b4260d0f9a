"""``lamina.ops.linalg``: decompositions, solvers, inverses, norms.

Integer inputs compute in ``floatx()``.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.linalg.solve(ops.eye(2) * 2.0, ops.ones((2,))))
    array([0.5, 0.5], dtype=float32)
"""

from lamina import backend
from lamina.ops._dispatch import symbolic

__all__ = [
    "cholesky", "det", "slogdet", "eig", "eigh", "inv", "lu_factor", "norm", "qr", "solve", "solve_triangular",
    "svd", "lstsq", "matrix_power", "pinv", "matrix_rank", "cholesky_inverse", "jvp",
]


def _linalg():
    return backend.linalg


def _check_square(fn_name, x):
    shape = getattr(x, "shape", None)
    if shape is not None and (len(shape) < 2 or (shape[-1] is not None and shape[-1] != shape[-2])):
        raise ValueError(f"{fn_name}: expected square matrices (..., n, n). Received: shape={tuple(shape)}")


@symbolic
def cholesky(x, upper=False):
    """Cholesky factor of symmetric positive-definite matrices (lower, or upper when ``upper``).

    Args:
        x: tensor of shape ``(..., M, M)``.
        upper: whether to return the upper factor ``U`` (``x = U^T U``) instead of the lower
            one.

    Example:
        >>> ops.convert_to_numpy(ops.linalg.cholesky(ops.eye(2) * 4.0))
        array([[2., 0.],
               [0., 2.]], dtype=float32)
    """
    _check_square("cholesky", x)
    return _linalg().cholesky(x, upper=upper)


@symbolic
def det(x):
    """Determinants of square matrices.

    Args:
        x: tensor of shape ``(..., M, M)``.

    Example:
        >>> float(ops.linalg.det(ops.eye(3) * 2.0))
        8.0
    """
    _check_square("det", x)
    return _linalg().det(x)


@symbolic
def slogdet(x):
    """``(sign, log|det|)`` of square matrices.

    Args:
        x: tensor of shape ``(..., M, M)``.

    Example:
        >>> sign, logabsdet = ops.linalg.slogdet(ops.eye(2) * 3.0)
    """
    _check_square("slogdet", x)
    return _linalg().slogdet(x)


@symbolic
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices (complex results).

    Args:
        x: tensor of shape ``(..., M, M)``.

    Example:
        >>> w, v = ops.linalg.eig(ops.eye(2))
    """
    _check_square("eig", x)
    return _linalg().eig(x)


@symbolic
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices.

    Args:
        x: tensor of shape ``(..., M, M)`` of symmetric matrices.

    Example:
        >>> w, v = ops.linalg.eigh(ops.eye(2))
    """
    _check_square("eigh", x)
    return _linalg().eigh(x)


@symbolic
def inv(x):
    """Inverses of square matrices.

    Args:
        x: tensor of shape ``(..., M, M)``.

    Example:
        >>> ops.convert_to_numpy(ops.linalg.inv(ops.eye(2) * 2.0))
        array([[0.5, 0. ],
               [0. , 0.5]], dtype=float32)
    """
    _check_square("inv", x)
    return _linalg().inv(x)


@symbolic
def lu_factor(x):
    """LU factorization with partial pivoting: ``(lu, pivots)``, pivots 0-based int32 (SciPy's layout).

    Args:
        x: tensor of shape ``(..., M, M)``.

    Example:
        >>> lu, pivots = ops.linalg.lu_factor(ops.eye(3))
    """
    _check_square("lu_factor", x)
    return _linalg().lu_factor(x)


@symbolic
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (``numpy.linalg.norm``'s rules).

    Args:
        x: input.
        ord: norm order (``None``: 2-norm of vectors / Frobenius of matrices; ``"fro"``,
            ``"nuc"``, ``inf``, ``-inf``, numbers).
        axis: int (vector norm), pair (matrix norm), or None (whole tensor as a vector
            when ``ord`` is None).
        keepdims: keep reduced axes.

    Example:
        >>> float(ops.linalg.norm(ops.convert_to_tensor([3.0, 4.0])))
        5.0
    """
    return _linalg().norm(x, ord=ord, axis=axis, keepdims=keepdims)


@symbolic
def qr(x, mode="reduced"):
    """QR decomposition: ``(q, r)`` with ``mode`` ``"reduced"`` or ``"complete"``.

    Args:
        x: tensor of shape ``(..., M, N)``.
        mode: ``"reduced"`` (``q`` is ``(..., M, K)``, ``K = min(M, N)``) or ``"complete"``
            (``q`` is ``(..., M, M)``).

    Example:
        >>> q, r = ops.linalg.qr(ops.ones((3, 2)))
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    return _linalg().qr(x, mode=mode)


@symbolic
def solve(a, b):
    """Solves ``a @ x = b`` for ``x``.

    Args:
        a: coefficient matrices of shape ``(..., M, M)``.
        b: right-hand sides of shape ``(..., M)`` or ``(..., M, K)``.

    Example:
        >>> ops.convert_to_numpy(ops.linalg.solve(ops.eye(2) * 2.0, ops.ones((2,))))
        array([0.5, 0.5], dtype=float32)
    """
    _check_square("solve", a)
    return _linalg().solve(a, b)


@symbolic
def solve_triangular(a, b, lower=False):
    """Solves ``a @ x = b`` for triangular ``a`` (upper unless ``lower``).

    Args:
        a: triangular coefficient matrices of shape ``(..., M, M)``.
        b: right-hand sides of shape ``(..., M)`` or ``(..., M, K)``.
        lower: whether ``a`` is lower triangular (otherwise upper).

    Example:
        >>> ops.convert_to_numpy(ops.linalg.solve_triangular(ops.eye(2), ops.ones((2,)), lower=True))
        array([1., 1.], dtype=float32)
    """
    _check_square("solve_triangular", a)
    return _linalg().solve_triangular(a, b, lower=lower)


@symbolic
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``(u, s, vh)``; only ``s`` when not ``compute_uv``.

    Args:
        x: tensor of shape ``(..., M, N)``.
        full_matrices: whether ``u`` and ``vh`` are square (otherwise reduced to ``min(M, N)``).
        compute_uv: whether to return ``u`` and ``vh`` as well as ``s``.

    Example:
        >>> u, s, vh = ops.linalg.svd(ops.ones((3, 2)))
    """
    return _linalg().svd(x, full_matrices=full_matrices, compute_uv=compute_uv)


@symbolic
def lstsq(a, b, rcond=None):
    """Least-squares solution ``x`` minimizing ``|a @ x - b|``.

    Args:
        a: coefficient matrix of shape ``(M, N)``.
        b: right-hand side of shape ``(M,)`` or ``(M, K)``.
        rcond: singular values below ``rcond`` times the largest are treated as zero (None:
            machine precision times ``max(M, N)``).

    Example:
        >>> ops.convert_to_numpy(ops.linalg.lstsq(ops.ones((3, 1)), ops.ones((3,))))
        array([1.0], dtype=float32)
    """
    return _linalg().lstsq(a, b, rcond=rcond)


@symbolic
def matrix_power(x, n):
    """``x`` multiplied by itself ``n`` times (``n`` < 0 inverts).

    Args:
        x: tensor of shape ``(..., M, M)``.
        n: integer exponent.

    Example:
        >>> ops.convert_to_numpy(ops.linalg.matrix_power(ops.eye(2) * 2.0, 3))
        array([[8., 0.],
               [0., 8.]], dtype=float32)
    """
    _check_square("matrix_power", x)
    return _linalg().matrix_power(x, n)


@symbolic
def pinv(x):
    """Moore-Penrose pseudo-inverse.

    Args:
        x: tensor of shape ``(..., M, N)``.

    Example:
        >>> ops.shape(ops.linalg.pinv(ops.ones((2, 3))))
        (3, 2)
    """
    return _linalg().pinv(x)


@symbolic
def matrix_rank(x):
    """Rank of matrices (int32).

    Args:
        x: tensor of shape ``(..., M, N)``.

    Example:
        >>> int(ops.linalg.matrix_rank(ops.ones((3, 3))))
        1
    """
    return _linalg().matrix_rank(x)


@symbolic
def cholesky_inverse(x, upper=False):
    """The inverse of ``A = L @ L.T`` (or ``U.T @ U``) computed from its Cholesky factor ``x``.

    Args:
        x: the triangular factor, shape ``(..., M, M)``: lower ``L``, or upper ``U`` when ``upper``.
        upper: whether ``x`` is the upper factor.

    Example:
        >>> ops.convert_to_numpy(ops.cholesky_inverse(ops.convert_to_tensor([[2.0, 0.0], [1.0, 1.0]])))
        array([[ 0.5, -0.5],
               [-0.5,  1. ]], dtype=float32)
    """
    _check_square("cholesky_inverse", x)
    if not isinstance(upper, bool):
        raise TypeError(f"cholesky_inverse: `upper` must be a bool. Received: upper={upper!r}")
    return backend.extra_ops.cholesky_inverse(x, upper=upper)


@symbolic
def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode derivative: ``fun(*primals)`` and its Jacobian applied to ``tangents``.

    Args:
        fun: the function to differentiate; it takes ``len(primals)`` tensors and returns a
            tensor or a nested structure of tensors (with ``has_aux``: a pair ``(output, aux)``).
        primals: tuple or list of the points to differentiate at, one per argument of ``fun``.
        tangents: tuple or list of the directions, with the structure and shapes of ``primals``.
        has_aux: whether ``fun`` returns ``(output, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(primals_out, tangents_out)``, or ``(primals_out, tangents_out, aux)`` with ``has_aux``.

    Example:
        >>> out, slope = ops.jvp(ops.sin, (ops.zeros(()),), (ops.ones(()),))
        >>> float(out), float(slope)
        (0.0, 1.0)
    """
    if not callable(fun):
        raise TypeError(f"jvp: `fun` must be callable. Received: fun={fun!r}")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"jvp: `primals` and `tangents` must be tuples or lists. Received: "
                        f"primals={type(primals).__name__}, tangents={type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: `primals` and `tangents` must have the same length. Received: "
                         f"{len(primals)} primals, {len(tangents)} tangents")
    return backend.extra_ops.jvp(fun, primals, tangents, has_aux=has_aux)
