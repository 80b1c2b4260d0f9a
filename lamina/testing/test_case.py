"""A ``unittest.TestCase`` with assertions that accept lamina tensors, Variables and NumPy arrays."""

import unittest

import numpy as np

from lamina import backend


def to_numpy(x):
    """NumPy value of a tensor, Variable, array or nested list of them."""
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, bool)):
        return [to_numpy(v) for v in x]
    if hasattr(x, "_is_lamina_variable") or backend.is_tensor(x):
        return np.asarray(backend.convert_to_numpy(x))
    return np.asarray(x)


class TestCase(unittest.TestCase):
    """Adds ``assertAllClose``, ``assertNotAllClose``, ``assertAllEqual``, ``assertLen`` and
    ``run_layer_test`` to ``unittest.TestCase``.

    Example:
        >>> class MyTest(lamina.testing.TestCase):
        ...     def test_relu(self):
        ...         self.assertAllClose(lamina.ops.relu([-1.0, 2.0]), [0.0, 2.0])
    """

    maxDiff = None

    def setUp(self):
        from lamina import utils

        utils.clear_session()

    def assertAllClose(self, x1, x2, atol=1e-6, rtol=1e-6, msg=None):
        """Asserts ``x1`` and ``x2`` have the same shape and values within tolerance."""
        a, b = to_numpy(x1), to_numpy(x2)
        if isinstance(a, list) or isinstance(b, list):
            self.assertEqual(len(a), len(b), msg)
            for u, v in zip(a, b):
                self.assertAllClose(u, v, atol=atol, rtol=rtol, msg=msg)
            return
        np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=msg or "")

    def assertNotAllClose(self, x1, x2, atol=1e-6, rtol=1e-6, msg=None):
        """Asserts the values differ somewhere by more than the tolerance."""
        a, b = to_numpy(x1), to_numpy(x2)
        if a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=rtol):
            self.fail(msg or f"Expected the arrays to differ, but they are all close:\n{a}\n{b}")

    def assertAllEqual(self, x1, x2, msg=None):
        """Asserts exact equality of shapes and values."""
        np.testing.assert_array_equal(to_numpy(x1), to_numpy(x2), err_msg=msg or "")

    def assertLen(self, container, expected_len, msg=None):
        self.assertEqual(len(container), expected_len, msg)

    def run_layer_test(self, layer_cls, init_kwargs, **kwargs):
        """See ``lamina.testing.run_layer_test``."""
        from lamina.testing.layer_test import run_layer_test

        return run_layer_test(layer_cls, init_kwargs, **kwargs)
