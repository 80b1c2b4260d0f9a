"""Shared pieces of the application models: input checks, weight download, ImageNet labels."""

import json

import numpy as np

from lamina.backend.common.config import standardize_data_format

WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"


def check_arguments(name, weights, include_top, classes, input_shape, default_size, min_size, channels=3):
    """Validates the shared constructor arguments and returns the input shape to use."""
    if weights not in (None, "imagenet") and not isinstance(weights, str):
        raise ValueError(f"{name}: `weights` must be None, 'imagenet' or a path to a weights file. Received: {weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{name}: with weights='imagenet' and include_top=True, classes must be 1000. Received: {classes}")
    channels_last = standardize_data_format(None) == "channels_last"
    if input_shape is None:
        return (default_size, default_size, channels) if channels_last else (channels, default_size, default_size)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"{name}: input_shape must have 3 entries. Received: input_shape={input_shape}")
    spatial = input_shape[:2] if channels_last else input_shape[1:]
    for d in spatial:
        if d is not None and d < min_size:
            raise ValueError(f"{name}: input height and width must be at least {min_size}. Received: input_shape={input_shape}")
    if weights == "imagenet" and include_top and tuple(spatial) != (default_size, default_size):
        raise ValueError(f"{name}: with ImageNet weights and the top, input_shape must be {default_size}x{default_size}.")
    return input_shape


def load_weights(model, weights, filename, file_hash):
    """Loads ``"imagenet"`` weights (downloaded once and cached) or a weights file path."""
    if weights is None:
        return
    if weights == "imagenet":
        from lamina.utils.file_utils import get_file

        path = get_file(filename, WEIGHTS_BASE + filename.split("_weights")[0].split("_")[0] + "/" + filename,
                        cache_subdir="models", file_hash=file_hash)
    else:
        path = weights
    model.load_weights(path)


def preprocess_input(x, mode="caffe", data_format=None):
    """Scales images the way the ImageNet weights were trained.

    ``caffe``: RGB -> BGR and subtract the ImageNet channel means (VGG, ResNet);
    ``tf``: scale to [-1, 1]; ``torch``: scale to [0, 1] and normalize by the ImageNet mean/std.
    """
    x = np.asarray(x, dtype="float32").copy()
    channels_first = standardize_data_format(data_format) == "channels_first"
    axis = -3 if channels_first else -1
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
        x = x / 255.0
    elif mode == "caffe":
        x = np.flip(x, axis=axis)
        mean, std = np.array([103.939, 116.779, 123.68]), None
    else:
        raise ValueError(f"preprocess_input: mode must be 'caffe', 'tf' or 'torch'. Received: mode={mode!r}")
    shape = [1] * x.ndim
    shape[axis] = 3
    x = x - mean.reshape(shape).astype("float32")
    if std is not None:
        x = x / std.reshape(shape).astype("float32")
    return x


def decode_predictions(preds, top=5, class_index_path=None):
    """Turns ImageNet class probabilities into ``[(class_id, name, score), ...]`` per sample."""
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"decode_predictions expects a batch of 1000 class scores. Received shape {preds.shape}")
    if class_index_path is None:
        from lamina.utils.file_utils import get_file

        class_index_path = get_file("imagenet_class_index.json", CLASS_INDEX_URL, cache_subdir="models",
                                    file_hash="c2c37ea517e94d9795004a39431a14cb")
    with open(class_index_path) as f:
        index = json.load(f)
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1]
        results.append([tuple(index[str(i)]) + (float(row[i]),) for i in best])
    return results
