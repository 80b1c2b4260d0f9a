"""Shared pieces of the application models: input checks, weight download, ImageNet labels."""

import json

import numpy as np

from lamina.backend.common.config import standardize_data_format

WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"


def check_arguments(name, weights, include_top, classes, input_shape, default_size, min_size, channels=3,
                    pooling=None):
    """Validates the shared constructor arguments and returns the input shape to use."""
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"{name}: `pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    if weights not in (None, "imagenet") and not isinstance(weights, str):
        raise ValueError(f"{name}: `weights` must be None, 'imagenet' or a path to a weights file. Received: {weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{name}: with weights='imagenet' and include_top=True, classes must be 1000. Received: {classes}")
    channels_last = standardize_data_format(None) == "channels_last"
    if input_shape is None:
        # Without the top, the model takes any image size (as Keras's applications do).
        size = default_size if include_top else None
        return (size, size, channels) if channels_last else (channels, size, size)
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


def load_weights(model, weights, filename, file_hash, folder=None):
    """Loads ``"imagenet"`` weights (downloaded once and cached) or a weights file path.

    The file is fetched from ``WEIGHTS_BASE/<folder>/<filename>``; ``folder`` defaults to the
    model name that starts ``filename``.
    """
    if weights is None:
        return
    if weights == "imagenet":
        from lamina.utils.file_utils import get_file

        folder = folder or filename.split("_weights")[0].split("_")[0]
        path = get_file(filename, WEIGHTS_BASE + folder + "/" + filename, cache_subdir="models", file_hash=file_hash)
    else:
        path = weights
    model.load_weights(path)


def image_input(input_tensor, input_shape):
    """Returns ``(x, inputs)``: the tensor the network starts from and the model's inputs.

    ``input_tensor`` may be any symbolic tensor; the model's inputs are then the ``Input``
    tensors it is computed from. A concrete array becomes the value of a new ``Input``.
    """
    from lamina.backend.common.keras_tensor import is_keras_tensor
    from lamina.layers.core.input_layer import Input

    if input_tensor is None:
        x = Input(shape=input_shape)
        return x, x
    if not is_keras_tensor(input_tensor):
        x = Input(shape=input_shape, tensor=input_tensor)
        return x, x
    sources, stack, seen = [], [input_tensor], set()
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if node.is_input:
            if id(t) not in seen:
                seen.add(id(t))
                sources.append(t)
        else:
            stack.extend(reversed(node.input_tensors))
    return input_tensor, sources[0] if len(sources) == 1 else sources


def check_classifier_activation(name, classifier_activation, weights):
    """Pretrained heads were trained with softmax: only ``softmax`` or ``None`` fit them."""
    if weights is None:
        return
    from lamina import activations

    if activations.get(classifier_activation) not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(f"{name}: with pretrained weights, classifier_activation must be 'softmax' or None. "
                         f"Received: classifier_activation={classifier_activation!r}")


def correct_pad(x, kernel_size, data_format=None):
    """The ``ZeroPadding2D`` padding that makes a stride-2 'valid' convolution act like TF's 'same'."""
    channels_first = standardize_data_format(data_format) == "channels_first"
    size = x.shape[2:4] if channels_first else x.shape[1:3]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


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
