"""torch: every lamina layer and model is a ``torch.nn.Module``.

PyTorch reads a module's state from three dicts: ``_parameters``, ``_buffers`` and
``_modules``. On a lamina layer they are views, computed from lamina's attribute tracking
(``layers/_tracking.py``) each time torch reads them, so they can never drift from the
layer's variables and sub-layers:

- ``_parameters``: the layer's own trainable variables, by variable name. Each entry *is*
  the variable's storage (a ``torch.nn.Parameter`` updated in place), so ``torch.optim``,
  ``loss.backward()``, ``load_state_dict`` and lamina's optimizers all act on the same
  tensor.
- ``_buffers``: the layer's own non-trainable variables (BatchNormalization's moving
  statistics), as PyTorch keeps running statistics.
- ``_modules``: the sub-layers, by attribute name (``blocks.0`` for a list), or by layer
  name in a Functional or Sequential model.

Writing into the views goes to the variables (``Module._apply`` after ``to(device)``);
naming a new parameter, buffer or module there is refused: create weights with
``add_weight`` and sub-layers by assigning attributes. Module hooks are refused too: a
lamina call does not pass through ``torch.nn.Module.__call__``, so they would never run. ``train()`` / ``eval()`` set the
mode a direct call uses when it gets no ``training`` argument (until then a call runs in
inference mode, as in Keras).
"""

import torch

from lamina.backend.common import dtypes


def _refuse(layer, what, name):
    raise ValueError(
        f"Layer '{layer.name}': cannot register the {what} {name!r} through torch. lamina tracks a "
        "layer's state itself: create weights with `self.add_weight(...)` and sub-layers by assigning "
        "them to attributes.")


class _VariableView(dict):
    """``name -> tensor`` of some of a layer's variables; writes go to the variables."""

    def __init__(self, layer, what, variables):
        super().__init__((name, v._value) for name, v in variables)
        self._layer, self._what = layer, what
        self._variables = dict(variables)

    def __setitem__(self, name, value):
        variable = self._variables.get(name)
        if variable is None:
            _refuse(self._layer, self._what, name)
        if value is not variable._value:
            if isinstance(value, torch.nn.Parameter):
                variable._value = value
            else:
                variable._value.data = value
            variable._dtype = dtypes.standardize_dtype(value.dtype)
        super().__setitem__(name, variable._value)

    def __delitem__(self, name):
        _refuse(self._layer, self._what, name)


class _ModuleView(dict):
    def __init__(self, layer, children):
        super().__init__(children)
        self._layer = layer

    def __setitem__(self, name, value):
        if self.get(name) is not value:
            _refuse(self._layer, "sub-module", name)

    def __delitem__(self, name):
        _refuse(self._layer, "sub-module", name)


def _ignore(self, value):
    """``Module.__init__`` sets empty dicts; the views replace them."""


class TorchLayer(torch.nn.Module):
    """The torch half of ``lamina.layers.Layer``: its ``nn.Module`` behaviour."""

    def _init_backend_layer(self):
        torch.nn.Module.__init__(self)

    @property
    def _parameters(self):
        return _VariableView(self, "parameter", [(n, v) for n, v in self._named_variables() if v.trainable])

    @property
    def _buffers(self):
        return _VariableView(self, "buffer", [(n, v) for n, v in self._named_variables() if not v.trainable])

    @property
    def _modules(self):
        return _ModuleView(self, self._named_children())

    _parameters = _parameters.setter(_ignore)
    _buffers = _buffers.setter(_ignore)
    _modules = _modules.setter(_ignore)

    def register_parameter(self, name, param):
        _refuse(self, "parameter", name)

    def register_buffer(self, name, tensor, persistent=True):
        _refuse(self, "buffer", name)

    def add_module(self, name, module):
        _refuse(self, "sub-module", name)

    register_module = add_module

    def _refuse_hook(self, *args, **kwargs):
        raise ValueError(
            f"Layer '{self.name}': torch module hooks do not run on lamina layers (a lamina call does "
            "not go through torch.nn.Module.__call__). Override `call` in a subclass, or use a "
            "Callback to observe training.")

    register_forward_hook = register_forward_pre_hook = _refuse_hook
    register_full_backward_hook = register_full_backward_pre_hook = register_backward_hook = _refuse_hook

    def __getattr__(self, name):
        # Reached only when normal lookup fails; a property that raised AttributeError is
        # run again so that its own message (not a generic one) reaches the caller.
        attr = getattr(type(self), name, None)
        if isinstance(attr, property):
            return attr.fget(self)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def forward(self, *args, **kwargs):
        """``layer(*args, **kwargs)``: torch code that calls ``forward`` gets the full call."""
        return self.__call__(*args, **kwargs)

    def train(self, mode=True):
        torch.nn.Module.train(self, mode)
        object.__setattr__(self, "_module_training", bool(mode))
        return self

    def _apply(self, fn, recurse=True):
        torch.nn.Module._apply(self, fn, recurse)
        # `to(dtype)` changes the tensors in place (`param.data = ...`); the variables'
        # recorded dtypes follow.
        for _, variable in self._named_variables():
            variable._dtype = dtypes.standardize_dtype(variable._value.dtype)
        return self

    def _sync_requires_grad(self):
        """A frozen layer's parameters stop asking for gradients (PyTorch's way to freeze),
        so ``torch.optim`` leaves them alone; unfreezing restores each variable's own flag."""
        for layer in self._flatten_layers():
            for _, variable in layer._named_variables():
                if variable._value.is_floating_point():
                    variable._value.requires_grad_(bool(variable.trainable and layer.trainable))


BackendLayer = TorchLayer
