"""Seed S17 (lines 1381-1515): a GAN with its own compile(d_optimizer, g_optimizer, loss_fn)
and a train_step returning a dict, written once for every backend."""

import numpy as np

import lamina
from lamina import layers, ops

latent_dim = 16


def _discriminator():
    return lamina.Sequential([
        lamina.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ], name="discriminator")


def _generator():
    return lamina.Sequential([
        lamina.Input(shape=(latent_dim,)),
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
