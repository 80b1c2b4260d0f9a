"""KerasTensors flow through the new ops, models built from them run and round-trip, and
gradients through them match their analytic values on every backend."""

import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("build, in_shape, out_shape", [
    (lambda x: ops.sin(x), (3,), (None, 3)),
    (lambda x: ops.arctan2(x, 2.0), (3,), (None, 3)),
    (lambda x: ops.cumsum(x, axis=1), (4,), (None, 4)),
    (lambda x: ops.sort(x, axis=-1), (4,), (None, 4)),
    (lambda x: ops.top_k(x, 2)[0], (5,), (None, 2)),
    (lambda x: ops.split(x, 2, axis=1)[1], (4,), (None, 2)),
    (lambda x: ops.linalg.norm(x, axis=-1), (4,), (None,)),
    (lambda x: ops.moments(x, axes=[1])[1], (4,), (None,)),
    (lambda x: ops.logsumexp(x, axis=-1, keepdims=True), (4,), (None, 1)),
    (lambda x: ops.pad(x, ((0, 0), (1, 2))), (3,), (None, 6)),
    (lambda x: ops.hstack([x, x]), (3,), (None, 6)),
    (lambda x: ops.normalize(x), (3,), (None, 3)),
    (lambda x: ops.glu(x), (4,), (None, 2)),
    (lambda x: ops.extract_sequences(x, 3, 1), (5,), (None, 3, 3)),
    (lambda x: ops.quantile(x, 0.5, axis=1), (5,), (None,)),
    (lambda x: ops.image.resize(x, (2, 2)), (4, 4, 1), (None, 2, 2, 1)),
])
def test_ops_accept_keras_tensors(build, in_shape, out_shape):
    inputs = lamina.Input(in_shape)
    outputs = build(inputs)
    assert outputs.shape == out_shape
    model = lamina.Model(inputs, outputs)
    data = RNG.uniform(0.1, 1.0, (2,) + in_shape).astype("float32")
    result = ops.convert_to_numpy(model(data))
    expected = ops.convert_to_numpy(build(ops.convert_to_tensor(data)))
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_symbolic_dtypes_follow_the_rules():
    x = lamina.Input((3,), dtype="int32")
    assert ops.sin(x).dtype == "float32"
    assert ops.floor(x).dtype == "int32"
    assert ops.argsort(x).dtype == "int32"
    assert ops.mean(x).dtype == "float32"
    assert ops.isnan(ops.cast(x, "float32")).dtype == "bool"


def test_generated_ops_are_found_again_from_their_config():
    from lamina.layers.core.op_layer import OpLayer

    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, ops.logaddexp(ops.sin(inputs), 1.0))
    op_layers = [layer for layer in model.layers if isinstance(layer, OpLayer)]
    assert [layer.fn.__name__ for layer in op_layers] == ["sin", "logaddexp"]
    data = ops.convert_to_tensor(RNG.normal(size=(2, 3)).astype("float32"))
    for layer in op_layers:
        clone = OpLayer.from_config(layer.get_config())
        args = (data,) if layer.fn.__name__ == "sin" else (data, 1.0)
        np.testing.assert_allclose(ops.convert_to_numpy(clone(*args)), ops.convert_to_numpy(layer(*args)))


def _grad(fn, value):
    v = lamina.Variable(np.asarray(value, "float32"))
    loss, (grad,) = ops.value_and_grad(lambda: fn(v), [v])
    return float(ops.convert_to_numpy(loss)), ops.convert_to_numpy(grad)


def test_value_and_grad_through_new_ops():
    x = RNG.normal(size=(3, 4)).astype("float32")
    _, g = _grad(lambda v: ops.sum(ops.sin(v)), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-5)
    _, g = _grad(lambda v: ops.sum(ops.log_sigmoid(v)), x)
    np.testing.assert_allclose(g, 1 / (1 + np.exp(x)), rtol=1e-5)
    _, g = _grad(lambda v: ops.sum(ops.logsumexp(v, axis=1)), x)
    soft = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    np.testing.assert_allclose(g, soft, rtol=1e-5)
    labels = np.array([0, 2, 3])
    _, g = _grad(lambda v: ops.sum(ops.sparse_categorical_crossentropy(labels, v, from_logits=True)), x)
    np.testing.assert_allclose(g, soft - np.eye(4)[labels], rtol=1e-4, atol=1e-6)
    _, g = _grad(lambda v: ops.sum(ops.cumsum(v, axis=1)), x)
    np.testing.assert_allclose(g, np.broadcast_to(np.arange(4, 0, -1), x.shape), rtol=1e-6)
    _, g = _grad(lambda v: ops.sum(ops.linalg.norm(v, axis=1)), x)
    np.testing.assert_allclose(g, x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-5)
    images = RNG.normal(size=(1, 4, 4, 1)).astype("float32")
    _, g = _grad(lambda v: ops.sum(ops.image.resize(v, (2, 2))), images)
    np.testing.assert_allclose(g, np.full(images.shape, 0.25), rtol=1e-5)  # 2x box average
    loss, g = _grad(lambda v: ops.sum(ops.var(v, axis=0)), x)
    np.testing.assert_allclose(loss, x.var(0).sum(), rtol=1e-5)
    np.testing.assert_allclose(g, 2 * (x - x.mean(0)) / 3, rtol=1e-4, atol=1e-6)
