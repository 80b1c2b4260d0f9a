"""Object-graph checkpoint keys stay what they were, so files saved earlier still restore."""

import numpy as np
import pytest

import lamina
from lamina.saving import checkpoint


@pytest.mark.parametrize("make,shape,expected", [
    (lambda: lamina.layers.Dense(2), (None, 3), {"kernel", "bias"}),
    (lambda: lamina.layers.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c"), (None, 3), {"kernel", "bias"}),
    (lambda: lamina.layers.Embedding(5, 2), (None, 4), {"embeddings"}),
])
def test_weights_behind_a_lora_property_keep_their_public_keys(make, shape, expected):
    layer = make()
    layer.build(shape)
    assert set(checkpoint.variable_keys(layer)) == expected


def test_checkpoint_written_with_public_keys_restores_into_dense(tmp_path):
    source = lamina.layers.Dense(2)
    source.build((None, 3))
    source.set_weights([np.arange(6, dtype="float32").reshape(3, 2), np.ones(2, "float32")])
    path = lamina.Checkpoint(layer=source).save(str(tmp_path / "ckpt"))
    target = lamina.layers.Dense(2)
    target.build((None, 3))
    lamina.Checkpoint(layer=target).restore(path).assert_consumed()
    for got, want in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(got, want)
