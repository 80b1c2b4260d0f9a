"""Keras 3's guide "Customizing what happens in `fit()` with JAX", run on lamina: custom
steps of the form ``train_step(self, state, data)`` built from ``stateless_call``,
``optimizer.stateless_apply`` and metrics' ``stateless_update_state``; a GAN in the same
style; and a training loop written from scratch under ``jax.jit``."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops

if lamina.backend.backend() != "jax":
    pytest.skip("the (state, data) step contract is Keras's JAX trainer's", allow_module_level=True)

import jax  # noqa: E402


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype("float32")
    y = (x @ rng.normal(size=(8, 1)) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def _update_metrics(model, metrics_variables, loss, y, y_pred):
    """The guide's metric loop: each metric's slice of ``metrics_variables`` updated statelessly."""
    new_metrics_vars, logs = [], {}
    for metric in model.metrics:
        start = len(new_metrics_vars)
        this_metric_vars = metrics_variables[start:start + len(metric.variables)]
        if metric.name == "loss":
            this_metric_vars = metric.stateless_update_state(this_metric_vars, loss)
        else:
            this_metric_vars = metric.stateless_update_state(this_metric_vars, y, y_pred)
        logs[metric.name] = metric.stateless_result(this_metric_vars)
        new_metrics_vars += this_metric_vars
    return logs, new_metrics_vars


class CustomModel(lamina.Model):
    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        loss = self.compute_loss(x, y, y_pred)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        logs, metrics_variables = _update_metrics(self, metrics_variables, loss, y, y_pred)
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)

    def test_step(self, state, data):
        trainable_variables, non_trainable_variables, metrics_variables = state
        x, y = data
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False)
        loss = self.compute_loss(x, y, y_pred)
        logs, metrics_variables = _update_metrics(self, metrics_variables, loss, y, y_pred)
        return logs, (trainable_variables, non_trainable_variables, metrics_variables)

    def predict_step(self, state, data):
        trainable_variables, non_trainable_variables = state
        x = data[0] if isinstance(data, tuple) else data
        outputs, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=False)
        return 2.0 * outputs, non_trainable_variables  # marks that this step ran


def _pair(cls_a, cls_b):
    def build(cls):
        inputs = lamina.Input(shape=(8,))
        hidden = layers.Dense(16, activation="relu")(inputs)
        hidden = layers.BatchNormalization()(hidden)
        return cls(inputs, layers.Dense(1)(hidden))

    a, b = build(cls_a), build(cls_b)
    b.set_weights(a.get_weights())
    for model in (a, b):
        model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return a, b


def test_state_train_step_matches_default_fit():
    x, y = _data()
    custom, plain = _pair(CustomModel, lamina.Model)
    h_custom = custom.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    h_plain = plain.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    assert sorted(h_custom) == ["loss", "mae"]
    np.testing.assert_allclose(h_custom["loss"], h_plain["loss"], rtol=1e-4)
    np.testing.assert_allclose(h_custom["mae"], h_plain["mae"], rtol=1e-4)
    assert h_custom["loss"][-1] < h_custom["loss"][0]
    for a, b in zip(custom.get_weights(), plain.get_weights()):  # BatchNorm's statistics too
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(custom.optimizer.iterations.numpy(), 12)


def test_state_test_and_predict_steps():
    x, y = _data()
    custom, plain = _pair(CustomModel, lamina.Model)
    got = custom.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    want = plain.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    np.testing.assert_allclose([got["loss"], got["mae"]], [want["loss"], want["mae"]], rtol=1e-5)
    np.testing.assert_allclose(custom.predict(x, batch_size=16, verbose=0),
                               2.0 * plain.predict(x, batch_size=16, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(custom.predict(x[:4], verbose=0), 2.0 * plain.predict(x[:4], verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_state_train_step_runs_eagerly_too():
    x, y = _data(32)
    custom, plain = _pair(CustomModel, lamina.Model)
    custom.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse", metrics=["mae"], run_eagerly=True)
    h_custom = custom.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h_plain = plain.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_custom["loss"], h_plain["loss"], rtol=1e-4)


def test_state_step_returning_bad_state_names_what_is_expected():
    class Broken(lamina.Model):
        def train_step(self, state, data):
            return {}, state[:2]

    inputs = lamina.Input(shape=(8,))
    model = Broken(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(16)
    with pytest.raises(ValueError, match="optimizer_variables, metrics_variables"):
        model.fit(x, y, batch_size=16, verbose=0)


# -- a GAN written in the guide's style ------------------------------------------------------
class GAN(lamina.Model):
    """Discriminator and generator steps in one ``train_step(state, data)``. One SGD optimizer
    holds every weight; each half of the step applies gradients for its own weights and zeros
    for the others', which plain SGD leaves unchanged."""

    def __init__(self, discriminator, generator, **kwargs):
        super().__init__(**kwargs)
        self.discriminator = discriminator
        self.generator = generator
        self.d_loss_tracker = lamina.metrics.Mean(name="d_loss")
        self.g_loss_tracker = lamina.metrics.Mean(name="g_loss")
        self.loss_fn = lamina.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, latent):
        return self.discriminator(self.generator(latent))

    def _split(self, trainable_variables):
        n = len(self.discriminator.trainable_variables)
        return trainable_variables[:n], trainable_variables[n:]

    def _d_loss(self, d_vars, g_vars, real, latent):
        fake, _ = self.generator.stateless_call(g_vars, [], latent)
        images = ops.concatenate([fake, real], axis=0)
        labels = ops.concatenate([ops.ones((real.shape[0], 1)), ops.zeros((real.shape[0], 1))], axis=0)
        logits, _ = self.discriminator.stateless_call(d_vars, [], images)
        return self.loss_fn(labels, logits)

    def _g_loss(self, g_vars, d_vars, latent):
        fake, _ = self.generator.stateless_call(g_vars, [], latent)
        logits, _ = self.discriminator.stateless_call(d_vars, [], fake)
        return self.loss_fn(ops.zeros((latent.shape[0], 1)), logits)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        real, latent = data
        d_vars, g_vars = self._split(trainable_variables)
        d_loss, d_grads = jax.value_and_grad(self._d_loss)(d_vars, g_vars, real, latent)
        grads = list(d_grads) + [jax.numpy.zeros_like(v) for v in g_vars]
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        d_vars, g_vars = self._split(trainable_variables)
        g_loss, g_grads = jax.value_and_grad(self._g_loss)(g_vars, d_vars, latent)
        grads = [jax.numpy.zeros_like(v) for v in d_vars] + list(g_grads)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        d_state = self.d_loss_tracker.stateless_update_state(metrics_variables[:2], d_loss)
        g_state = self.g_loss_tracker.stateless_update_state(metrics_variables[2:], g_loss)
        logs = {"d_loss": self.d_loss_tracker.stateless_result(d_state),
                "g_loss": self.g_loss_tracker.stateless_result(g_state)}
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, d_state + g_state)


