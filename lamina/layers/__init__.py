"""``lamina.layers``: every built-in layer, plus ``Layer`` and ``InputSpec``."""

from lamina.layers.core.activation import Activation, Identity
from lamina.layers.core.dense import Dense
from lamina.layers.core.dropout import Dropout
from lamina.layers.core.embedding import Embedding
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.core.lambda_layer import Lambda
from lamina.layers.core.masking import Masking
from lamina.layers.core.native_wrappers import FlaxLayer, JaxLayer, TorchModuleWrapper
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.core.time_distributed import TimeDistributed
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

# Each family package lists its public classes in __all__.
from lamina.layers.activations import *  # noqa: E402,F401,F403
from lamina.layers.attention import *  # noqa: E402,F401,F403
from lamina.layers.audio import *  # noqa: E402,F401,F403
from lamina.layers.convolutional import *  # noqa: E402,F401,F403
from lamina.layers.merging import *  # noqa: E402,F401,F403
from lamina.layers.normalization import *  # noqa: E402,F401,F403
from lamina.layers.pooling import *  # noqa: E402,F401,F403
from lamina.layers.preprocessing import *  # noqa: E402,F401,F403
from lamina.layers.regularization import *  # noqa: E402,F401,F403
from lamina.layers.reshaping import *  # noqa: E402,F401,F403
from lamina.layers.rnn import *  # noqa: E402,F401,F403


def serialize(layer):
    """The config dict of ``layer`` (``{"module", "class_name", "config", ...}``)."""
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Rebuilds a layer from ``serialize(layer)`` output."""
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)
