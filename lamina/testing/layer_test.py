"""``run_layer_test``: one call that holds a layer to the Keras layer contract."""

import numpy as np

from lamina import backend
from lamina.backend import tree


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _make_data(input_shape, input_dtype, rng):
    if _is_shape(input_shape):
        dtype = input_dtype if isinstance(input_dtype, str) else input_dtype[0]
        if "int" in dtype:
            return rng.integers(0, 4, size=input_shape).astype(dtype)
        if dtype == "bool":
            return rng.random(input_shape) > 0.5
        return rng.normal(size=input_shape).astype(dtype)
    dtypes = input_dtype if isinstance(input_dtype, (list, tuple)) else [input_dtype] * len(input_shape)
    return [_make_data(s, d, rng) for s, d in zip(input_shape, dtypes)]


def _shapes(x):
    if isinstance(x, (list, tuple)):
        return [_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: _shapes(v) for k, v in x.items()}
    return tuple(x.shape)


def _tensors(x):
    if isinstance(x, (list, tuple)):
        return [_tensors(v) for v in x]
    if isinstance(x, dict):
        return {k: _tensors(v) for k, v in x.items()}
    return backend.convert_to_tensor(x)


def _np(x):
    return tree.map_structure(lambda t: np.asarray(backend.convert_to_numpy(t)), x)


def _fail(layer_cls, what):
    raise AssertionError(f"run_layer_test({layer_cls.__name__}): {what}")


def _check_shape(layer_cls, got, expected, where):
    got, expected = _to_plain(got), _to_plain(expected)
    if got != expected:
        _fail(layer_cls, f"{where} output shape {got} != expected {expected}")


def _to_plain(s):
    if isinstance(s, (list, tuple)) and not _is_shape(s):
        return [_to_plain(v) for v in s]
    if isinstance(s, dict):
        return {k: _to_plain(v) for k, v in s.items()}
    return tuple(s) if s is not None else None


def _with_none_batch(shape):
    if _is_shape(shape):
        return (None,) + tuple(shape[1:])
    if isinstance(shape, dict):
        return {k: _with_none_batch(v) for k, v in shape.items()}
    return [_with_none_batch(s) for s in shape]


