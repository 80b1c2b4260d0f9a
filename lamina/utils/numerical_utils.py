"""Small array helpers: ``to_categorical``, ``normalize``, ``pad_sequences``."""

import numpy as np


def to_categorical(x, num_classes=None):
    """One-hot encodes integer class labels into a float32 NumPy array.

    Example:
        >>> lamina.utils.to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.], [0., 0., 1.]], dtype=float32)
    """
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if x.size and x.min() < 0:
        raise ValueError(f"to_categorical: labels must be non-negative. Received a minimum of {x.min()}")
    num_classes = int(x.max()) + 1 if num_classes is None else num_classes
    if x.size and x.max() >= num_classes:
        raise ValueError(f"to_categorical: label {x.max()} is out of range for num_classes={num_classes}")
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1.0
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Scales ``x`` to unit ``order``-norm along ``axis``."""
    x = np.asarray(x, dtype="float32")
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pads (or truncates) a list of sequences to one length.

    Args:
        sequences: list of lists (or arrays) of values.
        maxlen: target length (default: the longest sequence).
        padding / truncating: ``"pre"`` or ``"post"``.
        value: the padding value.
    """
    for name, arg in (("padding", padding), ("truncating", truncating)):
        if arg not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post'. Received: {name}={arg!r}")
    lengths = [len(s) for s in sequences]
    maxlen = max(lengths, default=0) if maxlen is None else maxlen
    sample_shape = ()
    for s in sequences:
        if len(s):
            sample_shape = np.asarray(s).shape[1:]
            break
    is_str = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=object if is_str else dtype)
    for i, s in enumerate(sequences):
        if not len(s):
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=out.dtype)
        if padding == "post":
            out[i, :len(trunc)] = trunc
        else:
            out[i, maxlen - len(trunc):] = trunc
    return out
