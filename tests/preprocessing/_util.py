import numpy as np

import lamina


def npy(x):
    return np.asarray(lamina.ops.convert_to_numpy(x)) if not isinstance(x, np.ndarray) else x


def config_round_trip(layer):
    """A fresh layer from the config (directly and through serialize/deserialize)."""
    from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    again = deserialize_keras_object(serialize_keras_object(layer))
    assert type(again) is type(layer)
    return clone
