"""Cross-entropies, moments and normalization ops, written once on ``lamina.ops``.

Example:
    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.binary_crossentropy(ops.ones((2,)), ops.full((2,), 0.9)))
    array([0.1054, 0.1054], dtype=float32)
"""

import numbers

from lamina import backend
from lamina.backend import nn as _backend_nn
from lamina.ops import core as _core
from lamina.ops import numpy as _ops
from lamina.ops._dispatch import symbolic

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "moments",
    "batch_normalization", "normalize", "layer_normalization", "rms_normalization", "ctc_loss",
    "ctc_decode",
]


def _float(x):
    x = _core.convert_to_tensor(x)
    return x if backend.is_float_dtype(_core.dtype(x)) else _core.cast(x, backend.floatx())


def _log_sigmoid(x):
    # log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)), finite for every x.
    return _ops.minimum(x, 0.0) - _ops.log1p(_ops.exp(-_ops.absolute(x)))


def _check_same_shape(fn_name, target, output):
    if len(target.shape) != len(output.shape) or any(
        t is not None and o is not None and t != o and t != 1 and o != 1 for t, o in zip(target.shape, output.shape)
    ):
        raise ValueError(
            f"{fn_name}: `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )


@symbolic
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy (no reduction).

    Args:
        target: labels in [0, 1], same shape as ``output``.
        output: probabilities, or logits when ``from_logits``.
        from_logits: whether ``output`` holds logits; probabilities are clipped to
            ``[epsilon, 1 - epsilon]``.

    Example:
        >>> ops.convert_to_numpy(ops.binary_crossentropy([1.0, 0.0], [0.9, 0.2]))
        array([0.1054, 0.2231], dtype=float32)
    """
    output = _float(output)
    target = _core.cast(target, _core.dtype(output))
    _check_same_shape("binary_crossentropy", target, output)
    if from_logits:
        return -(target * _log_sigmoid(output) + (1.0 - target) * _log_sigmoid(-output))
    eps = backend.epsilon()
    output = _ops.clip(output, eps, 1.0 - eps)
    return -(target * _ops.log(output) + (1.0 - target) * _ops.log(1.0 - output))


@symbolic
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``.

    Args:
        target: class probabilities, same shape as ``output``.
        output: probabilities (renormalized to sum to 1, then clipped), or logits when
            ``from_logits``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis.

    Example:
        >>> ops.convert_to_numpy(ops.categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]]))
        array([0.2231], dtype=float32)
    """
    output = _float(output)
    target = _core.cast(target, _core.dtype(output))
    _check_same_shape("categorical_crossentropy", target, output)
    if len(output.shape) < 1:
        raise ValueError(f"categorical_crossentropy: `output` must have rank >= 1. Received: shape={output.shape}")
    return -_ops.sum(target * _log_probabilities(output, from_logits, axis), axis=axis)


def _log_probabilities(output, from_logits, axis):
    from lamina.ops import nn as _nn

    if from_logits:
        return _nn.log_softmax(output, axis=axis)
    output = output / _ops.sum(output, axis=axis, keepdims=True)
    eps = backend.epsilon()
    return _ops.log(_ops.clip(output, eps, 1.0 - eps))


@symbolic
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ``target`` (one fewer axis than ``output``).

    Args:
        target: integer class indices; a trailing axis of size 1 is allowed.
        output: probabilities or logits (``from_logits``) with the class axis ``axis``.
        from_logits: whether ``output`` holds logits.
        axis: the class axis of ``output``.

    Example:
        >>> ops.convert_to_numpy(ops.sparse_categorical_crossentropy([1], [[0.2, 0.8]]))
        array([0.2231], dtype=float32)
    """
    output = _float(output)
    target = _core.convert_to_tensor(target)
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = _ops.squeeze(target, -1)
    if len(target.shape) != len(output.shape) - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have one fewer axis than `output`. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    return -_pick_class(_log_probabilities(output, from_logits, axis), target, axis)


def _pick_class(values, labels, axis):
    """``values`` at each label's index along ``axis`` (the labels' shape)."""
    axis = axis % len(values.shape)
    labels = _ops.expand_dims(_core.cast(labels, "int32"), axis)
    return _ops.squeeze(_ops.take_along_axis(values, labels, axis=axis), axis)


def _check_rank(fn_name, name, x, rank, layout):
    if len(x.shape) != rank:
        raise ValueError(
            f"{fn_name}: `{name}` must have rank {rank}, shape {layout}. "
            f"Received: {name}.shape={tuple(x.shape)}"
        )


@symbolic
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist Temporal Classification loss, one value per sample.

    The negative log-likelihood of each label sequence summed over every frame alignment
    (repeats merged, blanks removed). A log-softmax is applied to ``output`` first.

    Args:
        target: integer labels, shape ``(batch, max_label_length)``; only the first
            ``target_length[i]`` entries of row ``i`` are read.
        output: logits, shape ``(batch, max_time, num_classes)``.
        target_length: integer label lengths, shape ``(batch,)``.
        output_length: integer numbers of valid frames, shape ``(batch,)``.
        mask_index: the blank class.

    Returns:
        Losses of shape ``(batch,)`` in ``output``'s float dtype (at least float32).

    Example:
        >>> logits = ops.zeros((1, 3, 3))
        >>> ops.convert_to_numpy(ops.ctc_loss([[1, 2]], logits, [2], [3]))
        array([1.6864], dtype=float32)
    """
    target = _core.convert_to_tensor(target)
    output = _float(output)
    target_length = _core.convert_to_tensor(target_length)
    output_length = _core.convert_to_tensor(output_length)
    _check_rank("ctc_loss", "target", target, 2, "(batch, max_label_length)")
    _check_rank("ctc_loss", "output", output, 3, "(batch, max_time, num_classes)")
    _check_rank("ctc_loss", "target_length", target_length, 1, "(batch,)")
    _check_rank("ctc_loss", "output_length", output_length, 1, "(batch,)")
    sizes = {name: x.shape[0] for name, x in (("target", target), ("output", output),
             ("target_length", target_length), ("output_length", output_length))}
    if len({size for size in sizes.values() if size is not None}) > 1:
        raise ValueError(f"ctc_loss: all arguments must share the batch size. Received batch sizes: {sizes}")
    num_classes = output.shape[-1]
    if not isinstance(mask_index, numbers.Integral) or mask_index < 0 or (num_classes is not None and mask_index >= num_classes):
        raise ValueError(
            f"ctc_loss: `mask_index` must be an integer class index in [0, {num_classes}). "
            f"Received: mask_index={mask_index!r}"
        )
    return _backend_nn.ctc_loss(target, output, target_length, output_length, mask_index=mask_index)


