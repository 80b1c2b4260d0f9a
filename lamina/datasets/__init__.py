"""``lamina.datasets``: small datasets, shipped (digits) or downloaded once and cached."""

from lamina.datasets import (  # noqa: F401
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
