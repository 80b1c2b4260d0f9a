"""Every lamina.ops.numpy function against NumPy: values and result dtype, one row per case.

A row is ``(id, call, inputs, expected_dtype)``: ``call(m, *inputs)`` runs once with
``m = lamina.ops`` and once with ``m = numpy``; ``expected_dtype`` follows JAX's rules
with 64-bit types off (NumPy itself would say int64/float64).
"""

import numpy as np
import pytest

import lamina
from lamina import backend, ops
from tests.conftest import keras_or_skip

RNG = np.random.default_rng(0)
F = RNG.uniform(0.1, 0.9, (3, 4)).astype("float32")
G = RNG.uniform(-2.0, 2.0, (3, 4)).astype("float32")
P = RNG.uniform(1.5, 3.0, (3, 4)).astype("float32")
I = RNG.integers(-5, 6, (3, 4)).astype("int32")
J = RNG.integers(1, 6, (3, 4)).astype("int32")
B = RNG.random((3, 4)) > 0.5
V = np.array([3.0, 1.0, 2.0, 5.0, 4.0], "float32")
S = np.array([1, 3, 5, 7], "int32")

CASES = [
    # element-wise, float results
    *[(n, (lambda n: lambda m, x: getattr(m, n)(x))(n), [F], "float32") for n in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arctanh", "exp2", "expm1",
        "log1p", "log2", "log10", "cbrt", "reciprocal", "deg2rad", "rad2deg", "sinc", "sqrt", "exp", "log", "tanh")],
    *[(n + "_int", (lambda n: lambda m, x: getattr(m, n)(x))(n), [J], "float32") for n in (
        "sin", "exp2", "log2", "cbrt", "sqrt", "log1p", "angle")],
    ("arccosh", lambda m, x: m.arccosh(x), [P], "float32"),
    # element-wise, dtype kept
    *[(n, (lambda n: lambda m, x: getattr(m, n)(x))(n), [G], "float32") for n in (
        "floor", "ceil", "trunc", "sign", "positive", "negative", "absolute", "square", "round", "real", "conj")],
    *[(n + "_int", (lambda n: lambda m, x: getattr(m, n)(x))(n), [I], "int32") for n in (
        "floor", "ceil", "trunc", "sign", "positive", "round", "bitwise_not", "imag", "square")],
    ("round_decimals", lambda m, x: m.round(x * 10, 1), [G], "float32"),
    *[(n, (lambda n: lambda m, x: getattr(m, n)(x))(n), [G], "bool") for n in ("isnan", "isinf", "isfinite", "signbit")],
    ("nan_to_num", lambda m, x: m.nan_to_num(m.where(x > 0, x, np.nan), nan=-1.0), [G], "float32"),
    # binary
    *[(n, (lambda n: lambda m, a, b: getattr(m, n)(a, b))(n), [G, F], "float32") for n in (
        "arctan2", "hypot", "copysign", "logaddexp", "logaddexp2", "heaviside", "fmod", "maximum", "minimum",
        "add", "subtract", "multiply", "divide", "power", "float_power")],
    *[(n + "_int", (lambda n: lambda m, a, b: getattr(m, n)(a, b))(n), [I, J], "int32") for n in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm", "fmod", "floor_divide", "mod", "maximum")],
    ("shifts", lambda m, a, b: m.left_shift(a, b) + m.right_shift(a * 64, b), [J, J], "int32"),
    ("arctan2_int", lambda m, a, b: m.arctan2(a, b), [I, J], "float32"),
    ("divide_int", lambda m, a, b: m.divide(a, b), [I, J], "float32"),
    ("weak_scalar", lambda m, a: m.add(a, 2), [I], "int32"),
    ("weak_float_scalar", lambda m, a: m.multiply(a, 0.5), [I], "float32"),
    ("isclose", lambda m, a, b: m.isclose(a, a + b * 1e-7), [G, F], "bool"),
    # reductions
    ("var", lambda m, x: m.var(x, axis=0), [G], "float32"),
    ("std_keepdims", lambda m, x: m.std(x, axis=1, keepdims=True), [G], "float32"),
    ("var_int", lambda m, x: m.var(x), [I], "float32"),
    ("median", lambda m, x: m.median(x, axis=1), [G], "float32"),
    ("median_all", lambda m, x: m.median(x), [I], "float32"),
    ("quantile", lambda m, x: m.quantile(x, np.array([0.2, 0.5], "float32"), axis=0), [G], "float32"),
    ("quantile_method", lambda m, x: m.quantile(x, 0.3, axis=1, method="nearest", keepdims=True), [G], "float32"),
    ("percentile", lambda m, x: m.percentile(x, 75.0), [G], "float32"),
    ("cumsum", lambda m, x: m.cumsum(x, axis=1), [G], "float32"),
    ("cumsum_flat_int", lambda m, x: m.cumsum(x), [I], "int32"),
    ("cumsum_bool", lambda m, x: m.cumsum(x, axis=0), [B], "int32"),
    ("cumprod", lambda m, x: m.cumprod(x, axis=0), [J], "int32"),
    ("count_nonzero", lambda m, x: m.count_nonzero(x, axis=0), [I], "int32"),
    ("argmin", lambda m, x: m.argmin(x, axis=1), [G], "int32"),
    ("argmax", lambda m, x: m.argmax(x), [G], "int32"),
    ("average", lambda m, x, w: m.average(x, axis=1, weights=w), [G, F], "float32"),
    ("mean_int", lambda m, x: m.mean(x, axis=0), [I], "float32"),
    ("sum_bool", lambda m, x: m.sum(x), [B], "int32"),
    ("prod", lambda m, x: m.prod(x, axis=1), [J], "int32"),
    ("nanmean", lambda m, x: m.nanmean(m.where(x > 0, x, np.nan), axis=1), [G], "float32"),
    ("nansum", lambda m, x: m.nansum(m.where(x > 0, x, np.nan)), [G], "float32"),
    ("nanmax", lambda m, x: m.nanmax(m.where(x > 0, x, np.nan), axis=0), [P], "float32"),
    ("ptp", lambda m, x: m.ptp(x, axis=1), [I], "int32"),
    ("max_keepdims", lambda m, x: m.max(x, axis=(0, 1), keepdims=True), [G], "float32"),
    # shape
    ("moveaxis", lambda m, x: m.moveaxis(x[None], 0, -1), [G], "float32"),
    ("swapaxes", lambda m, x: m.swapaxes(x, 0, 1), [G], "float32"),
    ("flip", lambda m, x: m.flip(x, axis=1), [G], "float32"),
    ("flip_all", lambda m, x: m.flip(x), [G], "float32"),
    ("fliplr", lambda m, x: m.fliplr(x), [I], "int32"),
    ("flipud", lambda m, x: m.flipud(x), [I], "int32"),
    ("rot90", lambda m, x: m.rot90(x, k=3), [G], "float32"),
    ("roll", lambda m, x: m.roll(x, 2, axis=1), [G], "float32"),
    ("roll_flat", lambda m, x: m.roll(x, -3), [I], "int32"),
    ("ravel", lambda m, x: m.ravel(x), [G], "float32"),
    ("repeat", lambda m, x: m.repeat(x, 2, axis=0), [G], "float32"),
    ("repeat_flat", lambda m, x: m.repeat(x, 3), [I], "int32"),
    ("split", lambda m, x: m.split(x, 2, axis=1)[1], [G], "float32"),
    ("split_indices", lambda m, x: m.split(x, [1, 3], axis=1)[1], [G], "float32"),
    ("array_split", lambda m, x: m.array_split(x, 3, axis=1)[0], [G], "float32"),
    ("hsplit", lambda m, x: m.hsplit(x, 2)[0], [G], "float32"),
    ("vsplit", lambda m, x: m.vsplit(x, 3)[2], [G], "float32"),
    ("vstack", lambda m, x, y: m.vstack([x, y[0]]), [G, F], "float32"),
    ("hstack", lambda m, x, y: m.hstack([x, y]), [G, F], "float32"),
    ("hstack_1d", lambda m, x, y: m.hstack([x[0], y[1]]), [G, F], "float32"),
    ("dstack", lambda m, x, y: m.dstack([x, y]), [G, F], "float32"),
    ("column_stack", lambda m, x, y: m.column_stack([x[0], y[1]]), [G, F], "float32"),
    ("append", lambda m, x, y: m.append(x, y), [G, F], "float32"),
    ("append_axis", lambda m, x, y: m.append(x, y, axis=0), [G, F], "float32"),
    ("concat_promote", lambda m, x, y: m.concatenate([x, y], axis=0), [I, F], "float32"),
    *[("pad_" + mode, (lambda mode: lambda m, x: m.pad(x, ((1, 2), (2, 1)), mode=mode))(mode), [G], "float32")
      for mode in ("constant", "edge", "reflect", "symmetric", "wrap")],
    ("pad_value", lambda m, x: m.pad(x, 1, constant_values=7), [I], "int32"),
    ("atleast_2d", lambda m, x: m.atleast_2d(x[0]), [G], "float32"),
    ("atleast_3d", lambda m, x: m.atleast_3d(x), [G], "float32"),
    ("diag", lambda m, x: m.diag(x, k=1), [G], "float32"),
    ("diag_vec", lambda m, x: m.diag(x[0], k=-1), [G], "float32"),
    ("diagonal", lambda m, x: m.diagonal(x, offset=1), [G], "float32"),
    ("diagflat", lambda m, x: m.diagflat(x[:, :2]), [G], "float32"),
    ("tril", lambda m, x: m.tril(x, k=-1), [G], "float32"),
    ("triu", lambda m, x: m.triu(x, k=1), [I], "int32"),
    ("insert", lambda m, x: m.insert(x, 2, 9, axis=1), [I], "int32"),
    ("insert_flat", lambda m, x: m.insert(x[0], [1, 3], [7, 8]), [I], "int32"),
    ("delete", lambda m, x: m.delete(x, [0, 2], axis=1), [G], "float32"),
    ("squeeze_tuple", lambda m, x: m.squeeze(x[None, :, None], axis=(0, 2)), [G], "float32"),
    ("expand_dims_tuple", lambda m, x: m.expand_dims(x, (0, 3)), [G], "float32"),
    ("tile", lambda m, x: m.tile(x, (2, 1)), [G], "float32"),
    ("broadcast_to", lambda m, x: m.broadcast_to(x[0], (2, 4)), [G], "float32"),
    # indexing, sorting, searching
    ("take_along_axis", lambda m, x, i: m.take_along_axis(x, m.argsort(x, axis=1), axis=1), [G, I], "float32"),
    ("take_along_broadcast", lambda m, x: m.take_along_axis(x, np.array([[0], [3], [1]]), axis=1), [G], "float32"),
    ("put_along_axis", lambda m, x: _put(m, x), [G], "float32"),
    ("sort", lambda m, x: m.sort(x, axis=0), [G], "float32"),
    ("sort_int", lambda m, x: m.sort(x), [I], "int32"),
    ("argsort", lambda m, x: m.argsort(x, axis=1), [G], "int32"),
    ("searchsorted", lambda m, s, v: m.searchsorted(s, v), [S, I], "int32"),
    ("searchsorted_right", lambda m, s, v: m.searchsorted(s, v, side="right"), [S, I], "int32"),
    ("digitize", lambda m, x: m.digitize(x, np.array([-1.0, 0.0, 1.0], "float32")), [G], "int32"),
    ("digitize_right", lambda m, x: m.digitize(x, np.array([-2, 0, 3], "int32"), right=True), [I], "int32"),
    ("bincount", lambda m, x: m.bincount(x.ravel()), [J], "int32"),
    ("bincount_weights", lambda m, x, w: m.bincount(x.ravel(), weights=w.ravel(), minlength=8), [J, F], "float32"),
    ("nonzero", lambda m, x: m.nonzero(x)[1], [I], "int32"),
    ("where_one_arg", lambda m, x: m.where(x > 0)[0], [I], None),
    ("argwhere", lambda m, x: m.argwhere(x), [I], "int32"),
    ("flatnonzero", lambda m, x: m.flatnonzero(x), [I], "int32"),
    ("unique", lambda m, x: m.unique(x), [I], "int32"),
    ("unique_counts", lambda m, x: m.unique(x, return_counts=True)[1], [I], "int32"),
    ("unique_inverse", lambda m, x: m.unique(x, return_inverse=True)[1].reshape(-1), [I], "int32"),
    ("unique_index", lambda m, x: m.unique(x, return_index=True)[1], [I], "int32"),
    ("select", lambda m, x: m.select([x < -1, x > 1], [x, x * 10], default=-7), [I], "int32"),
    ("choose", lambda m, x: m.choose(m.clip(x, 0, 2), [x, x * 2, x * 3]), [I], "int32"),
    ("compress", lambda m, x: m.compress(np.array([True, False, True]), x, axis=0), [G], "float32"),
    ("extract", lambda m, x: m.extract(x > 0, x), [G], "float32"),
    ("isin", lambda m, x: m.isin(x, np.array([1, 2, 3], "int32")), [I], "bool"),
    ("isin_invert", lambda m, x: m.isin(x, np.array([0, -1], "int32"), invert=True), [I], "bool"),
    ("histogram_counts", lambda m, x: m.histogram(x, bins=4)[0], [G], "int32"),
    ("histogram_edges", lambda m, x: m.histogram(x, bins=4, range=(-2, 2))[1], [G], "float32"),
    ("diff", lambda m, x: m.diff(x, axis=0), [G], "float32"),
    ("diff_n2", lambda m, x: m.diff(x, n=2), [I], "int32"),
    ("ediff1d", lambda m, x: m.ediff1d(x), [I], "int32"),
    *[("correlate_" + mode, (lambda mode: lambda m, a: m.correlate(a, np.array([0.5, 1.0, -1.0], "float32"), mode=mode))(mode), [V], "float32") for mode in ("valid", "same", "full")],
    *[("convolve_" + mode, (lambda mode: lambda m, a: m.convolve(a, np.array([0.5, 1.0], "float32"), mode=mode))(mode), [V], "float32") for mode in ("valid", "same", "full")],
    ("trapezoid", lambda m, y: m.trapezoid(y, axis=0), [G], "float32"),
    ("trapezoid_x", lambda m, y: m.trapezoid(y, x=np.array([0.0, 0.5, 2.0, 3.0], "float32")), [G], "float32"),
    ("interp", lambda m, x: m.interp(x, np.array([-1.0, 0.0, 1.5], "float32"), np.array([0.0, 2.0, -1.0], "float32")), [G], "float32"),
    ("take", lambda m, x: m.take(x, np.array([[0, 2], [1, 1]]), axis=1), [G], "float32"),
    # products
    ("tensordot", lambda m, a, b: m.tensordot(a, b.T, axes=1), [G, F], "float32"),
    ("tensordot_axes", lambda m, a, b: m.tensordot(a, b, axes=([0, 1], [0, 1])), [G, F], "float32"),
    ("inner", lambda m, a, b: m.inner(a, b), [G, F], "float32"),
    ("outer", lambda m, a, b: m.outer(a, b), [I, J], "int32"),
    ("vdot", lambda m, a, b: m.vdot(a, b), [G, F], "float32"),
    ("cross", lambda m, a, b: m.cross(a[:, :3], b[:, :3]), [G, F], "float32"),
    ("cross_2d", lambda m, a, b: m.cross(a[:, :2], b[:, :2]), [G, F], "float32"),
    ("kron", lambda m, a, b: m.kron(a[:2, :2], b[:2, :3]), [I, J], "int32"),
    ("trace", lambda m, a: m.trace(a, offset=1), [G], "float32"),
    ("trace_int", lambda m, a: m.trace(a), [I], "int32"),
    ("dot", lambda m, a, b: m.dot(a, b.T), [G, F], "float32"),
    ("matmul_int_float", lambda m, a, b: m.matmul(a, b.T), [I, F], "float32"),
    ("einsum", lambda m, a, b: m.einsum("ij,kj->ik", a, b), [G, F], "float32"),
    # creation
    ("linspace", lambda m: m.linspace(0.0, 1.0, 7), [], "float32"),
    ("linspace_noend", lambda m: m.linspace(2, 3, 4, endpoint=False), [], "float32"),
    ("linspace_int", lambda m: m.linspace(0, 10, 5, dtype="int32"), [], "int32"),
    ("logspace", lambda m: m.logspace(0, 2, 5), [], "float32"),
    ("geomspace", lambda m: m.geomspace(1, 1000, 4), [], "float32"),
    ("eye", lambda m: m.eye(3, 4, k=1), [], "float32"),
    ("identity", lambda m: m.identity(3, dtype="int32"), [], "int32"),
    ("tri", lambda m: m.tri(3, 2, k=-1), [], "float32"),
    ("full_like", lambda m, x: m.full_like(x, 3), [I], "int32"),
    ("meshgrid_xy", lambda m: m.meshgrid(np.arange(3.0, dtype="float32"), np.arange(2.0, dtype="float32"))[0], [], "float32"),
    ("meshgrid_ij", lambda m: m.meshgrid(np.arange(3), np.arange(2), indexing="ij")[1], [], None),
    ("indices", lambda m: m.indices((2, 3)), [], None),
    ("array", lambda m: m.array([[1, 2], [3, 4]]), [], None),
    ("arange_float", lambda m: m.arange(0.0, 1.0, 0.25), [], "float32"),
    ("clip", lambda m, x: m.clip(x, -1, 1), [I], "int32"),
]


