"""MNIST: 70,000 28x28 grayscale digits, downloaded once and cached in ``~/.lamina/datasets``."""

from lamina.datasets._remote import load_npz

_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz", origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)`` (uint8 images, uint8 labels).

    Args:
        path: file name in the cache.
        origin: alternative URL (e.g. a local mirror); defaults to the public Keras copy.
    """
    x_train, y_train, x_test, y_test = load_npz(path, _HASH, ("x_train", "y_train", "x_test", "y_test"),
                                                origin=origin, cache_dir=cache_dir)
    return (x_train, y_train), (x_test, y_test)
