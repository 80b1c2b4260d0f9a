"""Fixtures for layer tests: ``parity`` compares a lamina layer with the same real Keras 3 layer."""

import numpy as np
import pytest

from lamina import backend


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return np.asarray(backend.convert_to_numpy(x))


@pytest.fixture
def parity():
    """``parity(name, kwargs, inputs, call_kwargs=None, keras_kwargs=None)``.

    Builds ``keras.layers.<name>(**kwargs)`` and ``lamina.layers.<name>(**kwargs)``, copies the
    Keras weights into lamina with ``set_weights`` (so the weight order and shapes must match),
    and asserts the outputs agree within 1e-5 (relative) for the given inputs.
    Returns ``(lamina_layer, keras_layer)``.
    """
    keras = pytest.importorskip("keras")
    import lamina

    def check(name, kwargs, inputs, call_kwargs=None, keras_kwargs=None, atol=1e-5, rtol=1e-5, compare_weights=True):
        call_kwargs = dict(call_kwargs or {})
        k_layer = getattr(keras.layers, name)(**{**kwargs, **(keras_kwargs or {})})
        l_layer = getattr(lamina.layers, name)(**kwargs)
        k_inputs = [keras.ops.convert_to_tensor(x) for x in inputs] if isinstance(inputs, list) else \
            keras.ops.convert_to_tensor(inputs)
        k_out = k_layer(k_inputs, **call_kwargs)
        l_layer(inputs, **call_kwargs)
        weights = k_layer.get_weights()
        rng = np.random.default_rng(7)
        # Perturb Keras's initial weights so that ones/zeros initializers do not hide order mistakes.
        weights = [w + rng.normal(scale=0.1, size=w.shape).astype(w.dtype) if w.dtype.kind == "f" and
                   "variance" not in v.path else w for w, v in zip(weights, k_layer.weights)]
        weights = [np.abs(w) + 0.5 if "variance" in v.path else w for w, v in zip(weights, k_layer.weights)]
        k_layer.set_weights(weights)
        l_layer.set_weights(weights)
        assert [v.name for v in l_layer.weights] == [v.name for v in k_layer.weights]
        k_out = keras.ops.convert_to_numpy(k_layer(k_inputs, **call_kwargs)) if not isinstance(k_out, (list, tuple)) \
            else [keras.ops.convert_to_numpy(o) for o in k_layer(k_inputs, **call_kwargs)]
        l_out = _np(l_layer(inputs, **call_kwargs))
        if isinstance(k_out, list):
            for a, b in zip(l_out, k_out):
                np.testing.assert_allclose(a, b, atol=atol, rtol=rtol)
        else:
            assert l_out.shape == k_out.shape, (l_out.shape, k_out.shape)
            np.testing.assert_allclose(l_out, k_out, atol=atol, rtol=rtol)
        if compare_weights:
            for lv, kv in zip(l_layer.weights, k_layer.weights):
                np.testing.assert_allclose(_np(lv.value), keras.ops.convert_to_numpy(kv.value), atol=atol, rtol=rtol)
        return l_layer, k_layer

    return check