def run_layer_test(layer_cls, init_kwargs, input_shape=None, input_dtype="float32", input_data=None,
                   expected_output_shape=None, expected_output_dtype=None, expected_num_trainable_weights=None,
                   expected_num_non_trainable_weights=None, expected_num_seed_generators=None,
                   expected_num_losses=None, supports_masking=None, run_training_check=True,
                   run_mixed_precision_check=False, custom_objects=None, call_kwargs=None, assert_built_after_instantiation=False):
    """Checks a layer: eager and symbolic calls, shapes, weights, config round trip, a training step, masking.

    Args:
        layer_cls: the layer class.
        init_kwargs: constructor arguments.
        input_shape: a shape (with batch size), or a list of shapes for multi-input layers.
        input_dtype: dtype (or list of dtypes) of the generated inputs.
        input_data: explicit inputs instead of ``input_shape``.
        expected_output_shape: shape (or list of shapes) of the eager output.
        expected_num_trainable_weights / expected_num_non_trainable_weights: weight counts after build.
        supports_masking: expected value of ``layer.supports_masking``; when True, a mask is passed through.
        run_training_check: take one SGD step with ``lamina.ops.value_and_grad`` in training mode and check
            that trainable weights move.
        run_mixed_precision_check: build with ``dtype="mixed_float16"`` and check float32 weights and
            float16 outputs.
        custom_objects: for ``from_config`` of custom layers.
        call_kwargs: extra keyword arguments for every call.

    Raises:
        AssertionError naming the layer and the failed check.

    Example:
        >>> from lamina.testing import run_layer_test
        >>> layer = run_layer_test(lamina.layers.Conv2D, {"filters": 2, "kernel_size": 3}, input_shape=(2, 5, 5, 1),
        ...                        expected_output_shape=(2, 3, 3, 2), expected_num_trainable_weights=2)
        >>> layer
        <Conv2D name=conv2d, built=True>
    """
    import lamina
    from lamina.saving import object_registry

    rng = np.random.default_rng(1234)
    call_kwargs = dict(call_kwargs or {})
    if input_data is None:
        if input_shape is None:
            _fail(layer_cls, "pass input_shape or input_data")
        input_data = _make_data(input_shape, input_dtype, rng)
    else:
        input_shape = _shapes(input_data)
    inputs = _tensors(input_data)

    # 1. Eager call, weights and shapes.
    layer = layer_cls(**init_kwargs)
    if assert_built_after_instantiation and not layer.built:
        _fail(layer_cls, "layer is not built after instantiation")
    output = layer(inputs, **call_kwargs)
    if expected_output_shape is not None:
        _check_shape(layer_cls, _shapes(output), expected_output_shape, "eager")
    if expected_output_dtype is not None:
        got = [backend.standardize_dtype(o.dtype) for o in tree.flatten(output)]
        if any(g != expected_output_dtype for g in got):
            _fail(layer_cls, f"output dtype {got} != expected {expected_output_dtype}")
    if expected_num_trainable_weights is not None and len(layer.trainable_weights) != expected_num_trainable_weights:
        _fail(layer_cls, f"{len(layer.trainable_weights)} trainable weights, expected {expected_num_trainable_weights}")
    if (expected_num_non_trainable_weights is not None
            and len(layer.non_trainable_weights) != expected_num_non_trainable_weights):
        _fail(layer_cls, f"{len(layer.non_trainable_weights)} non-trainable weights, "
                         f"expected {expected_num_non_trainable_weights}")
    if expected_num_seed_generators is not None:
        count = len(getattr(layer, "_seed_generators", []) or [])
        count = max(count, sum(1 for v in vars(layer).values() if isinstance(v, backend.SeedGenerator)))
        if count != expected_num_seed_generators:
            _fail(layer_cls, f"{count} seed generators, expected {expected_num_seed_generators}")
    if expected_num_losses is not None and len(layer.losses) != expected_num_losses:
        _fail(layer_cls, f"{len(layer.losses)} losses, expected {expected_num_losses}")
    if supports_masking is not None and bool(layer.supports_masking) != supports_masking:
        _fail(layer_cls, f"supports_masking is {layer.supports_masking}, expected {supports_masking}")

    # 2. compute_output_shape agrees with the eager output.
    if type(layer).compute_output_shape is not lamina.layers.Layer.compute_output_shape:
        predicted = layer.compute_output_shape(input_shape)
        _check_shape(layer_cls, _shapes(output), predicted, "compute_output_shape vs eager")

    # 3. Symbolic call inside a Functional model, with an unknown batch size.
    sym_shapes = _with_none_batch(input_shape)
    if _is_shape(sym_shapes):
        sym_inputs = lamina.Input(batch_shape=sym_shapes, dtype=_dtype_of(inputs))
    else:
        sym_inputs = [lamina.Input(batch_shape=s, dtype=_dtype_of(t)) for s, t in zip(sym_shapes, inputs)]
    sym_layer = layer_cls(**init_kwargs)
    sym_out = sym_layer(sym_inputs, **call_kwargs)
    _check_shape(layer_cls, _shapes(sym_out), _with_none_batch(_shapes(output)), "symbolic")
    model = lamina.Model(sym_inputs, sym_out)
    model.set_weights(layer.get_weights()) if layer.weights else None
    model_out = model(inputs, training=False)
    _check_shape(layer_cls, _shapes(model_out), _shapes(output), "Functional model")

    # 4. get_config / from_config round trip: same config, same outputs with the same weights.
    config = layer.get_config()
    with object_registry.custom_object_scope(custom_objects or {}):
        clone = layer_cls.from_config(config)
        revived = lamina.layers.deserialize(lamina.layers.serialize(layer))
    if clone.get_config() != config:
        _fail(layer_cls, f"from_config(get_config()) changed the config:\n{config}\n!=\n{clone.get_config()}")
    if type(revived) is not type(layer):
        _fail(layer_cls, f"deserialize(serialize(layer)) gave a {type(revived).__name__}")
    first = _np(layer(inputs, training=False, **call_kwargs))
    clone(inputs, training=False, **call_kwargs)
    clone.set_weights(layer.get_weights())
    again = _np(clone(inputs, training=False, **call_kwargs))
    for a, b in zip(tree.flatten(first), tree.flatten(again)):
        if a.shape != b.shape or not np.allclose(a, b, atol=1e-5, rtol=1e-5, equal_nan=True):
            _fail(layer_cls, "the layer rebuilt from its config gives different outputs with the same weights")

    # 5. Masking: a mask passes through (or is consumed) without error.
    if supports_masking and _is_shape(input_shape) and len(input_shape) >= 2:
        mask = backend.convert_to_tensor(rng.random(input_shape[:2]) > 0.3)
        masked_out = layer(inputs, mask=mask, **call_kwargs)
        _check_shape(layer_cls, _shapes(masked_out), _shapes(output), "masked call")
        layer.compute_mask(inputs, mask)

    # 6. One training step: gradients flow and an SGD update moves the trainable weights; and the
    #    layer is differentiable with respect to float inputs (under the backend's autodiff).
    if run_training_check and layer.trainable_weights:
        _training_step(layer_cls, layer, inputs, call_kwargs)
    if run_training_check and not isinstance(inputs, (list, dict)) and \
            backend.is_float_dtype(backend.standardize_dtype(inputs.dtype)):
        _input_gradient(layer_cls, layer, inputs, call_kwargs)

    # 7. Mixed precision.
    if run_mixed_precision_check:
        mp_layer = layer_cls(**{**init_kwargs, "dtype": "mixed_float16"})
        mp_inputs = tree.map_structure(
            lambda t: backend.cast(t, "float16") if backend.is_float_dtype(backend.standardize_dtype(t.dtype)) else t,
            inputs)
        mp_out = mp_layer(mp_inputs, **call_kwargs)
        for w in mp_layer.weights:
            if backend.is_float_dtype(w.dtype) and backend.standardize_dtype(w.dtype) != "float32":
                _fail(layer_cls, f"mixed_float16 weight {w.path} has dtype {w.dtype}, expected float32")
        for o in tree.flatten(mp_out):
            if backend.standardize_dtype(o.dtype) != "float16":
                _fail(layer_cls, f"mixed_float16 output has dtype {o.dtype}, expected float16")
    return layer


