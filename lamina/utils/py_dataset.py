"""``PyDataset`` (alias ``Sequence``): a dataset of batches indexed by number."""

import queue


class PyDataset:
    """Base class for datasets that return one batch per index.

    Subclasses implement ``__len__`` (the number of batches) and ``__getitem__(index)``
    (returning ``x``, ``(x, y)`` or ``(x, y, sample_weight)``), and may implement
    ``on_epoch_end``. ``fit`` loads batches ahead of the training step in ``workers``
    threads (or processes with ``use_multiprocessing=True``), keeping at most
    ``max_queue_size`` batches waiting.

    Args:
        workers: how many loaders run at once (1 loads in a single background thread).
        use_multiprocessing: load batches in worker processes; the dataset must pickle.
        max_queue_size: the most batches loaded ahead of the step.

    Example:
        >>> class Squares(lamina.utils.PyDataset):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         x = np.full((8, 1), i, "float32")
        ...         return x, x ** 2
        >>> model = lamina.Sequential([lamina.Input((1,)), lamina.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.fit(Squares(), epochs=1, verbose=0)
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    @property
    def num_batches(self):
        """The number of batches per epoch (``len(self)``), or None when unknown."""
        try:
            return len(self)
        except TypeError:
            return None

    def on_epoch_begin(self):
        """Called at the start of each epoch."""

    def on_epoch_end(self):
        """Called at the end of each epoch (e.g. to reshuffle)."""


Sequence = PyDataset


def iterate_py_dataset(dataset, shuffle=False):
    """Yields the batches of ``dataset`` in order, loading ahead with its workers."""
    import numpy as np

    n = dataset.num_batches
    indices = range(n) if n is not None else _count()
    if shuffle and n is not None:
        indices = list(np.random.permutation(n))
    workers = max(1, int(getattr(dataset, "workers", 1) or 1))
    use_mp = bool(getattr(dataset, "use_multiprocessing", False))
    if workers <= 1 and not use_mp:
        for i in indices:
            try:
                yield dataset[int(i)]
            except IndexError:
                if n is None:
                    return
                raise
        return
    yield from _iterate_with_pool(dataset, indices, workers, use_mp,
                                  max(1, int(getattr(dataset, "max_queue_size", 10) or 10)))


def _count():
    i = 0
    while True:
        yield i
        i += 1


def _iterate_with_pool(dataset, indices, workers, use_mp, max_queue_size):
    from concurrent import futures

    pool_cls = futures.ProcessPoolExecutor if use_mp else futures.ThreadPoolExecutor
    pending = queue.Queue()
    with pool_cls(max_workers=workers) as pool:
        it = iter(indices)
        for i in it:
            pending.put(pool.submit(dataset.__getitem__, int(i)))
            if pending.qsize() >= max_queue_size:
                break
        while not pending.empty():
            batch = pending.get().result()
            nxt = next(it, _DONE)
            if nxt is not _DONE:
                pending.put(pool.submit(dataset.__getitem__, int(nxt)))
            yield batch


_DONE = object()