_CTC_STRATEGIES = ("greedy", "beam_search")


def _check_positive_int(name, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"ctc_decode: `{name}` must be a positive integer. Received: {name}={value!r}")


@symbolic
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decodes CTC frame scores into label sequences.

    ``"greedy"`` takes the best class of each valid frame, merges repeats (when
    ``merge_repeated``) and drops the blank; its score is minus the sum of those frames'
    best values of ``inputs``. ``"beam_search"`` runs a prefix beam search over
    ``log_softmax(inputs)`` (repeats always merge) and scores each sequence by its
    log-probability. The search runs on the host: it is not differentiable.

    Args:
        inputs: frame scores (logits or log-probabilities), shape
            ``(batch, max_time, num_classes)``.
        sequence_lengths: integer numbers of valid frames, shape ``(batch,)``.
        strategy: ``"greedy"`` or ``"beam_search"``.
        beam_width: prefixes kept after each frame (beam search).
        top_paths: sequences returned per sample (beam search; greedy returns one).
        merge_repeated: merge repeated labels of adjacent frames (greedy).
        mask_index: the blank class (``None``: the last class).

    Returns:
        ``(labels, scores)``: int32 labels of shape ``(top_paths, batch, max_time)``
        padded with -1, and scores of shape ``(batch, top_paths)``, best first.

    Example:
        >>> frames = ops.one_hot([[1, 1, 0, 1, 2]], 3)  # a, a, blank, a, b
        >>> labels, scores = ops.ctc_decode(frames, [5])  # labels[0] = [[1, 1, 2, -1, -1]]
    """
    inputs = _float(inputs)
    sequence_lengths = _core.convert_to_tensor(sequence_lengths)
    _check_rank("ctc_decode", "inputs", inputs, 3, "(batch, max_time, num_classes)")
    _check_rank("ctc_decode", "sequence_lengths", sequence_lengths, 1, "(batch,)")
    batch, num_classes = inputs.shape[0], inputs.shape[-1]
    if batch is not None and sequence_lengths.shape[0] is not None and batch != sequence_lengths.shape[0]:
        raise ValueError(
            "ctc_decode: `inputs` and `sequence_lengths` must share the batch size. Received: "
            f"inputs.shape={tuple(inputs.shape)}, sequence_lengths.shape={tuple(sequence_lengths.shape)}"
        )
    if strategy not in _CTC_STRATEGIES:
        raise ValueError(f"ctc_decode: `strategy` must be one of {_CTC_STRATEGIES}. Received: strategy={strategy!r}")
    if mask_index is None and num_classes is not None:
        mask_index = num_classes - 1
    if not isinstance(mask_index, numbers.Integral) or mask_index < 0 or (num_classes is not None and mask_index >= num_classes):
        raise ValueError(
            f"ctc_decode: `mask_index` must be an integer class index in [0, {num_classes}). "
            f"Received: mask_index={mask_index!r}"
        )
    if strategy == "greedy":
        return _ctc_greedy_decode(inputs, sequence_lengths, merge_repeated, int(mask_index))
    _check_positive_int("beam_width", beam_width)
    _check_positive_int("top_paths", top_paths)
    if top_paths > beam_width:
        raise ValueError(
            "ctc_decode: `top_paths` must be at most `beam_width`. "
            f"Received: top_paths={top_paths}, beam_width={beam_width}"
        )
    return _backend_nn.ctc_beam_search_decode(inputs, sequence_lengths, int(beam_width), int(top_paths), int(mask_index))


def _ctc_greedy_decode(inputs, sequence_lengths, merge_repeated, mask_index):
    max_time = inputs.shape[1]
    time = _ops.expand_dims(_ops.arange(max_time, dtype="int32"), 0)
    valid = time < _ops.expand_dims(_core.cast(sequence_lengths, "int32"), 1)
    best = _ops.where(valid, _core.cast(_ops.argmax(inputs, axis=-1), "int32"), mask_index)
    scores = _ops.where(valid, _ops.max(inputs, axis=-1), 0.0)
    if merge_repeated:
        previous = _ops.pad(best[:, :-1], ((0, 0), (1, 0)), constant_values=-1)
        best = _ops.where(best == previous, mask_index, best)
    keep = best != mask_index
    # Kept labels move to the front in time order; the dropped frames become -1 padding.
    order = _ops.argsort(_ops.where(keep, time, max_time), axis=-1)
    labels = _ops.take_along_axis(_ops.where(keep, best, -1), order, axis=-1)
    return _ops.expand_dims(labels, 0), -_ops.sum(scores, axis=1, keepdims=True)


@symbolic
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``.

    float16/bfloat16 inputs are reduced in float32 and the results cast back.

    Args:
        x: input tensor.
        axes: axis or list of axes to reduce.
        keepdims: keep the reduced axes with size 1.
        synchronized: accepted for Keras compatibility (statistics are always over the
            whole array given).

    Returns:
        ``(mean, variance)``.

    Example:
        >>> mean, var = ops.moments(ops.convert_to_tensor([1.0, 2.0, 3.0]), axes=[0])  # 2.0, 0.667
    """
    x = _float(x)
    dtype = _core.dtype(x)
    if dtype in ("float16", "bfloat16"):
        x = _core.cast(x, "float32")
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    mean = _ops.mean(x, axis=axes, keepdims=True)
    variance = _ops.mean(_ops.square(x - _core.stop_gradient(mean)), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = _ops.squeeze(mean, axes)
    return _core.cast(mean, dtype), _core.cast(variance, dtype)


def _broadcast_along(value, axis, ndim, size):
    value = _core.convert_to_tensor(value)
    if len(value.shape) == 1 and ndim > 1:
        shape = [1] * ndim
        shape[axis] = size
        value = _ops.reshape(value, shape)
    return value


@symbolic
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with 1-D statistics on ``axis``.

    Args:
        x: input tensor.
        mean: 1-D mean of length ``x.shape[axis]`` (or broadcastable).
        variance: 1-D variance of length ``x.shape[axis]`` (or broadcastable).
        axis: the feature axis the statistics run along.
        offset: optional 1-D offset (beta) added after scaling.
        scale: optional 1-D scale (gamma) applied to the normalized values.
        epsilon: added to the variance.

    Example:
        >>> x = np.array([[1.0, 2.0, 3.0]], "float32")
        >>> y = ops.batch_normalization(x, ops.ones((3,)), ops.full((3,), 4.0), axis=-1, epsilon=0.0)
        >>> ops.convert_to_numpy(y).tolist()
        [[0.0, 0.5, 1.0]]
    """
    x = _float(x)
    ndim = len(x.shape)
    axis = axis % ndim
    size = x.shape[axis]
    mean, variance = (_broadcast_along(v, axis, ndim, size) for v in (mean, variance))
    inv = 1.0 / _ops.sqrt(variance + epsilon)
    if scale is not None:
        inv = inv * _broadcast_along(scale, axis, ndim, size)
    shift = -mean * inv
    if offset is not None:
        shift = shift + _broadcast_along(offset, axis, ndim, size)
    return _core.cast(x * inv + shift, _core.dtype(x))


@symbolic
def normalize(x, axis=-1, order=2, epsilon=None):
    """Divides ``x`` by its ``order``-norm along ``axis`` (at least ``epsilon``).

    Args:
        x: input tensor.
        axis: axis (or axes) the norm is taken over.
        order: the p of the p-norm (1, 2, ... or ``inf``).
        epsilon: lower bound of the norm (``lamina.config.epsilon()`` when None).

    Example:
        >>> ops.convert_to_numpy(ops.normalize(ops.convert_to_tensor([[3.0, 4.0]])))
        array([[0.6, 0.8]], dtype=float32)
    """
    x = _float(x)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    if isinstance(axis, list):
        axis = tuple(axis)
    if order == 2:
        norm = _ops.sqrt(_ops.sum(_ops.square(x), axis=axis, keepdims=True))
    elif order == 1:
        norm = _ops.sum(_ops.absolute(x), axis=axis, keepdims=True)
    elif order == float("inf"):
        norm = _ops.max(_ops.absolute(x), axis=axis, keepdims=True)
    elif isinstance(order, (int, float)) and order > 0:
        norm = _ops.sum(_ops.absolute(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    else:
        raise ValueError(f"normalize: `order` must be a positive number or inf. Received: order={order}")
    return x / _ops.maximum(norm, epsilon)


@symbolic
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """Normalizes ``x`` to zero mean, unit variance over ``axis``, then ``* gamma + beta``.

    Args:
        x: input tensor.
        gamma: optional scale, broadcastable to the normalized axes.
        beta: optional offset, broadcastable to the normalized axes.
        axis: axis or axes normalized over.
        epsilon: added to the variance (``lamina.config.epsilon()`` when None, as in Keras).

    Example:
        >>> ops.convert_to_numpy(ops.layer_normalization(ops.convert_to_tensor([[1.0, 3.0]])))
        array([[-1.,  1.]], dtype=float32)
    """
    x = _float(x)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    mean, variance = moments(x, axis if isinstance(axis, (list, tuple)) else [axis], keepdims=True)
    out = (x - mean) / _ops.sqrt(variance + epsilon)
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out


@symbolic
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """Divides ``x`` by the root mean square over ``axis``, then multiplies by ``scale``.

    Args:
        x: input tensor.
        scale: optional multiplier broadcastable to ``x``.
        axis: axis or axes the mean square is taken over.
        epsilon: added to the mean square (``lamina.config.epsilon()`` when None).

    Example:
        >>> ops.convert_to_numpy(ops.rms_normalization(ops.convert_to_tensor([[3.0, 4.0]])))
        array([[0.8485, 1.1314 ]], dtype=float32)
    """
    x = _float(x)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    axis = tuple(axis) if isinstance(axis, list) else axis
    out = x / _ops.sqrt(_ops.mean(_ops.square(x), axis=axis, keepdims=True) + epsilon)
    return out if scale is None else out * scale
