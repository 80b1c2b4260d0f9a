"""``lamina.optimizers``: gradient-descent optimizers with the Keras 3 API.

Example:
    >>> opt = lamina.optimizers.get("adam")
    >>> opt.learning_rate = 0.01
"""

from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adafactor import Adafactor
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.base_optimizer import Optimizer
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lamb import Lamb
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.muon import Muon
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from lamina.optimizers.sgd import SGD

_BUILTINS = (Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, Muon, Nadam, RMSprop,
             ScheduleFreeAdamW, SGD)
_BY_NAME = {cls.__name__.lower(): cls for cls in _BUILTINS}

__all__ = [cls.__name__ for cls in _BUILTINS] + ["LossScaleOptimizer", "Optimizer", "deserialize", "get", "schedules", "serialize"]


def serialize(optimizer):
    """The optimizer's Keras-style config dict (``module``, ``class_name``, ``config``...).

    Example:
        >>> lamina.optimizers.serialize(lamina.optimizers.SGD())["class_name"]
        'SGD'
    """
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Rebuilds an optimizer from ``serialize`` output or a name (``"adam"``, ``"Adam"``).

    Example:
        >>> lamina.optimizers.deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}})
        <Adam name=adam, built=False>
    """
    from lamina.saving import serialization_lib

    if isinstance(config, str):
        return get(config)
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        cls = _BY_NAME.get(config["class_name"].lower())
        if cls is not None and config["class_name"] != cls.__name__ and not config.get("registered_name"):
            config = dict(config, class_name=cls.__name__)
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects,
                                                      module_objects={c.__name__: c for c in _BUILTINS + (LossScaleOptimizer,)})


def get(identifier):
    """Returns an optimizer from a name, a config dict, or an optimizer instance (returned as is).

    Args:
        identifier: ``"adam"``, ``"sgd"``, ``"rmsprop"`` ... (any case), a config dict, or an ``Optimizer``.

    Example:
        >>> float(lamina.optimizers.get("rmsprop").learning_rate)
        0.001
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"lamina.optimizers.get: unknown optimizer {identifier!r}. Known names: "
                             f"{sorted(_BY_NAME)}")
        return cls()
    raise ValueError(f"lamina.optimizers.get: could not interpret optimizer identifier {identifier!r}; expected "
                     "a name, a config dict or an Optimizer instance.")
