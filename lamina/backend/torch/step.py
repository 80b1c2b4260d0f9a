"""The torch step executor: runs the step eagerly, variables updated in place.

No stateless scope is needed: ``Variable.assign`` copies into the parameter. lamina's own
steps run under ``torch.no_grad`` (gradients are taken explicitly by ``value_and_grad`` or
a ``GradientTape``); a user's ``train_step`` runs with recording on, so that Keras's torch
idiom (``loss.backward()``, then ``optimizer.apply`` with ``v.value.grad``) works.
Flush-to-zero is on during training because subnormal optimizer state slows CPU kernels
several fold.
"""

import contextlib
import warnings

import numpy as np
import torch

from lamina.backend.common import step_executor, tree


def clear_cache():
    """Nothing is shared between models on torch."""


def _convert_leaf(x):
    if x is None or torch.is_tensor(x):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "USO":
        raise ValueError(
            f"The torch backend cannot hold strings in a tensor (received an array of dtype {arr.dtype} "
            f"and shape {arr.shape}). String inputs need a preprocessing layer (TextVectorization, "
            "StringLookup, Hashing) at the start of the model.")
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    if not arr.flags.c_contiguous or not arr.flags.writeable:
        arr = np.ascontiguousarray(arr).copy()
    return torch.from_numpy(arr)


def convert_batch(data):
    """Wraps one batch (a structure of NumPy arrays) as CPU tensors without copying."""
    return tree.map_structure(_convert_leaf, data)


def eager_creation():
    """Variables are always created eagerly on torch."""
    return contextlib.nullcontext()


def block_until_ready(x):
    return x


def make_forward(fn, variables):
    """``fn(data)`` under ``no_grad`` (for fast ``predict``); ``data`` holds NumPy arrays."""

    def forward(data):
        with torch.no_grad():
            return fn(convert_batch(data))

    return forward


class StepExecutor(step_executor.StepExecutor):
    """Runs the step eagerly on torch (see ``backend/common/step_executor.py`` for the
    arguments). ``jit=True`` compiles it with ``torch.compile``; if compilation fails the
    step runs eagerly and a warning says why. ``training`` turns flush-to-zero on until
    ``finish``. Variables are updated in place, so nothing is written back."""

    prefers_inline_batches = True

    convert_batch = staticmethod(convert_batch)
    eager_creation = staticmethod(eager_creation)
    make_forward = staticmethod(make_forward)
    block_until_ready = staticmethod(block_until_ready)

    def __init__(self, step_fn, collect_state=None, **kwargs):
        super().__init__(step_fn, collect_state, **kwargs)
        self._jit = self.jit is True
        self._compiled_fn = None
        self._flush = self.training
        if self.training:
            torch.set_flush_denormal(True)

    def _call(self, data):
        if self._jit:
            if self._compiled_fn is None:
                self._compiled_fn = torch.compile(self.step_fn)
            try:
                return self._compiled_fn(data)
            except Exception as e:  # compile problems fall back to eager
                warnings.warn(f"torch.compile of the step failed ({type(e).__name__}: {e}); running eagerly.")
                self._jit = False
        return self.step_fn(data)

    def run(self, n, data, stacked):
        with torch.set_grad_enabled(self.user_gradients):
            if not stacked:
                return self._call(data)
            outs = []
            for i in range(n):
                outs.append(self._call(tree.map_structure(lambda a: None if a is None else a[i], data)))
        if self.collect == "last":
            return outs[-1]
        return tree.map_structure(lambda *xs: torch.stack(list(xs)), *outs)

    def sync_to_model(self):
        """Variables are updated in place; nothing to write back."""

    def finish(self):
        if self._flush:
            torch.set_flush_denormal(False)
            self._flush = False