def _gan():
    discriminator = lamina.Sequential([lamina.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(1)],
                                      name="discriminator")
    generator = lamina.Sequential([lamina.Input((3,)), layers.Dense(8, activation="relu"), layers.Dense(6)],
                                  name="generator")
    gan = GAN(discriminator=discriminator, generator=generator)  # two positional arguments read as (inputs, outputs)
    gan.compile(optimizer=lamina.optimizers.SGD(0.05))
    gan.optimizer.build(gan.trainable_variables)
    return gan


def test_gan_state_step_matches_reference_loop():
    rng = np.random.default_rng(1)
    real = (rng.normal(size=(64, 6)) + 2.0).astype("float32")
    latent = rng.normal(size=(64, 3)).astype("float32")
    gan = _gan()
    start = [v.numpy().copy() for v in gan.trainable_variables]
    history = gan.fit(real, latent, batch_size=16, epochs=2, shuffle=False, verbose=0).history

    # The reference: the same pure step, jitted and called batch by batch from NumPy values.
    reference = _gan()
    for variable, value in zip(reference.trainable_variables, start):
        variable.assign(value)
    state = tuple([v.value for v in group] for group in (
        reference.trainable_variables, reference.non_trainable_variables, reference.optimizer.variables,
        reference.metrics_variables))
    step = jax.jit(reference.train_step)
    d_losses = []
    for epoch in range(2):
        state = state[:3] + (reference.d_loss_tracker.stateless_reset_state()
                             + reference.g_loss_tracker.stateless_reset_state(),)
        for i in range(0, 64, 16):
            logs, state = step(state, (real[i:i + 16], latent[i:i + 16]))
        d_losses.append(float(logs["d_loss"]))
    np.testing.assert_allclose(history["d_loss"], d_losses, rtol=1e-4)
    for variable, value in zip(gan.trainable_variables, state[0]):
        np.testing.assert_allclose(variable.numpy(), np.asarray(value), rtol=1e-4, atol=1e-5)
    # Both halves moved: the discriminator learned, the generator followed.
    moved = [not np.allclose(a, v.numpy()) for a, v in zip(start, gan.trainable_variables)]
    assert all(moved)
    assert float(gan.optimizer.iterations.numpy()) == 16  # two updates per step


