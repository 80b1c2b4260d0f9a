"""torch: what ``TorchModuleWrapper`` needs from the engine (JAX wrappers refuse here).

A wrapped module's parameters and persistent buffers become lamina Variables that share
storage with the module: the module's own tensors are replaced by the Variables' tensors,
so an in-place optimizer update is seen by the module, and ``call`` passes the Variables'
current values to ``torch.func.functional_call`` so stateless scopes work too.
"""

import torch

from lamina.backend.torch import device as _device


def _wrong_backend(layer_name, needs):
    return ValueError(f"{layer_name} runs only on the {needs} backend; the active backend is 'torch'. "
                      f"Set LAMINA_BACKEND={needs} before importing lamina.")


def require_torch(layer_name):
    """Nothing on torch; the JAX backend raises."""


def require_jax(layer_name):
    raise _wrong_backend(layer_name, "jax")


def is_foreign_module(value):
    """A ``torch.nn.Module`` that is not a lamina layer (lamina layers declare a kind)."""
    return isinstance(value, torch.nn.Module) and getattr(type(value), "_tracked_kind", None) is None


def check_module(module, layer_name):
    if not isinstance(module, torch.nn.Module):
        raise ValueError(f"{layer_name}: `module` must be a torch.nn.Module. Received: module={module!r} "
                         f"(of type {type(module).__name__})")
    device = _device.current_device()
    return module.to(device if device is not None else "cpu")


def has_uninitialized_params(module):
    """Whether a lazy module (``torch.nn.LazyLinear`` ...) still waits for its first input."""
    return any(isinstance(m, torch.nn.modules.lazy.LazyModuleMixin) and m.has_uninitialized_params()
               for m in module.modules())


def materialize(module, input_shape):
    """Runs a lazy module once on zeros of ``input_shape`` (unknown dimensions as 1)."""
    shapes = input_shape if isinstance(input_shape, list) else [input_shape]
    inputs = [torch.zeros([1 if d is None else d for d in shape]) for shape in shapes]
    with torch.no_grad():
        module(*inputs)


def module_state(module):
    """``[(key, tensor, trainable)]`` for the module's parameters and persistent buffers, in
    ``state_dict`` order; a tied tensor appears under each of its keys."""
    return [(key, tensor, isinstance(tensor, torch.nn.Parameter) and tensor.requires_grad)
            for key, tensor in module.state_dict(keep_vars=True).items()]


def dtype_name(tensor):
    return str(tensor.dtype).replace("torch.", "")


def share_storage(module, key, variable):
    """Makes the module's tensor at ``key`` be ``variable``'s own tensor."""
    *path, leaf = key.split(".")
    owner = module.get_submodule(".".join(path))
    if leaf in owner._parameters:
        owner._parameters[leaf] = variable._value
    else:
        owner._buffers[leaf] = variable._value


def call_module(module, variables, args, kwargs, training):
    """Runs the module with ``{key: variable}`` bound to the Variables' current values.

    As Keras does, the module is in train mode unless ``training`` is False.
    """
    module.train(training is not False)
    tensors = {key: variable.value for key, variable in variables.items()}
    return torch.func.functional_call(module, tensors, tuple(args), kwargs, strict=False)


def pickle_module(module):
    import io

    buffer = io.BytesIO()
    torch.save(module, buffer)
    return buffer.getvalue()


def unpickle_module(data):
    """Runs the pickled code in ``data``: the caller checks safe mode first."""
    import io

    return torch.load(io.BytesIO(data), weights_only=False)