def _put(m, x):
    idx = np.array([[1], [0], [3]])
    if m is np:
        x = x.copy()
        np.put_along_axis(x, idx, 9.0, axis=1)
        return x
    return m.put_along_axis(x, idx, 9.0, axis=1)


@pytest.mark.parametrize("call, inputs, expected_dtype", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_against_numpy(call, inputs, expected_dtype):
    ours = call(ops, *inputs)
    with np.errstate(all="ignore"):
        ref = np.asarray(call(np, *inputs))
    got = ops.convert_to_numpy(ours)
    assert got.shape == ref.shape
    if ref.dtype.kind in "fc":
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_array_equal(got, ref)
    if expected_dtype is not None:
        assert lamina.backend.standardize_dtype(ours.dtype) == expected_dtype


def test_namespace_is_large_and_exposed_from_ops():
    from lamina.ops import numpy as numpy_ops

    names = [n for n, v in vars(numpy_ops).items() if callable(v) and not n.startswith("_") and n != "symbolic"]
    assert len(names) >= 150
    for n in names:
        assert getattr(ops, n) is getattr(numpy_ops, n), n


def test_errors_name_the_function():
    with pytest.raises(ValueError, match="bincount"):
        ops.bincount(ops.convert_to_tensor([1, 2]), sparse=True)
    with pytest.raises(Exception):
        ops.split(ops.ones((5,)), 2)
    with pytest.raises(ValueError, match="broadcast_shapes"):
        ops.broadcast_shapes((2, 3), (4, 3))


def test_broadcast_shapes_and_helpers():
    assert ops.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert ops.broadcast_shapes((None, 1), (1, 5)) == (None, 5)
    assert ops.ndim(ops.ones((2, 3))) == 2
    assert [tuple(t.shape) for t in ops.unstack(ops.ones((3, 2)), axis=1)] == [(3,), (3,)]
    assert bool(ops.allclose(ops.ones((2,)), 1.0 + 1e-7))


def test_keras_keyword_names_call_the_same_ops():
    keras = keras_or_skip()
    x, y = np.array([6, 3, 12], "int32"), np.array([1, 2, 3], "int32")
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "bitwise_left_shift",
                 "bitwise_right_shift"):
        ours = backend.convert_to_numpy(getattr(ops, name)(x=x, y=y))
        np.testing.assert_array_equal(ours, keras.ops.convert_to_numpy(getattr(keras.ops, name)(x=x, y=y)), name)
    a = np.arange(12, dtype="float32").reshape(3, 4) ** 2
    np.testing.assert_array_equal(backend.convert_to_numpy(ops.diff(a=a, n=2, axis=0)), np.diff(a, n=2, axis=0))
    np.testing.assert_array_equal(backend.convert_to_numpy(ops.rot90(array=a, k=3)), np.rot90(a, k=3))
    symbolic = lamina.Input((4,), dtype="int32")
    assert ops.left_shift(x=symbolic, y=1).shape == (None, 4)


def test_full_like_and_geomspace_take_arrays_as_numpy_does():
    x = np.array([[0.2, 0.5, 0.9], [0.3, 0.6, 0.8]], "float32")
    fill = np.array([1.5, 2.5, 3.5], "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(ops.full_like(x, fill)), np.full_like(x, fill))
    start, stop = np.array([1.0, 2.0], "float32"), np.array([1000.0, 32.0], "float32")
    for endpoint in (True, False):
        np.testing.assert_allclose(ops.convert_to_numpy(ops.geomspace(start, stop, 4, endpoint=endpoint)),
                                   np.geomspace(start, stop, 4, endpoint=endpoint), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(ops.geomspace(-1000.0, -1.0, 4)), np.geomspace(-1000, -1, 4),
                               rtol=1e-5)
