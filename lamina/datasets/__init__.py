"""``lamina.datasets``: small datasets, shipped (digits) or downloaded once and cached."""

from lamina.datasets import boston_housing, cifar10, digits, fashion_mnist, imdb, mnist  # noqa: F401
