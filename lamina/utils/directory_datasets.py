"""``text_dataset_from_directory`` and ``audio_dataset_from_directory`` (WAV through the
standard library's ``wave`` module), read without TensorFlow."""

import functools
import wave

import numpy as np

from lamina.utils import dataset_utils


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False, format="tf",
                                verbose=True):
    """A dataset of ``(texts, labels)`` batches read from a folder of ``.txt`` files.

    With ``labels="inferred"`` each subfolder of ``directory`` is a class (sorted
    alphanumerically). Texts come as NumPy string arrays of shape ``(batch_size,)``, ready
    for a ``TextVectorization`` layer.

    Args:
        directory: the folder to read.
        labels: ``"inferred"`` (from the subfolders), ``None`` (texts only), or a list of
            integer labels, one per file in the sorted order of the file paths.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` (exactly two classes) or ``None``.
        class_names: with ``labels="inferred"``, the subfolders to read, in label order.
        batch_size: texts per batch; ``None`` yields single texts.
        max_length: keep at most this many bytes of each file (a character cut in two is
            dropped).
        shuffle: shuffle the files (and reshuffle each epoch); otherwise sorted order.
        seed: seed of the shuffles; needed with ``validation_split`` and ``shuffle``.
        validation_split: fraction of the files held out for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns both datasets).
        follow_links: also walk folders reached through symbolic links.
        format: ``"tf"`` returns a ``lamina.utils.Dataset`` (tf.data's methods, no
            TensorFlow); ``"grain"`` returns a grain ``IterDataset`` (needs grain).
        verbose: print how many files and classes were found.

    Returns:
        A ``lamina.utils.Dataset`` (or grain ``IterDataset``) with ``class_names`` and
        ``file_paths`` attributes, or a tuple ``(train, validation)`` when ``subset="both"``.

    Example:
        >>> ds = lamina.utils.text_dataset_from_directory("reviews/", batch_size=16)  # doctest: +SKIP
        >>> texts, labels = next(iter(ds))  # doctest: +SKIP
    """
    caller = "text_dataset_from_directory"
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int)
                                   or max_length < 1):
        raise ValueError(f"{caller}: `max_length` must be a positive integer or None. "
                         f"Received: max_length={max_length!r}")
    load = functools.partial(_read_text, max_length=max_length)
    return dataset_utils.directory_dataset(
        caller, directory, (".txt",), load, labels, label_mode, class_names, batch_size, shuffle,
        seed, validation_split, subset, follow_links, verbose, format=format)


def _read_text(path, max_length=None):
    with open(path, "rb") as f:
        data = f.read() if max_length is None else f.read(max_length)
    return np.asarray(data.decode("utf-8", errors="ignore" if max_length else "replace"), dtype=object)


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 batch_size=32, sampling_rate=None, output_sequence_length=None,
                                 ragged=False, shuffle=True, seed=None, validation_split=None,
                                 subset=None, follow_links=False, verbose=True):
    """A dataset of ``(audio, labels)`` batches read from a folder of ``.wav`` files.

    Samples are float32 in [-1, 1] of shape ``(batch_size, length, channels)``. PCM WAV
    files of 8, 16, 24 or 32 bits are read; other encodings raise a ValueError naming the
    file.

    Args:
        directory: the folder to read.
        labels: ``"inferred"`` (from the subfolders), ``None`` (audio only), or a list of
            integer labels, one per file in the sorted order of the file paths.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` (exactly two classes) or ``None``.
        class_names: with ``labels="inferred"``, the subfolders to read, in label order.
        batch_size: clips per batch; ``None`` yields single clips.
        sampling_rate: resample every file to this rate (samples per second; needs SciPy
            when a file's rate differs). ``None`` keeps each file's rate.
        output_sequence_length: cut or zero-pad every clip to this many samples; ``None``
            pads each batch to its longest clip.
        ragged: must be False (lamina has no ragged tensors); use the padding instead.
        shuffle: shuffle the files (and reshuffle each epoch); otherwise sorted order.
        seed: seed of the shuffles; needed with ``validation_split`` and ``shuffle``.
        validation_split: fraction of the files held out for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns both datasets).
        follow_links: also walk folders reached through symbolic links.
        verbose: print how many files and classes were found.

    Returns:
        A ``lamina.utils.Dataset`` with ``class_names`` and ``file_paths`` attributes, or a
        tuple ``(train, validation)`` when ``subset="both"``.

    Example:
        >>> ds = lamina.utils.audio_dataset_from_directory(
        ...     "speech/", output_sequence_length=16000)  # doctest: +SKIP
    """
    caller = "audio_dataset_from_directory"
    if ragged:
        raise ValueError(f"{caller}: ragged=True is not supported (lamina has no ragged tensors); "
                         "use `output_sequence_length`, or the default padding to the longest clip "
                         "of each batch.")
    for name, value in (("sampling_rate", sampling_rate), ("output_sequence_length", output_sequence_length)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{caller}: `{name}` must be a positive integer or None. "
                             f"Received: {name}={value!r}")
    load = functools.partial(read_wav, sampling_rate=sampling_rate,
                             output_sequence_length=output_sequence_length)

    def batch(ds, n):
        return ds.padded_batch(n) if output_sequence_length is None else ds.batch(n)

    return dataset_utils.directory_dataset(
        caller, directory, (".wav",), load, labels, label_mode, class_names, batch_size, shuffle,
        seed, validation_split, subset, follow_links, verbose, batch=batch)


def read_wav(path, sampling_rate=None, output_sequence_length=None):
    """Reads a PCM WAV file as float32 ``(samples, channels)`` in [-1, 1]."""
    try:
        with wave.open(str(path), "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            frames = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as e:
        raise ValueError(f"audio_dataset_from_directory: could not decode {path!r} ({e}). Only PCM "
                         "WAV files with 8, 16, 24 or 32-bit integer samples are supported.") from e
    audio = _pcm_to_float(frames, width, path).reshape(-1, channels)
    if sampling_rate is not None and sampling_rate != rate:
        audio = _resample(audio, rate, sampling_rate)
    if output_sequence_length is not None:
        if len(audio) >= output_sequence_length:
            audio = audio[:output_sequence_length]
        else:
            audio = np.pad(audio, ((0, output_sequence_length - len(audio)), (0, 0)))
    return np.ascontiguousarray(audio, dtype="float32")


def _pcm_to_float(frames, width, path):
    raw = np.frombuffer(frames, dtype=np.uint8)
    if width == 1:  # 8-bit WAV is unsigned
        return (raw.astype("float32") - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(frames, dtype="<i2").astype("float32") / 32768.0
    if width == 3:
        b = raw.reshape(-1, 3).astype("int32")
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype("float32") / float(1 << 23)
    if width == 4:
        return (np.frombuffer(frames, dtype="<i4").astype("float64") / float(1 << 31)).astype("float32")
    raise ValueError(f"audio_dataset_from_directory: {path!r} has {8 * width}-bit samples; expected "
                     "8, 16, 24 or 32-bit PCM.")


def _resample(audio, rate_in, rate_out):
    try:
        from scipy import signal
    except ImportError as e:
        raise ImportError("audio_dataset_from_directory: resampling to `sampling_rate` needs SciPy "
                          "(`pip install scipy`), or pass sampling_rate=None.") from e
    from math import gcd

    g = gcd(int(rate_in), int(rate_out))
    return signal.resample_poly(audio, rate_out // g, rate_in // g, axis=0).astype("float32")
