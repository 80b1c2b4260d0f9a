"""torch: placing tensors on a named device (``lamina.device("cpu:0")``)."""

import contextlib
import threading

import torch

_state = threading.local()
_ALIASES = {"gpu": "cuda"}


def _all_devices():
    found = ["cpu:0"]
    if torch.cuda.is_available():
        found.extend(f"cuda:{i}" for i in range(torch.cuda.device_count()))
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append("mps:0")
    return found


def resolve_device(device_name):
    """The ``torch.device`` for ``"cpu:0"``, ``"gpu:1"``, ``"cuda:0"`` (index 0 when omitted)."""
    if isinstance(device_name, torch.device):
        device_name = str(device_name)
    if not isinstance(device_name, str):
        raise ValueError(f"lamina.device: expected a device name such as 'cpu:0' or 'gpu:0'. "
                         f"Received: device_name={device_name!r}")
    kind, _, index = device_name.strip().lower().partition(":")
    kind = _ALIASES.get(kind, kind)
    name = f"{kind}:{index or 0}"
    if name not in _all_devices():
        raise ValueError(f"lamina.device: there is no device {device_name!r} on this machine. Available devices: "
                         f"{_all_devices()}")
    return torch.device("cpu") if kind == "cpu" else torch.device(name)


def current_device():
    """The device of the innermost ``device_scope``, or None outside any."""
    return getattr(_state, "device", None)


def device_scope(device_name):
    """A context manager: tensors and variables created inside it are placed on that device.

    The name is checked at once, so a missing device fails where the scope is made.
    """
    return _scope(resolve_device(device_name))


@contextlib.contextmanager
def _scope(device):
    previous = current_device()
    _state.device = device
    try:
        with device:  # torch's factory functions (ones, randn ...) default to it
            yield
    finally:
        _state.device = previous


def get_device():
    """The device new tensors go to, as ``"cpu"`` or ``"cuda:0"``."""
    device = current_device()
    return "cpu" if device is None else str(device)
