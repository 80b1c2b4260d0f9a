"""``image_dataset_from_directory`` and ``smart_resize``: images decoded by Pillow in worker
threads and resized in NumPy (no TensorFlow)."""

import functools

import numpy as np

from lamina.utils import dataset_utils

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
                  "mitchellcubic")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256), shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                                 data_format=None, format="tf", verbose=True):
    """A dataset of ``(images, labels)`` batches read from a folder of image files.

    With ``labels="inferred"`` each subfolder of ``directory`` is a class (sorted
    alphanumerically); ``.bmp``, ``.gif``, ``.jpeg``, ``.jpg`` and ``.png`` files are read
    (the first frame of a GIF). Images are decoded in worker threads, resized to
    ``image_size`` and returned as float32 (values 0-255).

    Args:
        directory: the folder to read.
        labels: ``"inferred"`` (from the subfolders), ``None`` (images only), or a list of
            integer labels, one per file in the sorted order of the file paths.
        label_mode: ``"int"`` (int32 ids), ``"categorical"`` (one-hot float32),
            ``"binary"`` (float32 of shape ``(batch, 1)``; exactly two classes) or ``None``.
        class_names: with ``labels="inferred"``, the subfolders to read, in label order.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"`` (1, 3 or 4 channels).
        batch_size: images per batch; ``None`` yields single images.
        image_size: ``(height, width)`` (or one int) to resize every image to.
        shuffle: shuffle the files (and reshuffle each epoch); otherwise sorted order.
        seed: seed of the shuffles; needed with ``validation_split`` and ``shuffle``.
        validation_split: fraction of the files held out for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns both datasets).
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"area"``,
            ``"lanczos3"``, ``"lanczos5"``, ``"gaussian"`` or ``"mitchellcubic"``.
        follow_links: also walk folders reached through symbolic links.
        crop_to_aspect_ratio: crop the largest centred window with the target aspect ratio
            before resizing, so images are not distorted.
        pad_to_aspect_ratio: pad (with zeros) to the target aspect ratio before resizing.
        data_format: ``"channels_last"`` or ``"channels_first"``; default the config's.
        format: ``"tf"`` returns a ``lamina.utils.Dataset`` (tf.data's methods, no
            TensorFlow); ``"grain"`` returns a grain ``IterDataset`` (needs grain).
        verbose: print how many files and classes were found.

    Returns:
        A ``lamina.utils.Dataset`` (or grain ``IterDataset``) with ``class_names`` and
        ``file_paths`` attributes, or a tuple ``(train, validation)`` when ``subset="both"``.

    Example:
        >>> ds = lamina.utils.image_dataset_from_directory("photos/", image_size=(64, 64),
        ...                                               batch_size=8)  # doctest: +SKIP
        >>> images, labels = next(iter(ds))  # doctest: +SKIP
        >>> images.shape, labels.dtype  # doctest: +SKIP
        ((8, 64, 64, 3), dtype('int32'))
    """
    caller = "image_dataset_from_directory"
    if color_mode not in _CHANNELS:
        raise ValueError(f"{caller}: `color_mode` must be 'grayscale', 'rgb' or 'rgba'. "
                         f"Received: color_mode={color_mode!r}")
    image_size = _check_size(image_size, caller, "image_size")
    interpolation = str(interpolation).lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{caller}: `interpolation` must be one of {INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{caller}: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` "
                         "can be True.")
    from lamina import backend

    data_format = backend.standardize_data_format(data_format)
    load = functools.partial(load_image, image_size=image_size, num_channels=_CHANNELS[color_mode],
                             interpolation=interpolation, data_format=data_format,
                             crop_to_aspect_ratio=crop_to_aspect_ratio,
                             pad_to_aspect_ratio=pad_to_aspect_ratio)
    return dataset_utils.directory_dataset(
        caller, directory, ALLOWED_FORMATS, load, labels, label_mode, class_names, batch_size,
        shuffle, seed, validation_split, subset, follow_links, verbose, format=format)


def _check_size(size, caller, name):
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (not isinstance(size, (list, tuple)) or len(size) != 2
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size)):
        raise ValueError(f"{caller}: `{name}` must be a tuple of 2 positive integers (height, width). "
                         f"Received: {name}={size!r}")
    return int(size[0]), int(size[1])


def load_image(path, image_size, num_channels=3, interpolation="bilinear",
               data_format="channels_last", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """Reads one image file as a float32 array resized to ``image_size``."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("image_dataset_from_directory needs Pillow to decode images: "
                          "`pip install Pillow` (or lamina[image]).") from e

    mode = {1: "L", 3: "RGB", 4: "RGBA"}[num_channels]
    try:
        with Image.open(path) as img:
            if not (num_channels == 1 and img.mode in ("L", "I;16", "I")) and img.mode != mode:
                img = img.convert(mode)
            array = np.asarray(img, dtype="float32")
    except OSError as e:
        raise ValueError(f"image_dataset_from_directory: could not decode image file {path!r}: {e}") from e
    if array.ndim == 2:
        array = array[:, :, None]
    if crop_to_aspect_ratio:
        array = _crop_to_aspect(array, image_size)
    elif pad_to_aspect_ratio:
        array = _pad_to_aspect(array, image_size)
    array = resize_array(array, image_size, interpolation)
    if data_format == "channels_first":
        array = np.ascontiguousarray(array.transpose(2, 0, 1))
    return array


def _crop_to_aspect(image, size):
    height, width = image.shape[:2]
    crop_h = max(min(height, int(float(width * size[0]) / size[1])), 1)
    crop_w = max(min(width, int(float(height * size[1]) / size[0])), 1)
    top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    return image[top:top + crop_h, left:left + crop_w]


def _pad_to_aspect(image, size):
    height, width = image.shape[:2]
    pad_h = max(height, int(float(width * size[0]) / size[1]))
    pad_w = max(width, int(float(height * size[1]) / size[0]))
    top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
    if top == 0 and left == 0:
        return image
    return np.pad(image, ((top, top), (left, left), (0, 0)))


@functools.lru_cache(maxsize=256)
def _axis_weights(in_size, out_size, interpolation):
    from lamina.ops._image_sampling import resize_weights

    if interpolation == "nearest":
        index = np.floor((np.arange(out_size, dtype=np.float32) + 0.5) * np.float32(in_size / out_size))
        return np.minimum(index, in_size - 1).astype("int64")
    return np.ascontiguousarray(resize_weights(in_size, out_size, interpolation, False).T)


def resize_array(image, size, interpolation="bilinear"):
    """Resizes a ``(height, width, channels)`` float32 NumPy image, as ``ops.image.resize`` does
    (half-pixel centres, no antialiasing; ``"area"`` averages)."""
    for axis, target in ((0, size[0]), (1, size[1])):
        if image.shape[axis] == target:
            continue
        weights = _axis_weights(image.shape[axis], target, interpolation)
        if interpolation == "nearest":
            image = np.take(image, weights, axis=axis)
        elif axis == 0:
            image = np.tensordot(weights, image, axes=(1, 0))
        else:
            image = np.tensordot(weights, image, axes=(1, 1)).transpose(1, 0, 2)
    return np.ascontiguousarray(image, dtype="float32")


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resizes images to ``size`` without distorting them: crops the largest centred window
    with the target aspect ratio, then resizes it.

    Args:
        x: an image ``(height, width, channels)`` or a batch of them (NumPy or tensor);
            channels first with ``data_format="channels_first"``.
        size: ``(height, width)`` of the output.
        interpolation: ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"area"``,
            ``"lanczos3"`` or ``"lanczos5"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        The resized images: a NumPy array for NumPy input, else a backend tensor.

    Example:
        >>> smart_resize(np.ones((340, 500, 3)), (200, 200)).shape
        (200, 200, 3)
    """
    from lamina import backend, ops

    size = _check_size(size, "smart_resize", "size")
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    if len(shape) not in (3, 4):
        raise ValueError("smart_resize: expected an image (height, width, channels) or a batch "
                         f"(batch, height, width, channels). Received: x with shape {tuple(shape)}")
    out = ops.image.resize(x, size, interpolation=interpolation, crop_to_aspect_ratio=True,
                           data_format=data_format)
    if isinstance(x, np.ndarray):
        return backend.convert_to_numpy(out)
    return out
