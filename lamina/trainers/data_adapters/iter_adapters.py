"""Batches from iterables: Python generators, ``PyDataset``, torch ``DataLoader``,
``tf.data.Dataset`` and grain datasets (duck-typed, so none of those libraries is imported
here)."""

import itertools

from lamina.trainers.data_adapters import data_utils


class IterableDataAdapter:
    """Yields the batches of an iterable, converted to NumPy.

    Args:
        iterable_factory: a callable returning a fresh iterator for one epoch.
        num_batches: batches per epoch when known, else ``None``.
        reiterable: whether a new epoch can start a new pass over the data.
        on_epoch_end: optional callable run after each epoch.
    """

    def __init__(self, iterable_factory, num_batches=None, reiterable=True, on_epoch_end=None,
                 class_weight=None, source="data"):
        self._factory = iterable_factory
        self.num_batches = num_batches
        self.reiterable = reiterable
        self._on_epoch_end = on_epoch_end
        self._class_weight = class_weight
        self._source = source
        self._iterator = None

    def _convert(self, batch):
        batch = data_utils.numpy_structure(batch)
        data_utils.check_batch_sizes(batch, self._source)
        if self._class_weight is not None:
            x, y, sw = data_utils.unpack_x_y_sample_weight(batch)
            if y is None:
                raise ValueError(f"`class_weight` needs targets, but the {self._source} yields no `y`.")
            cw = data_utils.class_weight_to_sample_weight(y, self._class_weight)
            batch = (x, y, cw if sw is None else sw * cw)
        return batch

    def iter_batches(self):
        peeked, self._peeked = getattr(self, "_peeked", None), None
        if peeked is not None:
            yield peeked
        elif self._iterator is None or self.reiterable:
            self._iterator = iter(self._factory())
        for batch in self._iterator:
            yield self._convert(batch)

    def peek(self):
        """The first batch, without consuming it from a one-pass generator."""
        if getattr(self, "_peeked", None) is not None:
            return self._peeked
        if self._iterator is None or self.reiterable:
            self._iterator = iter(self._factory())
        for batch in self._iterator:
            self._peeked = self._convert(batch)
            return self._peeked
        return None

    def iter_units(self, get_k, max_steps=None):
        batches = self.iter_batches()
        if max_steps is not None:
            batches = itertools.islice(batches, max_steps)
        for batch in batches:
            yield 1, batch, False

    def on_epoch_end(self):
        if self._on_epoch_end is not None:
            self._on_epoch_end()


def generator_adapter(generator, class_weight=None):
    """A Python generator or iterator: one pass, consumed across epochs."""
    return IterableDataAdapter(lambda: generator, num_batches=None, reiterable=False,
                               class_weight=class_weight, source="generator")


def torch_dataloader_adapter(loader, class_weight=None):
    try:
        n = len(loader)
    except TypeError:
        n = None
    return IterableDataAdapter(lambda: iter(loader), num_batches=n, reiterable=True,
                               class_weight=class_weight, source="DataLoader")


def tf_dataset_adapter(dataset, class_weight=None):
    n = None
    try:
        card = int(dataset.cardinality())
        n = card if card >= 0 else None
    except Exception:
        n = None
    # Also serves lamina.utils.Dataset, which offers the same two methods.
    source = "tf.data.Dataset" if type(dataset).__module__.startswith("tensorflow") else type(dataset).__name__
    return IterableDataAdapter(dataset.as_numpy_iterator, num_batches=n, reiterable=True,
                               class_weight=class_weight, source=source)


def grain_adapter(dataset, class_weight=None):
    """A grain ``MapDataset``/``IterDataset``/``DataLoader`` yielding batches; each epoch is a
    new pass. Like Keras, the number of batches is left unknown (grain datasets may repeat)."""
    return IterableDataAdapter(lambda: iter(dataset), num_batches=None, reiterable=True,
                               class_weight=class_weight, source=f"grain {type(dataset).__name__}")


def py_dataset_adapter(dataset, class_weight=None, shuffle=False):
    """A ``lamina.utils.PyDataset``: indexed batches, optionally loaded by workers."""
    from lamina.utils.py_dataset import iterate_py_dataset

    return IterableDataAdapter(lambda: iterate_py_dataset(dataset, shuffle=shuffle),
                               num_batches=dataset.num_batches, reiterable=True,
                               on_epoch_end=dataset.on_epoch_end, class_weight=class_weight,
                               source="PyDataset")
