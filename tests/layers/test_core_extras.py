"""EinsumDense, TimeDistributed and the Wrapper base."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, testing

RNG = np.random.default_rng(6)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


@pytest.mark.parametrize("kwargs,in_shape,out_shape,weight_shapes", [
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (2, 3), (2, 4), [(3, 4), (4,)]),
    ({"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d"}, (2, 5, 3), (2, 5, 4), [(3, 4), (4,)]),
    ({"equation": "...b,bc->...c", "output_shape": 4}, (2, 5, 3), (2, 5, 4), [(3, 4)]),
    ({"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "de"}, (2, 5, 3), (2, 5, 2, 4),
     [(3, 2, 4), (2, 4)]),
    ({"equation": "ab...,bc->ac...", "output_shape": (4,), "bias_axes": "c"}, (2, 3, 5), (2, 4, 5), [(3, 4), (4, 1)]),
])
def test_einsum_dense(kwargs, in_shape, out_shape, weight_shapes):
    layer = testing.run_layer_test(layers.EinsumDense, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                                   expected_num_trainable_weights=len(weight_shapes))
    assert [tuple(w.shape) for w in layer.weights] == weight_shapes


@pytest.mark.parametrize("kwargs,in_shape", [
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c", "activation": "relu"}, (2, 3)),
    ({"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "de"}, (2, 5, 3)),
    ({"equation": "...b,bc->...c", "output_shape": 4}, (2, 5, 3)),
    ({"equation": "ab...,bc->ac...", "output_shape": (4,), "bias_axes": "c"}, (2, 3, 5)),
])
def test_einsum_dense_parity(parity, kwargs, in_shape):
    parity("EinsumDense", kwargs, _x(*in_shape))


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="invalid equation"):
        layers.EinsumDense("ab,bc", 4)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="bias axis 'x'"):
        layers.EinsumDense("ab,bc->ac", 4, bias_axes="x")(np.ones((2, 3), "float32"))


def test_time_distributed_dense_and_conv():
    testing.run_layer_test(layers.TimeDistributed, {"layer": layers.Dense(4)}, input_shape=(2, 3, 5),
                           expected_output_shape=(2, 3, 4), expected_num_trainable_weights=2)
    td = layers.TimeDistributed(layers.Conv2D(2, 3))
    x = _x(2, 4, 6, 6, 1)
    y = _np(td(x))
    assert y.shape == (2, 4, 4, 4, 2)
    np.testing.assert_allclose(y[:, 1], _np(td.layer(x[:, 1])), rtol=1e-5, atol=1e-6)
    inp = lamina.Input((None, 6, 6, 1))
    assert layers.TimeDistributed(layers.Conv2D(2, 3))(inp).shape == (None, None, 4, 4, 2)


def test_time_distributed_config_and_errors():
    td = layers.TimeDistributed(layers.Dense(3, name="inner"))
    config = lamina.layers.serialize(td)
    assert config["config"]["layer"]["class_name"] == "Dense"
    revived = lamina.layers.deserialize(config)
    assert isinstance(revived.layer, layers.Dense) and revived.layer.units == 3
    with pytest.raises(ValueError, match="rank >= 3"):
        layers.TimeDistributed(layers.Dense(3))(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="must be a Layer instance"):
        layers.TimeDistributed("dense")


def _masked_time_distributed_model(lib):
    inp = lib.Input((4,), dtype="int32")
    embedding = lib.layers.Embedding(6, 3, mask_zero=True)
    wrapper = lib.layers.TimeDistributed(lib.layers.Dense(2))
    steps = wrapper(embedding(inp))
    pooled = lib.layers.GlobalAveragePooling1D()(steps)  # averages only the unmasked steps
    return lib.Model(inp, [steps, pooled]), embedding, wrapper


def test_time_distributed_mask_passes_through():
    from tests.conftest import keras_or_skip

    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 5]], "int32")
    expected_mask = ids != 0
    model, embedding, wrapper = _masked_time_distributed_model(lamina)
    np.testing.assert_array_equal(_np(wrapper.compute_mask(embedding(ids), embedding.compute_mask(ids))),
                                  expected_mask)
    steps, pooled = model.predict(ids, verbose=0)
    masked_mean = (steps * expected_mask[..., None]).sum(axis=1) / expected_mask.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(pooled, masked_mean, rtol=1e-5, atol=1e-7)
    assert not np.allclose(pooled, steps.mean(axis=1), rtol=1e-3)
    # Eager calls carry the mask to the next layer too.
    eager = layers.GlobalAveragePooling1D()(wrapper(embedding(ids)))
    np.testing.assert_allclose(_np(eager), masked_mean, rtol=1e-5, atol=1e-7)

    keras = keras_or_skip()
    k_model, k_embedding, k_wrapper = _masked_time_distributed_model(keras)
    k_model.set_weights(model.get_weights())
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(k_wrapper.compute_mask(k_embedding(ids), k_embedding.compute_mask(ids))),
        expected_mask)
    k_steps, k_pooled = k_model.predict(ids, verbose=0)
    np.testing.assert_allclose(steps, k_steps, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(pooled, k_pooled, rtol=1e-5, atol=1e-7)


def test_time_distributed_parity(parity):
    keras = pytest.importorskip("keras")
    x = _x(2, 3, 5)
    k = keras.layers.TimeDistributed(keras.layers.Dense(4))
    k_out = keras.ops.convert_to_numpy(k(keras.ops.convert_to_tensor(x)))
    ours = layers.TimeDistributed(layers.Dense(4))
    ours(x)
    ours.set_weights(k.get_weights())
    np.testing.assert_allclose(_np(ours(x)), k_out, rtol=1e-5, atol=1e-6)
    assert set(ours.get_config()) - {"batch_input_shape"} == set(k.get_config())


def test_wrapper_base_builds_inner_and_round_trips():
    class Twice(layers.Wrapper):
        def call(self, x):
            return self.layer(self.layer(x))

    w = Twice(layers.Dense(4))
    w.build((None, 4))
    assert w.layer.built and len(w.trainable_weights) == 2
    with lamina.saving.custom_object_scope({"Twice": Twice}):
        clone = Twice.from_config(w.get_config())
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 4


def test_time_distributed_batch_normalization_matches_keras_per_step_statistics():
    # Keras 3 calls the wrapped layer once per time step, so BatchNormalization normalizes
    # each step with that step's batch statistics and updates its moving mean once per step.
    from tests.conftest import keras_or_skip

    keras = keras_or_skip()
    x = _x(4, 3, 5) * np.arange(1, 4, dtype="float32")[None, :, None]
    ours = layers.TimeDistributed(layers.BatchNormalization(momentum=0.5))
    theirs = keras.layers.TimeDistributed(keras.layers.BatchNormalization(momentum=0.5))
    y_ours = _np(ours(x, training=True))
    y_theirs = np.asarray(keras.ops.convert_to_numpy(theirs(x, training=True)))
    np.testing.assert_allclose(y_ours, y_theirs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(ours.layer.moving_mean), keras.ops.convert_to_numpy(theirs.layer.moving_mean),
                               rtol=1e-5, atol=1e-6)
    # Inference is row-independent: one merged call gives the same as per-step calls.
    np.testing.assert_allclose(_np(ours(x, training=False)),
                               np.asarray(keras.ops.convert_to_numpy(theirs(x, training=False))), rtol=1e-5, atol=1e-5)
