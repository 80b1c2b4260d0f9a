"""``timeseries_dataset_from_array``: sliding windows over an array, as a ``Dataset``."""

import numpy as np

from lamina.utils import dataset_utils
from lamina.utils.dataset import Dataset


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None,
                                  end_index=None, format="tf"):
    """A dataset of sliding windows over ``data`` (with their targets).

    Window ``i`` starts at ``start_index + i * sequence_stride`` and holds
    ``sequence_length`` steps taken every ``sampling_rate`` steps, all before
    ``end_index``. Its target is ``targets[start_index + i * sequence_stride]``.

    Args:
        data: an array (or list) whose first axis is time.
        targets: the target of each start step (``targets[j]`` pairs with the window
            starting at step ``j``), or ``None`` to yield windows only.
        sequence_length: steps per window.
        sequence_stride: steps between the starts of consecutive windows.
        sampling_rate: steps between two samples within a window.
        batch_size: windows per batch; ``None`` yields single windows.
        shuffle: shuffle the windows (and reshuffle each epoch).
        seed: seed of the shuffles.
        start_index: first step used (inclusive); default 0.
        end_index: steps at or after it are not used; default ``len(data)``.
        format: ``"tf"`` returns a ``lamina.utils.Dataset`` (tf.data's methods, no
            TensorFlow); ``"grain"`` returns a grain ``IterDataset`` (needs grain).

    Returns:
        A dataset of ``(windows, targets)`` batches (or ``windows``).

    Example:
        >>> ds = lamina.utils.timeseries_dataset_from_array(
        ...     np.arange(10), None, sequence_length=3, sequence_stride=2, batch_size=None)
        >>> [w.tolist() for w in ds]
        [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    """
    caller = "timeseries_dataset_from_array"
    dataset_utils.check_format(caller, format)
    data = data if isinstance(data, np.ndarray) else np.asarray(data)
    n = len(data)
    for name, value in (("sequence_length", sequence_length), ("sequence_stride", sequence_stride),
                        ("sampling_rate", sampling_rate)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{caller}: `{name}` must be a positive integer. Received: {name}={value!r}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value >= n:
            raise ValueError(f"{caller}: `{name}` must be lower than the length of the data. "
                             f"Received: {name}={value}, for data of length {n}")
    if start_index is not None and not 0 <= start_index < n:
        raise ValueError(f"{caller}: `start_index` must be in [0, {n}) for data of length {n}. "
                         f"Received: start_index={start_index}")
    if end_index is not None:
        if not 0 < end_index < n:
            raise ValueError(f"{caller}: `end_index` must be in (0, {n}) for data of length {n}. "
                             f"Received: end_index={end_index}")
        if start_index is not None and end_index <= start_index:
            raise ValueError(f"{caller}: `end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, end_index={end_index}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                   or batch_size < 1):
        raise ValueError(f"{caller}: `batch_size` must be a positive integer or None. Received: "
                         f"batch_size={batch_size!r}")
    start = 0 if start_index is None else int(start_index)
    end = n if end_index is None else int(end_index)
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = targets if isinstance(targets, np.ndarray) else np.asarray(targets)
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, max(num_seqs, 0), sequence_stride, dtype="int64")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    offsets = np.arange(sequence_length, dtype="int64") * sampling_rate
    window_data = data[start:end]
    target_data = None if targets is None else targets[start:]

    if format == "grain":
        grain = dataset_utils.import_grain(caller)
        windows = [window_data[p + offsets] for p in positions]
        items = windows if target_data is None else [(w, target_data[p]) for w, p in zip(windows, positions)]
        ds = grain.MapDataset.source(items)
        if shuffle:
            ds = ds.shuffle(seed=int(seed))
        ds = ds.to_iter_dataset()
        return ds if batch_size is None else ds.batch(batch_size)

    def make():
        for p in positions:
            window = window_data[p + offsets]
            yield window if target_data is None else (window, target_data[p])

    ds = Dataset(make, len(positions))
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return ds
