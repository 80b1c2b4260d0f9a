"""The ops Keras 3 has beside its core families, and the adaptive pooling layers, against real Keras.

Each case runs the same expression through ``lamina.ops`` and ``keras.ops`` on the same backend
and compares values and result dtypes.
"""

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip

_rng = np.random.default_rng(0)
X = _rng.normal(size=(3, 4)).astype("float32")
Y = _rng.normal(size=(3, 4)).astype("float32")
XN = X.copy()
XN[0, 1] = XN[2, 0] = XN[2, 3] = np.nan
XINF = X.copy()
XINF[0, 0], XINF[1, 2] = np.inf, -np.inf
I = _rng.integers(-3, 4, size=(3, 4)).astype("int32")
IPOS = _rng.integers(1, 5, size=(3, 4)).astype("int32")
ZEROS_IN = np.where(_rng.random((3, 4)) < 0.3, 0.0, Y).astype("float32")
V = _rng.normal(size=(5,)).astype("float32")
SQ = _rng.normal(size=(2, 3, 3)).astype("float32")
LOWER = (np.tril(_rng.normal(size=(3, 3))) + 3 * np.eye(3)).astype("float32")
A3 = _rng.normal(size=(2, 3, 4)).astype("float32")
B3 = _rng.normal(size=(2, 5, 4)).astype("float32")
IMG = _rng.normal(size=(2, 3, 6, 5)).astype("float32")
IMG_NHWC = _rng.normal(size=(2, 4, 6, 8)).astype("float32")
SEG_DATA = _rng.normal(size=(6, 2)).astype("float32")
SEG_IDS = np.array([0, 0, 1, 2, 2, 2], "int32")
POOL = {1: _rng.normal(size=(2, 7, 3)).astype("float32"), 2: _rng.normal(size=(2, 7, 5, 3)).astype("float32"),
        3: _rng.normal(size=(1, 5, 7, 4, 2)).astype("float32")}



def _tensors(ops, *arrays):
    return tuple(ops.convert_to_tensor(a) for a in arrays)


