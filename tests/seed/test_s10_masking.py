"""Seed S10 (note lines 460-548): custom masks, mask propagation, Embedding(mask_zero) -> LSTM."""

import numpy as np

import lamina as keras
from lamina import layers, ops
from tests.conftest import keras_or_skip


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super(CustomEmbedding, self).__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim), initializer="random_normal",
                                          dtype="float32")

    def call(self, inputs):
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)


class MyActivation(keras.layers.Layer):
    def __init__(self, **kwargs):
        super(MyActivation, self).__init__(**kwargs)
        self.supports_masking = True  # safe to pass the mask along

    def call(self, inputs):
        return ops.relu(inputs)


class TemporalSoftmax(keras.layers.Layer):
    def call(self, inputs, mask=None):
        broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
        inputs_exp = ops.exp(inputs) * broadcast_float_mask
        inputs_sum = ops.sum(inputs * broadcast_float_mask, axis=1, keepdims=True)
        return inputs_exp / inputs_sum


def test_custom_embedding_computes_mask():
    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = (np.random.random((3, 10)) * 9).astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    assert tuple(y.shape) == (3, 10, 32)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), x != 0)


def test_mask_propagates_through_supports_masking_layer_into_lstm():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # passes the mask along
    assert x._keras_mask is not None and x._keras_mask.shape == (None, None)
    lstm = layers.LSTM(32)
    outputs = lstm(x)  # receives the mask
    model = keras.Model(inputs, outputs)
    ids = np.array([[5, 9, 2, 0, 0, 0], [7, 1, 3, 8, 4, 6]], dtype="int32")
    out = ops.convert_to_numpy(model(ids))
    assert out.shape == (2, 32)
    # the padded steps change nothing: the first row equals the run over its 3 real steps
    short = keras.Model(inputs, outputs)(ids[:1, :3])
    np.testing.assert_allclose(out[0], ops.convert_to_numpy(short)[0], rtol=1e-5, atol=1e-6)
    # On concrete ids the mask that reaches the LSTM is ids != 0.
    embedding, activation = model.layers[1], model.layers[2]
    mask = activation.compute_mask(embedding(ids), embedding.compute_mask(ids))
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), ids != 0)
    # Real Keras (Embedding(mask_zero) -> relu -> LSTM) with the same weights gives the same outputs,
    # and the LSTM really reads the mask: without it the padded row comes out different.
    real = keras_or_skip()
    twin = real.Sequential([real.Input((None,), dtype="int32"),
                            real.layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True),
                            real.layers.Activation("relu"), real.layers.LSTM(32)])
    twin.set_weights(model.get_weights())
    np.testing.assert_allclose(out, real.ops.convert_to_numpy(twin(ids)), rtol=1e-5, atol=1e-6)
    unmasked = ops.convert_to_numpy(lstm(activation(embedding(ids)), mask=np.ones_like(ids, bool)))
    assert not np.allclose(unmasked[0], out[0], atol=1e-4)
    np.testing.assert_allclose(unmasked[1], out[1], rtol=1e-5, atol=1e-6)


def test_temporal_softmax_reads_the_mask():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    ids = np.random.randint(0, 10, size=(32, 100))
    y = ops.convert_to_numpy(model(ids))
    assert y.shape == (32, 100, 1)
    np.testing.assert_array_equal(y[ids == 0], 0.0)
    assert np.all(y[ids != 0] != 0.0)
