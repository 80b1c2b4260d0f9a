"""Loading, converting and saving images with Pillow (``utils.load_img``, ``img_to_array`` ...)."""

import io
import os

import numpy as np

from lamina.backend.common.config import floatx, standardize_data_format

_RESAMPLE = {"nearest": 0, "bilinear": 2, "bicubic": 3, "lanczos": 1, "box": 4, "hamming": 5}


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("Image utilities need Pillow. Install it with: pip install 'lamina[image]'") from e
    return Image


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image file as a PIL image.

    Args:
        path: file path, path-like or a binary file object.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``.
        target_size: ``(height, width)`` to resize to, or None.
        interpolation: ``nearest``, ``bilinear``, ``bicubic``, ``lanczos``, ``box`` or ``hamming``.
        keep_aspect_ratio: center-crop to the target aspect ratio before resizing.

    Example:
        >>> import os, tempfile
        >>> from PIL import Image
        >>> path = os.path.join(tempfile.mkdtemp(), "cat.png")
        >>> Image.new("RGB", (32, 16), (255, 0, 0)).save(path)
        >>> img = lamina.utils.load_img(path, target_size=(224, 224))
        >>> ops.shape(lamina.utils.img_to_array(img))
        (224, 224, 3)
    """
    Image = _pil()
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError(f"load_img: color_mode must be 'rgb', 'rgba' or 'grayscale'. Received: {color_mode!r}")
    if interpolation not in _RESAMPLE:
        raise ValueError(f"load_img: invalid interpolation {interpolation!r}. Expected one of {sorted(_RESAMPLE)}")
    if isinstance(path, io.BytesIO) or hasattr(path, "read"):
        img = Image.open(path)
    else:
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"load_img: no such image file: {path!r}")
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    mode = {"rgb": "RGB", "rgba": "RGBA", "grayscale": "L"}[color_mode]
    if img.mode != mode:
        img = img.convert(mode)
    if target_size is not None:
        height, width = target_size
        if (img.size[0], img.size[1]) != (width, height):
            if keep_aspect_ratio:
                w, h = img.size
                crop_w, crop_h = min(w, int(h * width / height)), min(h, int(w * height / width))
                left, top = (w - crop_w) // 2, (h - crop_h) // 2
                img = img.crop((left, top, left + crop_w, top + crop_h))
            img = img.resize((width, height), _RESAMPLE[interpolation])
    return img


def img_to_array(img, data_format=None, dtype=None):
    """Converts a PIL image to a NumPy array ``(height, width, channels)`` (or channels first).

    ``dtype`` defaults to ``lamina.config.floatx()``.
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or floatx())
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts a 3-D array to a PIL image (rescaled to 0..255 when ``scale``); ``dtype`` defaults to floatx."""
    Image = _pil()
    x = np.asarray(x, dtype=dtype or floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected a rank-3 array. Received shape {x.shape}")
    if standardize_data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - x.min()
        peak = x.max()
        if peak > 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError(f"array_to_img: unsupported number of channels {channels}")
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    data = x.astype("uint8")
    return Image.fromarray(data[:, :, 0] if channels == 1 else data, mode)


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array as an image file (written to a temporary file, then renamed)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format in ("jpg", "jpeg") or str(path).lower().endswith((".jpg", ".jpeg"))):
        img = img.convert("RGB")
    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}"
    fmt = file_format or os.path.splitext(path)[1].lstrip(".") or "png"
    fmt = {"jpg": "jpeg"}.get(fmt.lower(), fmt)
    try:
        img.save(tmp, format=fmt, **kwargs)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
