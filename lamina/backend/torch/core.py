"""PyTorch: tensors, variables, symbolic shape inference, control flow and gradients."""

import threading

import numpy as np
import torch

from lamina.backend.common import dtypes, shape_inference, tree
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.backend.common.variables import Variable as _BaseVariable
from lamina.backend.torch import device as _device
from lamina.backend.torch.device import device_scope, get_device  # noqa: F401 - exported by the backend

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True

_TORCH_DTYPES = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "uint8": torch.uint8, "uint16": torch.uint16,
    "uint32": torch.uint32, "uint64": torch.uint64, "int8": torch.int8, "int16": torch.int16,
    "int32": torch.int32, "int64": torch.int64, "bool": torch.bool,
    "complex64": torch.complex64, "complex128": torch.complex128,
}

_symbolic = threading.local()


_RESOLVED = {}  # dtype argument -> torch dtype (the argument's meaning never changes)


def to_torch_dtype(dtype):
    if dtype is not None:
        try:
            return _RESOLVED[dtype]
        except (KeyError, TypeError):
            pass
    name = dtypes.standardize_dtype(dtype)
    if name == "string":
        raise ValueError("The torch backend has no string tensors; strings stay on the host as NumPy arrays.")
    resolved = _TORCH_DTYPES[name]
    if dtype is not None:
        try:
            _RESOLVED[dtype] = resolved
        except TypeError:
            pass
    return resolved


class Variable(_BaseVariable):
    def _initialize(self, value):
        self._value = torch.nn.Parameter(value.detach().clone(), requires_grad=self._trainable and value.is_floating_point())

    def _direct_assign(self, value):
        with torch.no_grad():
            self._value.copy_(value)

    def _convert_to_tensor(self, value, dtype):
        return convert_to_tensor(value, dtype=dtype)

    def _current_value(self):
        value = _BaseVariable._current_value(self)
        if getattr(_symbolic, "active", False) and value.device.type != "meta":
            return torch.empty(value.shape, dtype=value.dtype, device="meta")
        return value

    @_BaseVariable.trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if hasattr(self, "_value") and self._value.is_floating_point():
            self._value.requires_grad_(self._trainable)

    def numpy(self):
        # A copy: the weights are updated in place, so a view would change under the caller.
        return self.value.detach().cpu().numpy().copy()

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        args = tree.map_structure(lambda x: x.value if isinstance(x, Variable) else x, args)
        kwargs = tree.map_structure(lambda x: x.value if isinstance(x, Variable) else x, kwargs or {})
        return func(*args, **kwargs)


def is_tensor(x):
    return torch.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None):
    if isinstance(x, torch.Tensor) and not isinstance(x, Variable):  # the common case, first
        if dtype is None:
            return x
        dtype = to_torch_dtype(dtype)
        return x if x.dtype == dtype else x.to(dtype)
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    if torch.is_tensor(x):
        return x if dtype is None or x.dtype == dtype else x.to(dtype)
    if isinstance(x, KerasTensor):
        raise ValueError(
            "convert_to_tensor received a symbolic KerasTensor. Symbolic tensors can only be "
            "passed to lamina layers and lamina.ops functions."
        )
    if dtype is None:
        if isinstance(x, bool):
            dtype = torch.bool
        elif isinstance(x, int):
            dtype = torch.int32
        elif isinstance(x, float):
            dtype = to_torch_dtype(None)
        else:
            arr = np.asarray(x)
            if arr.dtype.kind in "USO":
                raise ValueError(
                    f"The torch backend cannot hold strings in a tensor (received dtype {arr.dtype}). "
                    "String data is processed on the host by preprocessing layers such as TextVectorization."
                )
            if arr.dtype == np.float64:
                dtype = to_torch_dtype(None)
            elif arr.dtype == np.int64 and not isinstance(x, np.ndarray):
                dtype = torch.int32
            x = arr
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "USO":
            raise ValueError(
                f"The torch backend cannot hold strings in a tensor (received dtype {x.dtype}). "
                "String data is processed on the host by preprocessing layers such as TextVectorization."
            )
        if not x.flags.writeable or not x.flags.c_contiguous or x.dtype.byteorder == ">":
            x = np.ascontiguousarray(x).astype(x.dtype.newbyteorder("="), copy=False)
            if not x.flags.writeable:
                x = x.copy()
        t = torch.from_numpy(x)
        device = _device.current_device()
        if device is not None and device.type != "cpu":  # from_numpy ignores torch's default device
            t = t.to(device)
        return t.to(dtype) if dtype is not None and t.dtype != dtype else t
    return torch.as_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    if torch.is_tensor(x):
        # Parameters (variable storage) are updated in place: hand out a copy, not a view.
        in_place = isinstance(x, torch.nn.Parameter)
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        out = x.cpu().numpy()
        return out.copy() if in_place else out
    return np.asarray(x)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def shape(x):
    return tuple(x.shape)


# -- symbolic shape inference ---------------------------------------------------
def _stand_in_maker(device):
    if device == "meta":
        return lambda shape, dtype: torch.empty(shape, dtype=to_torch_dtype(dtype), device="meta")
    return lambda shape, dtype: torch.ones(shape, dtype=to_torch_dtype(dtype))


