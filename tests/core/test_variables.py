"""Variable, StatelessScope and seeds."""

import numpy as np
import pytest

import lamina
from lamina import backend, ops


def test_variable_basics():
    v = lamina.Variable(np.array([1.0, 2.0]), name="v")
    assert v.name == "v" and v.path == "v"
    assert v.shape == (2,) and v.dtype == "float32" and v.trainable
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    np.testing.assert_allclose(backend.convert_to_numpy(v * 2), [7.0, 9.0])
    assert isinstance(v.value, type(ops.ones(1)))


def test_variable_from_initializer_needs_shape():
    with pytest.raises(ValueError, match="shape"):
        lamina.Variable(lamina.initializers.Zeros())
    v = lamina.Variable(lamina.initializers.Ones(), shape=(2, 3), dtype="float32")
    np.testing.assert_allclose(v.numpy(), np.ones((2, 3)))


def test_assign_wrong_shape_names_variable():
    v = lamina.Variable(np.zeros((2,)), name="w")
    with pytest.raises(ValueError, match=r"'w' has shape \(2,\)"):
        v.assign(np.zeros((3,)))


def test_names_may_not_contain_slash():
    with pytest.raises(ValueError, match="/"):
        lamina.Variable(1.0, name="a/b")


def test_stateless_scope_reads_and_records():
    v = lamina.Variable(1.0)
    with lamina.StatelessScope([(v, 5.0)]) as scope:
        assert float(backend.convert_to_numpy(v.value)) == 5.0
        v.assign(v + 1.0)
    assert float(backend.convert_to_numpy(scope.get_current_value(v))) == 6.0
    assert float(v.numpy()) == 1.0


def test_stateless_scope_rejects_shape_mismatch():
    v = lamina.Variable(np.zeros((2,)))
    with pytest.raises(ValueError, match="shape"):
        lamina.StatelessScope([(v, np.zeros((3,)))])


def test_layer_weights_paths():
    layer = lamina.layers.Dense(3, name="dense")
    layer.build((None, 2))
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]


def test_seed_generator_is_reproducible_and_advances():
    g1, g2 = lamina.random.SeedGenerator(7), lamina.random.SeedGenerator(7)
    a1 = backend.convert_to_numpy(lamina.random.normal((4,), seed=g1))
    a2 = backend.convert_to_numpy(lamina.random.normal((4,), seed=g1))
    b1 = backend.convert_to_numpy(lamina.random.normal((4,), seed=g2))
    np.testing.assert_allclose(a1, b1)
    assert not np.allclose(a1, a2)


def test_set_random_seed_makes_initializers_repeat():
    lamina.utils.set_random_seed(3)
    w1 = lamina.layers.Dense(4)
    w1.build((None, 3))
    lamina.utils.set_random_seed(3)
    w2 = lamina.layers.Dense(4)
    w2.build((None, 3))
    np.testing.assert_allclose(w1.kernel.numpy(), w2.kernel.numpy())


def test_value_and_grad_eager():
    v = lamina.Variable(np.array([1.0, 2.0, 3.0]))
    loss, grads = ops.value_and_grad(lambda: ops.sum(ops.square(v)), [v])
    assert float(backend.convert_to_numpy(loss)) == pytest.approx(14.0)
    np.testing.assert_allclose(backend.convert_to_numpy(grads[0]), [2.0, 4.0, 6.0])


def test_value_and_grad_carries_assignments_out():
    v = lamina.Variable(np.array([1.0, 2.0]))
    counter = lamina.Variable(0.0, trainable=False)

    def fn():
        counter.assign_add(1.0)
        return ops.sum(v * v)

    _, grads = ops.value_and_grad(fn, [v])
    assert float(counter.numpy()) == 1.0
    np.testing.assert_allclose(backend.convert_to_numpy(grads[0]), [2.0, 4.0])
