"""Saving and loading: configs, whole-model archives, weights and checkpoints."""

from lamina.saving.checkpoint import Checkpoint, CheckpointReader, latest_checkpoint, load_checkpoint
from lamina.saving.file_editor import KerasFileEditor
from lamina.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.saving_api import load_model, load_weights, save_model, save_weights
from lamina.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
