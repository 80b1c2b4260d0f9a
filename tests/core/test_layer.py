"""The Layer base: lazy build, tracking, trainable, training/mask plumbing, losses, specs, names."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops


def _np(x):
    return backend.convert_to_numpy(x)


class Linear(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_lazy_build_on_first_call():
    layer = Linear(3)
    assert not layer.built and layer.weights == []
    y = layer(np.ones((2, 5), "float32"))
    assert layer.built and _np(y).shape == (2, 3)
    np.testing.assert_allclose(_np(y), 5.0)


def test_automatic_names_and_clear_session():
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    assert layers.Dense(1, name="dense_5").name == "dense_5"
    assert layers.Dense(1).name == "dense_2"
    lamina.utils.clear_session()
    assert layers.Dense(1).name == "dense"


def test_tracking_attributes_lists_and_dicts():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.first = layers.Dense(2)
            self.stack = [layers.Dense(2), layers.Dense(2)]
            self.heads = {"a": layers.Dense(1)}
            self.scale = lamina.Variable(1.0, name="scale")

        def call(self, x):
            for layer in [self.first] + self.stack:
                x = layer(x)
            return self.heads["a"](x) * self.scale

    block = Block()
    block(np.ones((1, 3), "float32"))
    assert len(block._layers) == 4
    assert len(block.weights) == 9
    assert block.weights[0] is block.scale


def test_trainable_false_moves_weights_to_non_trainable():
    layer = Linear(2)
    layer.build((None, 3))
    assert len(layer.trainable_weights) == 2 and layer.non_trainable_weights == []
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_training_argument_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x):
            return self.probe(x)

    Outer()(np.ones((1, 1), "float32"), training=True)
    Outer()(np.ones((1, 1), "float32"))
    assert seen == [True, None]


def test_mask_passed_only_to_layers_that_accept_it():
    received = {}

    class TakesMask(layers.Layer):
        def call(self, x, mask=None):
            received["mask"] = mask
            return x

    inputs = lamina.Input((3,), dtype="int32")
    x = layers.Embedding(10, 2, mask_zero=True)(inputs)
    x = layers.Dense(2)(x)  # supports masking: passes it on
    out = TakesMask()(x)
    model = lamina.Model(inputs, out)
    model(np.array([[1, 2, 0]]))
    np.testing.assert_array_equal(_np(received["mask"]), [[True, True, False]])


def test_add_loss_and_regularizers_in_losses():
    class WithLoss(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    layer = WithLoss()
    layer(np.ones((2, 2), "float32"))
    assert len(layer.losses) == 1 and float(_np(layer.losses[0])) == 4.0
    layer(np.ones((1, 1), "float32"))
    assert len(layer.losses) == 1  # cleared at each top-level call

    dense = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=lamina.regularizers.L2(0.5))
    dense.build((None, 3))
    assert float(_np(dense.losses[0])) == pytest.approx(0.5 * 6)


def test_input_spec_error_names_layer_and_shapes():
    dense = layers.Dense(2, name="my_dense")
    dense.build((None, 3))
    with pytest.raises(ValueError, match=r"my_dense.*axis -1.*value 3.*\(2, 4\)"):
        dense(np.ones((2, 4), "float32"))


def test_unknown_constructor_argument_is_rejected():
    with pytest.raises(TypeError, match=r"Dense.*unexpected keyword.*\['unitz'\]"):
        layers.Dense(3, unitz=4)


def test_bad_units_message():
    with pytest.raises(ValueError, match="Expected a positive integer for units. Received: units=-3"):
        layers.Dense(-3)


def test_get_set_weights_and_mismatch_message():
    a, b = layers.Dense(3, name="a"), layers.Dense(3, name="b")
    a.build((None, 2))
    b.build((None, 2))
    b.set_weights(a.get_weights())
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)
    with pytest.raises(ValueError, match=r"'b'.*b/kernel.*\(2, 3\).*\(4, 3\)"):
        b.set_weights([np.zeros((4, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match="expected 2 weight arrays"):
        b.set_weights([np.zeros((2, 3))])


def test_config_round_trip_and_compute_output_shape():
    layer = Linear(7, name="lin")
    clone = Linear.from_config(layer.get_config())
    assert clone.units == 7 and clone.name == "lin"
    assert layers.Dense(5).compute_output_shape((None, 3)) == (None, 5)
    assert Linear(6).compute_output_shape((2, 3)) == (2, 6)


def test_repeated_ops_get_unique_names():
    inputs = lamina.Input((2,))
    y = (inputs + 1.0) + 2.0
    model = lamina.Model(inputs, ops.relu(y) * ops.relu(y))
    names = [l.name for l in model.layers]
    assert len(names) == len(set(names)) and "add" in names and "add_1" in names
    np.testing.assert_allclose(_np(model(np.zeros((1, 2), "float32"))), 9.0)


def test_symbolic_ops_between_layers():
    inputs = lamina.Input((4,))
    x = ops.relu(layers.Dense(3, kernel_initializer="ones")(inputs)) * 2.0 + 1.0
    model = lamina.Model(inputs, x)
    np.testing.assert_allclose(_np(model(np.ones((2, 4), "float32"))), 9.0)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "gelu", "elu", "selu", "softplus",
                                  "softsign", "swish", "silu", "linear", "exponential", "hard_sigmoid",
                                  "relu6", "leaky_relu", "mish", "log_softmax"])
def test_activations_by_name_and_serialize(name):
    fn = lamina.activations.get(name)
    assert callable(fn)
    out = _np(fn(ops.convert_to_tensor(np.array([[-1.0, 0.5, 2.0]], "float32"))))
    assert out.shape == (1, 3)
    assert lamina.activations.get(lamina.activations.serialize(fn)) is fn