def _run_abstract(fn, args, kwargs, fill, device):
    make = _stand_in_maker(device)
    a, k = tree.map_structure(lambda x: shape_inference.stand_in(x, fill, make), (args, kwargs))
    previous = getattr(_symbolic, "active", False)
    _symbolic.active = device == "meta"
    try:
        with StatelessScope(), torch.no_grad():
            out = fn(*a, **k)
    finally:
        _symbolic.active = previous
    return tree.map_structure(lambda o: o.value if isinstance(o, Variable) else o, out)


def compute_output_spec(fn, *args, **kwargs):
    """Runs ``fn`` on meta tensors (or small real ones when an op has no meta kernel)."""
    results = []
    for fill in shape_inference.probe_sizes(args, kwargs):
        try:
            out = _run_abstract(fn, args, kwargs, fill, "meta")
        except Exception:
            out = _run_abstract(fn, args, kwargs, fill, "cpu")
        results.append(out)
    return shape_inference.merge_probes(results)


# -- control flow and gradients ---------------------------------------------------
def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if xs is None and length is None:
        raise ValueError("scan: give `xs` or `length`.")
    flat_xs = tree.flatten(xs) if xs is not None else []
    n = int(flat_xs[0].shape[0]) if flat_xs else int(length)
    carry = init
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        x_i = tree.pack_sequence_as(xs, [x[i] for x in flat_xs]) if xs is not None else None
        carry, y = f(carry, x_i)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    stacked = tree.map_structure(lambda *leaves: torch.stack([convert_to_tensor(l) for l in leaves]), *ys)
    return carry, stacked


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond_fn, body_fn, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    count = 0
    while bool(cond_fn(*state)) and (maximum_iterations is None or count < maximum_iterations):
        out = body_fn(*state)
        state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        count += 1
    return state if is_tuple else state[0]


def stop_gradient(x):
    return convert_to_tensor(x).detach()


def custom_gradient(fn):
    """``fn(*args)`` returns ``(output, grad_fn)`` with ``grad_fn(upstream)`` giving input grads."""

    class _Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            out, grad_fn = fn(*args)
            ctx.grad_fn = grad_fn
            return out

        @staticmethod
        def backward(ctx, upstream):
            grads = ctx.grad_fn(upstream)
            return tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)

    return lambda *args: _Fn.apply(*args)


def value_and_grad(fn, variables, has_aux=False):
    """Calls ``fn()`` with autograd and returns ``(value, grads)`` for ``variables``."""
    variables = list(variables)
    with torch.enable_grad():
        out = fn()
        loss = out[0] if has_aux else out
        tensors = [v.value for v in variables]
        needs = [t for t in tensors if t.requires_grad]
        grads = torch.autograd.grad(loss, needs, allow_unused=True) if needs and loss.requires_grad else []
    it = iter(grads)
    result = []
    for t in tensors:
        g = next(it) if t.requires_grad and grads else None
        result.append(torch.zeros_like(t) if g is None else g)
    if has_aux:
        return (loss.detach(), out[1]), result
    return loss.detach(), result


class GradientTape:
    """Records operations for ``tape.gradient(target, sources)`` (torch only).

    Example:
        >>> layer = lamina.layers.Dense(1, kernel_initializer="ones")
        >>> x = ops.ones((2, 3))
        >>> with GradientTape() as tape:
        ...     loss = ops.sum(layer(x) ** 2)
        >>> grads = tape.gradient(loss, layer.trainable_weights)
        >>> [ops.convert_to_numpy(g).ravel().tolist() for g in grads]
        [[12.0, 12.0, 12.0], [12.0]]
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent

    def __enter__(self):
        self._grad_mode = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        return self

    def __exit__(self, *exc):
        torch.set_grad_enabled(self._grad_mode)

    def watch(self, tensor):
        pass

    def gradient(self, target, sources):
        flat = tree.flatten(sources)
        tensors = [s.value if isinstance(s, Variable) else s for s in flat]
        needs = [t.requires_grad for t in tensors]
        grads = torch.autograd.grad(
            target, [t for t, n in zip(tensors, needs) if n], retain_graph=self.persistent, allow_unused=True
        )
        it = iter(grads)
        out = [next(it) if n else None for n in needs]
        return tree.pack_sequence_as(sources, out)


def set_num_threads(intra_op, inter_op=None):
    torch.set_num_threads(int(intra_op))
    if inter_op is not None:
        try:
            torch.set_num_interop_threads(int(inter_op))
        except RuntimeError as e:
            raise RuntimeError(
                f"set_num_threads: torch's inter-op thread count can only be set before any parallel work "
                f"started ({e})."
            ) from e


def set_memory_fraction(fraction):
    """Caps the share of GPU memory torch may use (no effect on a machine without CUDA)."""
    if torch.cuda.is_available():
        for device in range(torch.cuda.device_count()):
            torch.cuda.set_per_process_memory_fraction(float(fraction), device)