# -- a training loop from scratch ------------------------------------------------------------
def test_from_scratch_jit_loop_updates_batchnorm_statistics():
    rng = np.random.default_rng(2)
    x = (rng.normal(size=(48, 4)) * 3.0 + 1.0).astype("float32")
    y = rng.normal(size=(48, 2)).astype("float32")
    model = lamina.Sequential([lamina.Input((4,)), layers.BatchNormalization(momentum=0.9), layers.Dense(2)])
    optimizer = lamina.optimizers.Adam(0.01)
    loss_fn = lamina.losses.MeanSquaredError()
    optimizer.build(model.trainable_variables)

    def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = model.stateless_call(
            trainable_variables, non_trainable_variables, x, training=True)
        return loss_fn(y, y_pred), non_trainable_variables

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        trainable_variables, non_trainable_variables, optimizer_variables = state
        (loss, non_trainable_variables), grads = grad_fn(trainable_variables, non_trainable_variables, *data)
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        return loss, (trainable_variables, non_trainable_variables, optimizer_variables)

    before = [v.numpy().copy() for v in model.variables]
    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables])
    moving_mean, moving_var = np.zeros(4, "float32"), np.ones(4, "float32")
    losses = []
    for i in range(0, 48, 8):
        batch = x[i:i + 8]
        loss, state = train_step(state, (batch, y[i:i + 8]))
        losses.append(float(loss))
        moving_mean = 0.9 * moving_mean + 0.1 * batch.mean(axis=0)
        moving_var = 0.9 * moving_var + 0.1 * batch.var(axis=0)
    # Nothing was assigned: the model still holds its initial values.
    for b, v in zip(before, model.variables):
        np.testing.assert_array_equal(b, v.numpy())
    new_mean, new_var = (np.asarray(a) for a in state[1])
    assert not np.allclose(new_mean, 0.0) and not np.allclose(new_var, 1.0)
    np.testing.assert_allclose(new_mean, moving_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_var, moving_var, rtol=1e-4)
    # Written back, the model predicts with the trained values.
    for variable, value in zip(model.trainable_variables + model.non_trainable_variables, state[0] + state[1]):
        variable.assign(value)
    np.testing.assert_allclose(model.non_trainable_variables[0].numpy(), moving_mean, rtol=1e-5, atol=1e-6)
    final_loss = float(ops.mean((model.predict(x, verbose=0) - y) ** 2))
    assert final_loss < float(ops.mean((lamina.ops.convert_to_numpy(
        model.stateless_call([ops.convert_to_tensor(b) for b in before[:4]],
                             [ops.convert_to_tensor(b) for b in before[4:]], x)[0]) - y) ** 2))