CASES = {
    "bartlett": lambda o: o.bartlett(7), "blackman": lambda o: o.blackman(7), "hamming": lambda o: o.hamming(7),
    "hanning": lambda o: o.hanning(7), "kaiser": lambda o: o.kaiser(7, 3.0),
    "copy": lambda o: o.copy(I),
    "corrcoef": lambda o: o.corrcoef(X), "corrcoef_int": lambda o: o.corrcoef(I),
    "divide_no_nan": lambda o: o.divide_no_nan(X, ZEROS_IN), "divide_no_nan_int": lambda o: o.divide_no_nan(I, I),
    "fabs": lambda o: o.fabs(X), "fabs_int": lambda o: o.fabs(I),
    "fmax": lambda o: o.fmax(XN, Y), "fmin": lambda o: o.fmin(Y, XN), "fmax_int": lambda o: o.fmax(I, IPOS),
    "i0": lambda o: o.i0(X), "i0_int": lambda o: o.i0(I),
    "isneginf": lambda o: o.isneginf(XINF), "isposinf": lambda o: o.isposinf(XINF), "isreal": lambda o: o.isreal(X),
    "ldexp": lambda o: o.ldexp(X, I),
    "nanargmax": lambda o: o.nanargmax(XN), "nanargmax_axis": lambda o: o.nanargmax(XN, axis=1),
    "nanargmin_keepdims": lambda o: o.nanargmin(XN, axis=0, keepdims=True),
    "nancumprod": lambda o: o.nancumprod(XN, axis=1), "nancumsum": lambda o: o.nancumsum(XN),
    "nancumsum_int": lambda o: o.nancumsum(I, axis=0),
    "nanmedian": lambda o: o.nanmedian(XN), "nanmedian_axis": lambda o: o.nanmedian(XN, axis=1, keepdims=True),
    "nanpercentile": lambda o: o.nanpercentile(XN, 30.0, axis=1),
    "nanpercentile_list": lambda o: o.nanpercentile(XN, [10.0, 90.0], axis=0, method="lower"),
    "nanquantile": lambda o: o.nanquantile(XN, 0.3),
    "nanquantile_keepdims": lambda o: o.nanquantile(XN, [0.2, 0.7], axis=1, keepdims=True, method="midpoint"),
    "nanprod": lambda o: o.nanprod(XN, axis=0), "nanprod_int": lambda o: o.nanprod(I),
    "nanstd": lambda o: o.nanstd(XN, axis=1), "nanvar": lambda o: o.nanvar(XN), "nanvar_int": lambda o: o.nanvar(I, axis=0),
    "unravel_index": lambda o: o.unravel_index(IPOS * 2, (3, 4)),
    "vander": lambda o: o.vander(V), "vander_int": lambda o: o.vander(IPOS[0], 3, increasing=True),
    "view": lambda o: o.view(X, "int32"), "view_int": lambda o: o.view(I, "float32"),
    "slogdet": lambda o: o.numpy.slogdet(SQ),
    "vectorize": lambda o: o.vectorize(lambda a, b: a * b + 1.0)(X, V[:4]),
    "vectorize_signature": lambda o: o.vectorize(lambda a, b: o.sum(a * b), signature="(n),(n)->()")(X, Y),
    "cdist": lambda o: o.cdist(A3, B3), "cdist_int": lambda o: o.cdist(I[None], IPOS[None]),
    "erfc": lambda o: o.erfc(X), "erfc_int": lambda o: o.erfc(I),
    "polar": lambda o: o.polar(np.abs(X), Y), "psnr": lambda o: o.psnr(X, Y, 4.0),
    "rearrange": lambda o: o.rearrange(IMG, "b c h w -> b (h c) w"),
    "rearrange_split": lambda o: o.rearrange(IMG_NHWC, "b (h h1) (w w1) c -> (b h1) w (c w1) h", h1=2, w1=3),
    "segment_min": lambda o: o.segment_min(SEG_DATA, SEG_IDS, num_segments=3),
    "segment_prod": lambda o: o.segment_prod(SEG_DATA, SEG_IDS, num_segments=3),
    "segment_min_int": lambda o: o.segment_min(I, SEG_IDS[:3], num_segments=2),
    # Keras's torch unfold, fold and jvp take only tensors: those cases convert first.
    "unfold": lambda o: o.unfold(o.convert_to_tensor(IMG), 2, dilation=1, padding=1, stride=2),
    "unfold_dilated": lambda o: o.unfold(o.convert_to_tensor(IMG), (2, 3), dilation=(2, 1), padding=(0, 1), stride=1),
    "fold": lambda o: o.fold(o.unfold(o.convert_to_tensor(IMG), 2, dilation=2, padding=1, stride=2), (6, 5), 2,
                             dilation=2, padding=1, stride=2),
    "depth_to_space": lambda o: o.depth_to_space(IMG_NHWC, 2),
    "depth_to_space_first": lambda o: o.depth_to_space(IMG_NHWC, 2, data_format="channels_first"),
    "space_to_depth": lambda o: o.space_to_depth(IMG_NHWC, 2),
    "space_to_depth_first": lambda o: o.space_to_depth(IMG_NHWC, 2, data_format="channels_first"),
    "jvp": lambda o: o.jvp(lambda a, b: o.sin(a) * b, _tensors(o, X, Y), _tensors(o, Y, X)),
    "jvp_aux": lambda o: o.jvp(lambda a: (o.exp(a), o.sum(a)), _tensors(o, X), _tensors(o, Y), has_aux=True),
    "view_as_complex": lambda o: o.view_as_complex(A3[..., :2]),
    "view_as_real": lambda o: o.view_as_real(o.view_as_complex(A3[..., 2:])),
    "cholesky_inverse": lambda o: o.cholesky_inverse(LOWER),
    "cholesky_inverse_upper": lambda o: o.linalg.cholesky_inverse(LOWER.T.copy(), upper=True),
}
# Sizes that do not divide the input's, so windows differ in length and overlap.
for _rank, _x in POOL.items():
    for _fmt in ("channels_last", "channels_first") if _rank == 2 else ("channels_last",):
        for _kind in ("average", "max"):
            CASES[f"adaptive_{_kind}_pool_{_rank}d_{_fmt}"] = (
                lambda o, k=_kind, x=_x, f=_fmt: getattr(o, f"adaptive_{k}_pool")(x, 3, data_format=f))
CASES["adaptive_average_pool_tuple"] = lambda o: o.nn.adaptive_average_pool(POOL[2], (4, 2))


