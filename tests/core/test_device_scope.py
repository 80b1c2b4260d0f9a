"""``lamina.device(name)`` places new tensors and variables; missing devices fail by name.

Also the ``keras.backend`` names Keras 3's JAX and torch custom-training guides use.
"""

import numpy as np
import pytest

import lamina
from lamina import ops


def _device_of(x):
    """``"cpu:0"``-style name of the device holding ``x`` (a JAX array or torch tensor)."""
    if hasattr(x, "devices"):  # JAX
        (device,) = x.devices()
        return f"{device.platform}:{device.id}"
    return f"{x.device.type}:{x.device.index or 0}"


@pytest.mark.parametrize("name", ["cpu:0", "cpu", "CPU:0"])
def test_tensors_and_variables_created_inside_are_on_that_device(name):
    with lamina.device(name):
        x = ops.ones((2, 3))
        y = lamina.backend.convert_to_tensor(np.arange(4.0))
        v = lamina.Variable(np.zeros((2,)), name="v")
        layer = lamina.layers.Dense(2)
        out = layer(x)
        assert lamina.backend.get_device().startswith("cpu")
    for t in (x, y, v.value, layer.kernel.value, out):
        assert _device_of(t) == "cpu:0"


@pytest.mark.parametrize("name", ["gpu:0", "cuda:0", "cpu:7", "tpu:3"])
def test_missing_device_names_itself_and_the_available_ones(name):
    available = "'cpu:0'"
    try:
        import torch  # noqa: F401 - only to know whether CUDA exists here

        if torch.cuda.is_available() and name in ("gpu:0", "cuda:0"):
            pytest.skip("this machine has a GPU")
    except ImportError:
        pass
    with pytest.raises(ValueError, match=f"no device '{name}'.*Available devices: .*{available}"):
        lamina.device(name)


def test_device_name_must_be_a_string():
    with pytest.raises(ValueError, match="expected a device name.*Received: device_name=3"):
        lamina.device(3)


def test_scope_nests_and_restores():
    before = lamina.backend.get_device()
    with lamina.device("cpu:0"):
        with lamina.device("cpu"):
            ops.zeros((1,))
    assert lamina.backend.get_device() == before


def test_keras_backend_names_of_the_custom_training_guides():
    b = lamina.backend
    assert b.backend() in ("jax", "torch")
    assert b.epsilon() == pytest.approx(1e-7)
    assert b.floatx() == "float32"
    b.set_floatx("float16")
    try:
        assert b.floatx() == "float16"
    finally:
        b.set_floatx("float32")
    assert b.image_data_format() == "channels_last"
    assert b.is_keras_tensor(lamina.Input((2,))) and not b.is_keras_tensor(ops.ones((2,)))
    assert b.standardize_dtype("float") == "float32"
    assert b.result_type("int32", "float32") == "float32"
    assert b.get_uid("guide_block") == 1
    assert b.get_uid("guide_block") == 2
    assert lamina.layers.Dense(1, name=None).name == "dense"
    assert b.get_uid("dense") == 2  # automatic layer names share the counters, as in Keras


def test_get_uid_matches_keras():
    keras = pytest.importorskip("keras")
    keras.utils.clear_session()
    assert [keras.backend.get_uid("p") for _ in range(3)] == [lamina.backend.get_uid("p") for _ in range(3)]
