"""Automatic unique names (``dense``, ``dense_1``, ...), as Keras 3 gives them."""

import re
import threading

_state = threading.local()


def _counters():
    counters = getattr(_state, "counters", None)
    if counters is None:
        counters = _state.counters = {}
    return counters


def to_snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)  # "Conv2D" -> "conv2d", as Keras
    return name.lower()


def uniquify(prefix):
    """Returns ``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ..."""
    counters = _counters()
    count = counters.get(prefix, 0)
    counters[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def get_uid(prefix=""):
    """The number of times ``prefix`` has been used for a name, counting this call (1 the first time).

    It shares the counters of automatic layer names, as ``keras.backend.get_uid`` does.

    Example:
        >>> lamina.backend.get_uid("my_block")
        1
        >>> lamina.backend.get_uid("my_block")
        2
    """
    counters = _counters()
    counters[prefix] = counters.get(prefix, 0) + 1
    return counters[prefix]


def auto_name(class_name):
    return uniquify(to_snake_case(class_name))


def reset_names():
    _counters().clear()


def validate_name(name, what="name"):
    if not isinstance(name, str) or not name:
        raise ValueError(f"Expected {what} to be a non-empty string. Received: {what}={name!r}")
    if "/" in name:
        raise ValueError(f"Names may not contain '/'. Received: {what}={name!r}")
    return name