def _flat(out, ops):
    if isinstance(out, (tuple, list)):
        return [item for o in out for item in _flat(o, ops)]
    return [(np.asarray(ops.convert_to_numpy(out)), str(ops.dtype(out)) if hasattr(out, "dtype") else type(out))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_matches_keras(name):
    keras = keras_or_skip()
    expected = _flat(CASES[name](keras.ops), keras.ops)
    got = _flat(CASES[name](lamina.ops), lamina.ops)
    assert len(got) == len(expected), name
    for (g, g_dtype), (e, e_dtype) in zip(got, expected):
        assert g_dtype == e_dtype, f"{name}: dtype {g_dtype}, Keras {e_dtype}"
        assert g.shape == e.shape, f"{name}: shape {g.shape}, Keras {e.shape}"
        np.testing.assert_allclose(g, e, rtol=2e-5, atol=2e-6, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("name", ["copy", "nanstd", "fmax", "unravel_index", "cdist", "polar", "unfold", "fold",
                                  "depth_to_space", "rearrange_split", "segment_prod", "view_as_real",
                                  "adaptive_max_pool_3d_channels_last", "nanquantile_keepdims"])
def test_symbolic_call_infers_the_concrete_shapes(name):
    from lamina.backend import KerasTensor

    def symbolic(ops):
        return CASES[name](_Symbolic(ops))

    concrete = [o for o, _ in _flat(CASES[name](lamina.ops), lamina.ops)]
    out = symbolic(lamina.ops)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    assert all(isinstance(o, KerasTensor) for o in outs), name
    assert [tuple(o.shape) for o in outs] == [c.shape for c in concrete], name


class _Symbolic:
    """``lamina.ops`` whose functions receive KerasTensors for their NumPy-array arguments."""

    def __init__(self, ops):
        self._ops = ops

    def __getattr__(self, name):
        fn = (lambda x: x) if name == "convert_to_tensor" else getattr(self._ops, name)

        def call(*args, **kwargs):
            args = [lamina.KerasTensor(a.shape, dtype=str(a.dtype)) if isinstance(a, np.ndarray) else a for a in args]
            return fn(*args, **kwargs)

        return call


def test_jvp_in_a_functional_model():
    x, t = lamina.Input((4,)), lamina.Input((4,))
    out, slope = lamina.ops.jvp(lambda a: lamina.ops.sin(a) * 2.0, (x,), (t,))
    assert tuple(out.shape) == tuple(slope.shape) == (None, 4)
    got = lamina.Model([x, t], [out, slope]).predict([X, Y], verbose=0)
    np.testing.assert_allclose(got[1], 2 * np.cos(X) * Y, rtol=1e-5, atol=1e-6)


def test_batched_cholesky_inverse_against_numpy():
    # Keras's JAX backend solves a batch against a 2-D identity, which JAX reads as a batch of vectors.
    factors = np.stack([LOWER, LOWER * 0.5 + np.eye(3, dtype="float32")])
    got = lamina.ops.convert_to_numpy(lamina.ops.cholesky_inverse(factors))
    np.testing.assert_allclose(got, np.linalg.inv(factors @ np.swapaxes(factors, -1, -2)), rtol=1e-4, atol=1e-6)


def test_nextafter_steps_to_the_adjacent_float32():
    # Against NumPy: Keras's torch backend steps in float64 and rounds back, returning x1 unchanged.
    got = lamina.ops.nextafter(X, Y)
    assert str(lamina.ops.dtype(got)) == "float32"
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(got), np.nextafter(X, Y))
    ints = lamina.ops.nextafter(I, IPOS)
    assert str(lamina.ops.dtype(ints)) == "float32"
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(ints), np.nextafter(I.astype("float32"), IPOS.astype("float32")))


