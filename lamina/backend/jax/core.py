"""JAX: tensors, variables, symbolic shape inference, control flow and gradients."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import dtypes, shape_inference, tree
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.stateless_scope import StatelessScope, get_stateless_scope
from lamina.backend.common.variables import Variable as _BaseVariable
from lamina.backend.jax.device import device_scope, get_device  # noqa: F401 - exported by the backend

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True


def to_jax_dtype(dtype):
    name = dtypes.standardize_dtype(dtype)
    if name == "string":
        raise ValueError("The JAX backend has no string tensors; strings stay on the host as NumPy arrays.")
    return jnp.dtype(name)


class Variable(_BaseVariable):
    def _initialize(self, value):
        self._value = value

    def _direct_assign(self, value):
        self._value = value

    def _creation_scope(self):
        # Layers first built inside a trace (shape inference) still get concrete weights.
        return jax.ensure_compile_time_eval()

    def _convert_to_tensor(self, value, dtype):
        return convert_to_tensor(value, dtype=dtype)

    def numpy(self):
        return np.asarray(self.value)

    def __jax_array__(self):
        return self.value



def is_tensor(x):
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None):
    if isinstance(x, Variable):
        x = x.value
        if dtype is None or dtypes.standardize_dtype(dtype) == x.dtype.name:
            return x
    if dtype is not None:
        dtype = to_jax_dtype(dtype)
    if isinstance(x, jax.Array):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    if isinstance(x, KerasTensor):
        raise ValueError(
            "convert_to_tensor received a symbolic KerasTensor. Symbolic tensors can only be "
            "passed to lamina layers and lamina.ops functions."
        )
    if dtype is None:
        if isinstance(x, bool):
            dtype = jnp.bool_
        elif isinstance(x, int):
            dtype = jnp.int32
        elif isinstance(x, float):
            dtype = to_jax_dtype(None)
        elif isinstance(x, np.ndarray) and x.dtype == np.float64:
            dtype = jnp.float32 if not jax.config.jax_enable_x64 else None
        elif isinstance(x, (list, tuple)):
            arr = np.asarray(x)
            if arr.dtype == np.float64:
                dtype = to_jax_dtype(None)
            elif arr.dtype == np.int64:
                dtype = jnp.int32
            x = arr
    if isinstance(x, np.ndarray) and x.dtype.kind in "US O".replace(" ", ""):
        raise ValueError(
            f"The JAX backend cannot hold strings in a tensor (received dtype {x.dtype}). String "
            "data is processed on the host by preprocessing layers such as TextVectorization."
        )
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    if isinstance(x, Variable):
        x = x.value
    return np.asarray(x)


def cast(x, dtype):
    return convert_to_tensor(x, dtype=dtype)


def shape(x):
    return tuple(x.shape)


# -- symbolic shape inference ---------------------------------------------------
def _abstract(shape, dtype):
    return jax.ShapeDtypeStruct(shape, to_jax_dtype(dtype))


def compute_output_spec(fn, *args, **kwargs):
    """Runs ``fn`` abstractly (``jax.eval_shape``) on KerasTensors and returns KerasTensors of the result.

    Unknown dimensions are probed with two sizes; those that change stay ``None``.
    """
    results = []
    for fill in shape_inference.probe_sizes(args, kwargs):
        structs = [shape_inference.stand_in(x, fill, _abstract) for x in tree.flatten((args, kwargs))]
        tensor_positions = [i for i, x in enumerate(structs) if isinstance(x, jax.ShapeDtypeStruct)]

        def wrapped(*tensors):
            full = list(structs)
            for i, t in zip(tensor_positions, tensors):
                full[i] = t
            a, k = tree.pack_sequence_as((args, kwargs), full)
            with StatelessScope():
                out = fn(*a, **k)
            return tree.map_structure(lambda o: o.value if isinstance(o, Variable) else o, out)

        results.append(jax.eval_shape(wrapped, *[structs[i] for i in tensor_positions]))
    return shape_inference.merge_probes(results)


# -- control flow and gradients ---------------------------------------------------
def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def while_loop(cond_fn, body_fn, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    if maximum_iterations is not None:
        state = (loop_vars, jnp.asarray(0))

        def _cond(s):
            return jnp.logical_and(cond_fn(*s[0]), s[1] < maximum_iterations)

        def _body(s):
            out = body_fn(*s[0])
            out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
            return (out, s[1] + 1)

        result = jax.lax.while_loop(_cond, _body, state)[0]
    else:

        def _body(s):
            out = body_fn(*s)
            return tuple(out) if isinstance(out, (tuple, list)) else (out,)

        result = jax.lax.while_loop(lambda s: cond_fn(*s), _body, loop_vars)
    return result if is_tuple else result[0]


def stop_gradient(x):
    return jax.lax.stop_gradient(x)


def custom_gradient(fn):
    """``fn(*args)`` returns ``(output, grad_fn)``; ``grad_fn(upstream)`` gets the upstream gradient.

    ``upstream`` is one value shaped like ``output`` (not unpacked into arguments), and
    ``grad_fn`` returns the gradient of each argument: one value, or a tuple with one per
    argument. The backward pass calls ``fn`` again to obtain ``grad_fn`` (a JAX residual
    must be arrays, not a closure), so ``fn``'s forward work runs twice.
    """

    @jax.custom_vjp
    def wrapped(*args):
        out, _ = fn(*args)
        return out

    def fwd(*args):
        out, grad_fn = fn(*args)
        return out, (args,)

    def bwd(res, upstream):
        (args,) = res
        _, grad_fn = fn(*args)
        grads = grad_fn(upstream)
        return tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)

    wrapped.defvjp(fwd, bwd)
    return wrapped


def value_and_grad(fn, variables, has_aux=False):
    """Calls ``fn()`` and returns ``(value, grads)`` with grads for ``variables``.

    Works eagerly and inside a jitted step: the variables are bound to traced values in a
    StatelessScope; assignments made by ``fn`` (BatchNorm statistics, metrics, seeds) are
    carried out of the differentiation and applied afterwards.
    """
    variables = list(variables)
    values = [v.value for v in variables]
    assigned = []

    def inner(vals):
        with StatelessScope(zip(variables, vals)) as scope:
            out = fn()
        assigned[:] = scope.assigned_variables()
        updates = [scope.get_current_value(v) for v in assigned]
        if has_aux:
            loss, aux = out
            return loss, (aux, updates)
        return out, updates

    (value, extra), grads = jax.value_and_grad(inner, has_aux=True)(values)
    if has_aux:
        aux, updates = extra
        value = (value, aux)
    else:
        updates = extra
    for variable, new_value in zip(assigned, updates):
        variable.assign(new_value)
    return value, list(grads)


class GradientTape:
    """Not available on JAX: JAX differentiates functions, not recorded operations."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "GradientTape is not available on the JAX backend, which differentiates functions "
            "rather than recording operations. Use `loss, grads = lamina.ops.value_and_grad("
            "compute_loss, variables)` instead; it works on every backend."
        )


