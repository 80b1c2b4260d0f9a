"""Seed S17 (lines 1381-1515): a GAN with its own compile(d_optimizer, g_optimizer, loss_fn)
and a train_step returning a dict, written once for every backend."""

import numpy as np

import lamina
from lamina import layers, ops
from tests.conftest import keras_or_skip

latent_dim = 16


def _discriminator(framework=lamina):
    layers = framework.layers
    return framework.Sequential([
        framework.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ], name="discriminator")


def _generator(framework=lamina):
    layers = framework.layers
    return framework.Sequential([
        framework.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 8),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, 8)),
        layers.Conv2DTranspose(8, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(8, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ], name="generator")


class GAN(lamina.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = lamina.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = lamina.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.generator(random_latent_vectors)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * lamina.random.uniform(ops.shape(labels), seed=self.seed_generator)

        def d_loss_fn():
            return self.loss_fn(labels, self.discriminator(combined_images))

        d_weights = self.discriminator.trainable_weights
        d_loss, grads = ops.value_and_grad(d_loss_fn, d_weights)
        self.d_optimizer.apply_gradients(zip(grads, d_weights))

        random_latent_vectors = lamina.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = ops.zeros((batch_size, 1))

        def g_loss_fn():
            return self.loss_fn(misleading_labels, self.discriminator(self.generator(random_latent_vectors)))

        g_weights = self.generator.trainable_weights
        g_loss, grads = ops.value_and_grad(g_loss_fn, g_weights)
        self.g_optimizer.apply_gradients(zip(grads, g_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


def test_s17_gan_trains_on_a_few_batches():
    rng = np.random.default_rng(0)
    all_digits = rng.random((48, 28, 28, 1)).astype("float32")
    order = rng.permutation(len(all_digits))

    def dataset():  # shuffle(...).batch(16).take(3)
        for i in range(0, 48, 16):
            yield all_digits[order[i:i + 16]]

    discriminator, generator = _discriminator(), _generator()
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=lamina.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=lamina.optimizers.Adam(learning_rate=0.0003),
                loss_fn=lamina.losses.BinaryCrossentropy(from_logits=True))
    d_before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    history = gan.fit(dataset(), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(history.history["d_loss"] + history.history["g_loss"]))
    assert any(not np.allclose(a, b) for a, b in zip(d_before, discriminator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(g_before, generator.get_weights()))
    assert int(gan.d_optimizer.iterations.numpy()) == 3
    assert int(gan.g_optimizer.iterations.numpy()) == 3
    sample = generator.predict(lamina.random.normal((1, latent_dim)), verbose=0)
    assert sample.reshape(28, 28, 1).shape == (28, 28, 1)


def _keras_value_and_grad(keras, loss_fn, model, x):
    """loss_fn(model(x)) and its gradients with respect to model.trainable_weights, in real Keras."""
    if keras.backend.backend() == "jax":
        import jax

        def pure(trainable):
            outputs, _ = model.stateless_call(trainable, [v.value for v in model.non_trainable_variables], x)
            return loss_fn(outputs)

        loss, grads = jax.value_and_grad(pure)([v.value for v in model.trainable_variables])
        return float(loss), grads
    model.zero_grad()
    loss = loss_fn(model(x))
    loss.backward()
    return float(loss.detach().cpu()), [v.value.grad.clone() for v in model.trainable_variables]


def test_s17_gan_step_equals_the_same_step_in_keras():
    keras = keras_or_skip()
    real = np.random.default_rng(1).random((16, 28, 28, 1)).astype("float32")
    discriminator, generator = _discriminator(), _generator()
    twin_d, twin_g = _discriminator(keras), _generator(keras)
    twin_d.set_weights(discriminator.get_weights())
    twin_g.set_weights(generator.get_weights())
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=lamina.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=lamina.optimizers.Adam(learning_rate=0.0003),
                loss_fn=lamina.losses.BinaryCrossentropy(from_logits=True))
    history = gan.fit(real, epochs=1, batch_size=16, shuffle=False, verbose=0).history

    # The step's random draws, replayed from a fresh generator with the GAN's seed.
    seed = lamina.random.SeedGenerator(1337)
    z_d = ops.convert_to_numpy(lamina.random.normal((16, latent_dim), seed=seed))
    noise = ops.convert_to_numpy(lamina.random.uniform((32, 1), seed=seed))
    z_g = ops.convert_to_numpy(lamina.random.normal((16, latent_dim), seed=seed))
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    d_opt, g_opt = keras.optimizers.Adam(learning_rate=0.0003), keras.optimizers.Adam(learning_rate=0.0003)

    # Discriminator step: fakes labelled 1, reals 0, plus label noise.
    combined = np.concatenate([keras.ops.convert_to_numpy(twin_g(z_d)), real], axis=0)
    labels = np.concatenate([np.ones((16, 1)), np.zeros((16, 1))]).astype("float32") + 0.05 * noise
    d_loss, grads = _keras_value_and_grad(keras, lambda out: bce(labels, out), twin_d, combined)
    d_opt.apply_gradients(zip(grads, twin_d.trainable_variables))
    logits = keras.ops.convert_to_numpy(twin_d(combined))
    # Generator step through the updated discriminator: fakes labelled 0 ("real").
    full = keras.Sequential([twin_g, twin_d])
    g_loss, grads = _keras_value_and_grad(keras, lambda out: bce(np.zeros((16, 1), "float32"), out), full, z_g)
    g_opt.apply_gradients(zip(grads, twin_g.trainable_variables))

    np.testing.assert_allclose(history["d_loss"][0], d_loss, rtol=1e-4)
    np.testing.assert_allclose(history["g_loss"][0], g_loss, rtol=1e-4)
    for ours, theirs in zip(discriminator.get_weights() + generator.get_weights(),
                            twin_d.get_weights() + twin_g.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(discriminator(combined)), logits, rtol=1e-4, atol=1e-5)