def _dtype_of(t):
    return backend.standardize_dtype(t.dtype)


def _training_step(layer_cls, layer, inputs, call_kwargs):
    from lamina import ops

    variables = layer.trainable_weights
    before = [np.array(backend.convert_to_numpy(v.value)) for v in variables]

    def loss_fn():
        out = layer(inputs, training=True, **call_kwargs)
        total = 0.0
        for o in tree.flatten(out):
            if backend.is_float_dtype(backend.standardize_dtype(o.dtype)):
                total = ops.add(total, ops.mean(ops.square(ops.cast(o, "float32"))))
        for extra in layer.losses:
            total = ops.add(total, extra)
        return total

    loss, grads = ops.value_and_grad(loss_fn, variables)
    if not np.isfinite(np.asarray(backend.convert_to_numpy(loss))).all():
        _fail(layer_cls, f"training loss is not finite: {loss}")
    for v, g in zip(variables, grads):
        v.assign(ops.subtract(v.value, ops.multiply(ops.cast(g, v.dtype), 0.1)))
    moved = [not np.allclose(b, np.asarray(backend.convert_to_numpy(v.value))) for b, v in zip(before, variables)]
    if not any(moved):
        _fail(layer_cls, "one SGD step did not change any trainable weight (no gradient reached them)")


def _input_gradient(layer_cls, layer, inputs, call_kwargs):
    from lamina import ops

    source = backend.Variable(inputs, trainable=True, name="run_layer_test_input")

    def loss_fn():
        out = layer(source.value, training=True, **call_kwargs)
        return ops.sum(ops.stack([ops.sum(ops.cast(o, "float32")) for o in tree.flatten(out)]))

    _, (grad,) = ops.value_and_grad(loss_fn, [source])
    if tuple(grad.shape) != tuple(inputs.shape) or not np.isfinite(np.asarray(backend.convert_to_numpy(grad))).all():
        _fail(layer_cls, "the gradient with respect to the inputs is missing or not finite")