def _backends_initialized():
    from jax._src import xla_bridge

    return bool(getattr(xla_bridge, "_backends", {}))


def set_num_threads(intra_op, inter_op=None):
    """XLA reads its thread settings when its CPU client starts, i.e. at the first computation."""
    import os

    if _backends_initialized():
        raise RuntimeError(
            "set_num_threads: JAX has already started its CPU client, so its thread count is fixed. Call "
            "lamina.config.set_num_threads before the first computation, or set LAMINA_NUM_THREADS in "
            "the environment before starting Python."
        )
    flags = os.environ.get("XLA_FLAGS", "")
    flags += f" --xla_cpu_multi_thread_eigen={'false' if intra_op == 1 else 'true'}"
    flags += f" intra_op_parallelism_threads={int(intra_op)}"
    os.environ["XLA_FLAGS"] = flags.strip()
    os.environ["NPROC"] = str(int(intra_op))


def set_memory_fraction(fraction):
    """Caps the share of accelerator memory JAX preallocates (read when its client starts)."""
    import os

    if _backends_initialized():
        raise RuntimeError(
            "set_memory_fraction: JAX has already started, so its memory settings are fixed. Call it before "
            "the first computation."
        )
    os.environ["XLA_PYTHON_CLIENT_MEM_FRACTION"] = str(float(fraction))