def test_errors_name_the_function_and_argument():
    ops = lamina.ops
    with pytest.raises(TypeError, match=r"ops.ldexp: the exponent `x2` must have an integer dtype"):
        ops.ldexp(X, Y)
    with pytest.raises(TypeError, match=r"ops.hamming: the window length `x` must be a concrete"):
        ops.hamming(lamina.KerasTensor(()))
    with pytest.raises(ValueError, match=r"ops.vander: `x` must be 1-D"):
        ops.vander(X)
    with pytest.raises(ValueError, match=r"ops.nanquantile: `method` must be one of"):
        ops.nanquantile(X, 0.5, method="cubic")
    with pytest.raises(ValueError, match=r"ops.rearrange: both sides of pattern='a b -> a' must name the same axes"):
        ops.rearrange(X, "a b -> a")
    with pytest.raises(ValueError, match=r"ops.rearrange: an axis of length 4 does not split"):
        ops.rearrange(X, "a (b c) -> a b c", c=3)
    with pytest.raises(ValueError, match=r"ops.adaptive_max_pool: `output_size` must be a positive int or a tuple of 2"):
        ops.adaptive_max_pool(POOL[2], (2, 2, 2))
    with pytest.raises(ValueError, match=r"ops.depth_to_space: `block_size` must be an int >= 2"):
        ops.depth_to_space(IMG_NHWC, 1)
    with pytest.raises(ValueError, match=r"ops.unfold: `x` must be a 4-D"):
        ops.unfold(X, 2)
    with pytest.raises(ValueError, match=r"ops.segment_min: `segment_ids` needs one id per row"):
        ops.segment_min(SEG_DATA, SEG_IDS[:4])
    with pytest.raises(ValueError, match=r"ops.view_as_complex: the last axis of `x` must have length 2"):
        ops.view_as_complex(X)
    with pytest.raises(ValueError, match=r"ops.psnr: `x1` and `x2` must have the same shape"):
        ops.psnr(X, V, 1.0)
    with pytest.raises(ValueError, match=r"jvp: `primals` and `tangents` must have the same length"):
        ops.jvp(ops.sin, (X,), ())
    with pytest.raises(TypeError, match=r"AdaptiveMaxPooling2D: `output_size` must be a positive int or a tuple of 2"):
        lamina.layers.AdaptiveMaxPooling2D((2, 2, 2))


LAYERS = [f"Adaptive{kind}Pooling{rank}D" for kind in ("Average", "Max") for rank in (1, 2, 3)]


@pytest.mark.parametrize("name", LAYERS)
def test_adaptive_pooling_layer_matches_keras(name):
    keras = keras_or_skip()
    rank = int(name[-2])
    size, data_format = (3, "channels_last") if rank != 2 else ((3, 3), "channels_first")
    x = POOL[rank]
    ours = getattr(lamina.layers, name)(size, data_format=data_format)
    theirs = getattr(keras.layers, name)(size, data_format=data_format)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)),
                               rtol=1e-5, atol=1e-6)
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert set(ours_config) == set(theirs_config)
    for key in ("output_size", "data_format"):
        assert ours_config[key] == theirs_config[key]
    restored = getattr(lamina.layers, name).from_config(ours_config)
    assert restored.get_config() == ours_config
    assert ours.compute_output_shape(x.shape) == tuple(ours(x).shape)


def test_adaptive_pooling_model_saves_and_loads(tmp_path):
    inputs = lamina.Input((7, 5, 3))
    outputs = lamina.layers.AdaptiveMaxPooling2D((3, 2))(lamina.layers.AdaptiveAveragePooling2D(4)(inputs))
    model = lamina.Model(inputs, outputs)
    path = str(tmp_path / "adaptive.keras")
    model.save(path)
    loaded = lamina.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(POOL[2], verbose=0), model.predict(POOL[2], verbose=0))


def test_keras_file_with_the_new_op_nodes_loads_in_lamina(tmp_path):
    # Ops with static arguments, which the generic recipe of tests/saving/test_op_nodes.py cannot build.
    keras = keras_or_skip()
    K = keras.ops
    img = keras.Input((6, 6, 8))
    data, ids = keras.Input((2,)), keras.Input((), dtype="int32")
    first = K.transpose(img, (0, 3, 1, 2))
    flat = K.reshape(img, (-1, 288))
    outputs = [
        K.adaptive_average_pool(img, (4, 3)), K.adaptive_max_pool(first, (4, 4), data_format="channels_first"),
        K.space_to_depth(K.depth_to_space(img, 2), 2), K.fold(K.unfold(first, 2, stride=2), 6, 2, stride=2),
        K.psnr(img, img * 0.5, 2.0), K.nanquantile(flat, 0.3, axis=1), K.corrcoef(flat),
        K.nanpercentile(flat, 40.0, axis=-1, method="lower"),
        K.segment_min(data, ids, num_segments=3), K.segment_prod(data, ids, num_segments=3),
    ]
    model = keras.Model([img, data, ids], outputs)
    path = str(tmp_path / "new_ops.keras")
    model.save(path)
    rng = np.random.default_rng(3)
    feed = [rng.normal(size=(3, 6, 6, 8)).astype("float32"),
            rng.normal(size=(3, 2)).astype("float32"), np.array([0, 2, 2], "int32")]
    expected = model(feed)
    got = lamina.models.load_model(path)(feed)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(lamina.ops.convert_to_numpy(g), keras.ops.convert_to_numpy(e), rtol=1e-4, atol=1e-5)
