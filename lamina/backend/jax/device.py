"""JAX: placing arrays on a named device (``lamina.device("cpu:0")``)."""

import jax

_ALIASES = {"cuda": "gpu", "rocm": "gpu"}


def _all_devices():
    found = []
    for platform in ("cpu", "gpu", "tpu"):
        try:
            found.extend(jax.devices(platform))
        except RuntimeError:  # no such platform on this machine
            continue
    return found


def _device_name(device):
    return f"{device.platform}:{device.id}"


def resolve_device(device_name):
    """The ``jax.Device`` for ``"cpu:0"``, ``"gpu:1"``, ``"cuda:0"`` (index 0 when omitted)."""
    if isinstance(device_name, jax.Device):
        return device_name
    if not isinstance(device_name, str):
        raise ValueError(f"lamina.device: expected a device name such as 'cpu:0' or 'gpu:0'. "
                         f"Received: device_name={device_name!r}")
    kind, _, index = device_name.strip().lower().partition(":")
    kind = _ALIASES.get(kind, kind)
    candidates = [d for d in _all_devices() if d.platform == kind]
    if index.isdigit() and int(index) < len(candidates):
        return candidates[int(index)]
    if index == "" and candidates:
        return candidates[0]
    raise ValueError(f"lamina.device: there is no device {device_name!r} on this machine. Available devices: "
                     f"{[_device_name(d) for d in _all_devices()]}")


def device_scope(device_name):
    """A context manager: arrays and variables created inside it are placed on that device."""
    return jax.default_device(resolve_device(device_name))


def get_device():
    """The device new arrays go to, as ``"cpu:0"``."""
    device = jax.config.jax_default_device
    if isinstance(device, str):
        device = resolve_device(device)
    return _device_name(device if device is not None else jax.devices()[0])
