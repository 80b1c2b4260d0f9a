"""Seed S7 (note lines 314-331): one Embedding shared by two variable-length inputs."""

import numpy as np

import lamina
from lamina import backend, layers


def test_shared_embedding_encodes_both_inputs_with_one_table():
    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = lamina.Input(shape=(None,), dtype="int32")
    text_input_b = lamina.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)
    assert encoded_input_a.shape == (None, None, 128)
    model = lamina.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    assert len(model.weights) == 1
    a, b = model([np.array([[1, 2, 3]]), np.array([[3, 2]])])
    a, b = backend.convert_to_numpy(a), backend.convert_to_numpy(b)
    np.testing.assert_allclose(a[0, 2], b[0, 0])
    np.testing.assert_allclose(a[0, 1], b[0, 1])
