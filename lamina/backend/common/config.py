"""Global configuration: which backend, default float type, epsilon, image layout.

Read once from ``~/.lamina/lamina.json`` (or ``$LAMINA_HOME/lamina.json``) and from the
``LAMINA_BACKEND`` environment variable, which wins over the file.
"""

import json
import os

VALID_BACKENDS = ("jax", "torch")
_VALID_FLOATX = ("float16", "bfloat16", "float32", "float64")
_VALID_IMAGE_FORMATS = ("channels_last", "channels_first")

_config = {
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
    "backend": "jax",
}


def lamina_home():
    return os.path.expanduser(os.environ.get("LAMINA_HOME", os.path.join("~", ".lamina")))


def _load_config_file():
    path = os.path.join(lamina_home(), "lamina.json")
    if not os.path.exists(path):
        return
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ValueError(f"Could not read the lamina config file {path}: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"The lamina config file {path} must hold a JSON object. Received: {data!r}")
    for key in ("floatx", "epsilon", "image_data_format", "backend"):
        if key in data:
            _config[key] = data[key]


def _validate_backend_name(name):
    name = str(name).lower()
    if name not in VALID_BACKENDS:
        raise ValueError(
            f"Unknown lamina backend {name!r}. Valid backends are: {', '.join(VALID_BACKENDS)}. "
            "Set it with the LAMINA_BACKEND environment variable or the 'backend' key of "
            "~/.lamina/lamina.json."
        )
    return name


_load_config_file()
if os.environ.get("LAMINA_BACKEND"):
    _config["backend"] = os.environ["LAMINA_BACKEND"]
_config["backend"] = _validate_backend_name(_config["backend"])


def backend():
    """Returns the name of the backend in use: ``"jax"`` or ``"torch"``."""
    return _config["backend"]


def floatx():
    """Returns the default float type as a string, e.g. ``"float32"``."""
    return _config["floatx"]


def set_floatx(value):
    if value not in _VALID_FLOATX:
        raise ValueError(f"Unknown floatx. Expected one of {_VALID_FLOATX}. Received: floatx={value!r}")
    _config["floatx"] = str(value)


def epsilon():
    """Returns the fuzz factor used in numeric expressions (default 1e-7)."""
    return _config["epsilon"]


def set_epsilon(value):
    _config["epsilon"] = float(value)


def image_data_format():
    """Returns ``"channels_last"`` or ``"channels_first"``."""
    return _config["image_data_format"]


def set_image_data_format(data_format):
    data_format = str(data_format).lower()
    if data_format not in _VALID_IMAGE_FORMATS:
        raise ValueError(
            f"Unknown image_data_format. Expected one of {_VALID_IMAGE_FORMATS}. "
            f"Received: data_format={data_format!r}"
        )
    _config["image_data_format"] = data_format


def standardize_data_format(data_format):
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in _VALID_IMAGE_FORMATS:
        raise ValueError(
            f"Expected data_format to be one of {_VALID_IMAGE_FORMATS}. Received: data_format={data_format!r}"
        )
    return data_format


# -- debugging limits on fit / evaluate / predict --------------------------------------------
def _limit_from_env(variable):
    text = os.environ.get(variable)
    if not text:
        return None
    try:
        return _check_limit(int(text), variable)
    except ValueError as e:
        raise ValueError(f"The environment variable {variable} must be a positive integer. Received: {text!r}") from e


def _check_limit(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: expected a positive integer or None. Received: {value!r}")
    return int(value)


_config["max_epochs"] = _limit_from_env("LAMINA_MAX_EPOCHS")
_config["max_steps_per_epoch"] = _limit_from_env("LAMINA_MAX_STEPS_PER_EPOCH")


def set_max_epochs(max_epochs):
    """Caps the epochs of every ``fit()`` call (None removes the cap); for quick debugging runs.

    The ``LAMINA_MAX_EPOCHS`` environment variable sets it at start-up.

    Example:
        >>> lamina.config.set_max_epochs(2)
        >>> lamina.config.max_epochs()
        2
        >>> lamina.config.set_max_epochs(None)
    """
    _config["max_epochs"] = _check_limit(max_epochs, "set_max_epochs")


def max_epochs():
    """The cap on epochs per ``fit()`` call, or None."""
    return _config["max_epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the steps of every epoch of ``fit()`` and of every ``evaluate()`` and ``predict()``
    call (None removes the cap); for quick debugging runs.

    The ``LAMINA_MAX_STEPS_PER_EPOCH`` environment variable sets it at start-up.
    """
    _config["max_steps_per_epoch"] = _check_limit(max_steps_per_epoch, "set_max_steps_per_epoch")


def max_steps_per_epoch():
    """The cap on steps per epoch (and per evaluate/predict call), or None."""
    return _config["max_steps_per_epoch"]
