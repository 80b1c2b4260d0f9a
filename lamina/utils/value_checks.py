"""Checks on the values of tensors, run where the values are known (eager code).

Inside a compiled step (JAX ``jit``, which ``fit`` uses on JAX) or on symbolic tensors the
values are not known yet; there these checks do nothing, and each caller documents what
its compiled code does with a bad value instead.
"""

import numpy as np

from lamina import backend


def eager_values(x):
    """``x`` as a NumPy array when its values are known, else ``None`` (traced or symbolic).

    Example:
        >>> eager_values(lamina.ops.convert_to_tensor([1, 2])).tolist()
        [1, 2]
    """
    if x is None or backend.is_keras_tensor(x):
        return None
    try:
        return np.asarray(backend.convert_to_numpy(x))
    except (TypeError, ValueError):  # a tracer: no values until the compiled step runs
        return None


def check_index_range(x, num, owner, argument, ignore=None, what="indices"):
    """Raises a ValueError when ``x`` (integer class / token indices) holds a value outside
    ``[0, num)``, naming ``owner`` (the layer or function), ``argument`` and the bad values.
    Entries equal to ``ignore`` are allowed; ``what`` names the values in the message.
    Does nothing where the values are not known.

    Example:
        >>> check_index_range(np.array([0, 2]), 3, "CategoryEncoding 'enc'", "inputs")
    """
    values = eager_values(x)
    if values is None or values.size == 0 or values.dtype.kind not in "iuf":
        return
    if values.dtype.kind == "f":
        values = values[np.isfinite(values)]
    if ignore is not None:
        values = values[values != ignore]
    bad = values[(values < 0) | (values >= num)]
    if bad.size:
        shown = [int(v) if float(v).is_integer() else float(v) for v in np.unique(bad)[:5]]
        raise ValueError(
            f"{owner}: `{argument}` must hold {what} in the range [0, {num}) (0 to {num - 1}). "
            f"Received {bad.size} value(s) outside it: {shown}"
            + (" ..." if np.unique(bad).size > 5 else "") + ".")
