"""Cropping, ZeroPadding and UpSampling layers: harness, errors and parity with Keras 3."""

import numpy as np
import pytest

from lamina import backend, layers, testing

RNG = np.random.default_rng(4)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape", [
    (layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 4, 3), (2, 7, 3)),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, (2, 3, 3, 2), (2, 4, 6, 2)),
    (layers.ZeroPadding3D, {"padding": 1, "data_format": "channels_first"}, (1, 2, 2, 2, 2), (1, 2, 4, 4, 4)),
    (layers.Cropping1D, {"cropping": (1, 2)}, (2, 6, 3), (2, 3, 3)),
    (layers.Cropping2D, {"cropping": ((1, 1), (0, 2))}, (2, 5, 5, 2), (2, 3, 3, 2)),
    (layers.Cropping3D, {"cropping": 1}, (1, 4, 4, 4, 2), (1, 2, 2, 2, 2)),
    (layers.UpSampling1D, {"size": 3}, (2, 2, 4), (2, 6, 4)),
    (layers.UpSampling2D, {"size": (2, 3)}, (2, 3, 3, 2), (2, 6, 9, 2)),
    (layers.UpSampling2D, {"interpolation": "bilinear", "data_format": "channels_first"}, (2, 2, 3, 3), (2, 2, 6, 6)),
    (layers.UpSampling3D, {"size": 2}, (1, 2, 2, 2, 2), (1, 4, 4, 4, 2)),
])
def test_harness(cls, kwargs, in_shape, out_shape):
    testing.run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                           expected_num_trainable_weights=0, run_training_check=False)


def test_values():
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_array_equal(backend.convert_to_numpy(layers.UpSampling1D(2)(x)), np.repeat(x, 2, axis=1))
    np.testing.assert_array_equal(backend.convert_to_numpy(layers.ZeroPadding1D((1, 0))(x)),
                                  np.pad(x, ((0, 0), (1, 0), (0, 0))))
    np.testing.assert_array_equal(backend.convert_to_numpy(layers.Cropping1D((1, 1))(x)), x[:, 1:2])


def test_errors():
    with pytest.raises(ValueError, match="`padding` must be"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="removes all of axis 1"):
        layers.Cropping2D(((2, 2), (0, 0)))(np.ones((1, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="cubic-ish")
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.UpSampling2D()(np.ones((1, 4, 4), "float32"))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("name,kwargs,spatial", [
    ("ZeroPadding1D", {"padding": 2}, (4,)),
    ("ZeroPadding2D", {"padding": (1, 2)}, (3, 4)),
    ("ZeroPadding3D", {"padding": ((1, 0), (0, 1), (2, 2))}, (2, 3, 2)),
    ("Cropping2D", {"cropping": ((1, 0), (1, 2))}, (5, 5)),
    ("Cropping3D", {"cropping": ((1, 1), (0, 1), (1, 0))}, (4, 4, 4)),
    ("UpSampling2D", {"size": (2, 3)}, (3, 3)),
    ("UpSampling2D", {"size": 2, "interpolation": "bilinear"}, (3, 4)),
    ("UpSampling3D", {"size": (1, 2, 2)}, (2, 2, 3)),
])
def test_parity_with_keras(parity, name, kwargs, spatial, data_format):
    shape = (2,) + spatial + (3,) if data_format == "channels_last" else (2, 3) + spatial
    if name == "ZeroPadding1D" and data_format == "channels_first":
        shape = (2, 3, 4)
    parity(name, {**kwargs, "data_format": data_format}, _x(*shape))


@pytest.mark.parametrize("name,kwargs", [("Cropping1D", {"cropping": (2, 1)}), ("UpSampling1D", {"size": 3})])
def test_parity_1d(parity, name, kwargs):
    parity(name, kwargs, _x(2, 5, 3))
