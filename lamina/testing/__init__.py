"""``lamina.testing``: the shared layer checker and a TestCase with tensor assertions.

Example:
    >>> from lamina import layers, testing
    >>> testing.run_layer_test(layers.Dense, {"units": 3}, input_shape=(2, 4), expected_output_shape=(2, 3))
    <Dense name=dense, built=True>
"""

from lamina.testing.layer_test import run_layer_test
from lamina.testing.test_case import TestCase

__all__ = ["TestCase", "run_layer_test"]
