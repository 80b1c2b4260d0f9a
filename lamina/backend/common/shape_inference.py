"""Symbolic shape inference shared by the backends: probes and merging their results.

A backend's ``compute_output_spec(fn, *args, **kwargs)`` runs ``fn`` on stand-ins for the
KerasTensors among the arguments (JAX: abstract values under ``jax.eval_shape``; torch: meta
tensors), with every unknown dimension filled by a probe size. Dimensions of the result that
differ between two probes are unknown (``None``); one probe suffices when every input
dimension is known.
"""

import numpy as np

from lamina.backend.common import dtypes, tree
from lamina.backend.common.keras_tensor import KerasTensor

PROBE_SIZES = (83, 89)


def probe_sizes(args, kwargs):
    """The fill values to probe with: two when an input has an unknown dimension, else one."""
    unknown = any(isinstance(x, KerasTensor) and None in x.shape for x in tree.flatten((args, kwargs)))
    return PROBE_SIZES if unknown else PROBE_SIZES[:1]


def stand_in(x, fill, make):
    """``make(shape, dtype)`` for a KerasTensor ``x``, its unknown dimensions set to ``fill``.

    String KerasTensors stand in as empty NumPy object arrays (strings stay on the host); any
    other argument is returned unchanged.
    """
    if not isinstance(x, KerasTensor):
        return x
    shape = tuple(fill if d is None else d for d in x.shape)
    if x.dtype == "string":
        return np.empty(shape, dtype=object)
    return make(shape, x.dtype)


def merge_probes(results):
    """KerasTensors for the outputs of one or more probes (a structure per probe)."""
    return tree.map_structure(_to_keras_tensor, *results)


def _to_keras_tensor(*outs):
    first = outs[0]
    if first is None or not hasattr(first, "shape") or not hasattr(first, "dtype"):
        return first
    shape = list(first.shape)
    for other in outs[1:]:
        shape = [a if a == b else None for a, b in zip(shape, other.shape)]
    return KerasTensor(shape, dtype=dtypes.standardize_dtype(first.dtype))
