"""``lamina.models``: Model, Sequential, Functional, and model-level helpers."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.models.cloning import clone_model
from lamina.saving.saving_api import load_model, save_model


def model_from_json(json_string, custom_objects=None):
    """Rebuilds a model (with new weights) from ``model.to_json()`` output.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    >>> clone = lamina.models.model_from_json(model.to_json())
    """
    import json

    from lamina.saving.serialization_lib import deserialize_keras_object

    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as e:
        raise ValueError(f"model_from_json: the string is not valid JSON ({e}).") from e
    return deserialize_keras_object(config, custom_objects=custom_objects)
