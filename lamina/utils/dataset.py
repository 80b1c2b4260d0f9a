"""``Dataset``: a small host-side input pipeline with the chaining methods of ``tf.data``.

The ``*_dataset_from_directory`` and ``timeseries_dataset_from_array`` helpers return one.
Elements are NumPy arrays, or tuples/dicts of them; ``fit``, ``evaluate`` and ``predict``
consume a dataset directly. Nothing here imports TensorFlow.
"""

import collections
import os
import queue
import threading

import numpy as np

INFINITE = -1
UNKNOWN = -2
AUTOTUNE = -1


class Dataset:
    """A re-iterable pipeline of NumPy elements, built by chaining transformations.

    Create one with ``Dataset.from_tensor_slices`` (or a ``*_dataset_from_directory``
    helper) and chain ``map``, ``filter``, ``batch``, ``padded_batch``, ``unbatch``,
    ``shuffle``, ``take``, ``skip``, ``repeat``, ``cache`` and ``prefetch``; each returns a new
    dataset and leaves this one unchanged. Every ``iter(ds)`` is a fresh pass.
    ``len(ds)`` is the number of elements (batches, once batched) when known.

    Example:
        >>> ds = lamina.utils.Dataset.from_tensor_slices((np.arange(10), np.arange(10) * 2))
        >>> ds = ds.map(lambda x, y: (x + 1, y)).batch(4)
        >>> len(ds)
        3
        >>> [x.tolist() for x, y in ds]
        [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    """

    AUTOTUNE = AUTOTUNE

    def __init__(self, make_iterator, cardinality, batch_size=None):
        # Private: use from_tensor_slices or a transformation to build a Dataset.
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)
        self._batch_size = batch_size

    # -- sources ------------------------------------------------------------------------
    @classmethod
    def from_tensor_slices(cls, tensors):
        """A dataset whose elements are the slices of ``tensors`` along their first axis.

        Args:
            tensors: an array, or a tuple/dict of arrays (or lists) of the same length.
        """
        data = _map_structure(_as_array, tensors)
        leaves = _leaves(data)
        if not leaves:
            raise ValueError("Dataset.from_tensor_slices: expected at least one array. Received: "
                             f"tensors={tensors!r}")
        lengths = {leaf.shape[0] if leaf.ndim else None for leaf in leaves}
        if None in lengths or len(lengths) != 1:
            raise ValueError("Dataset.from_tensor_slices: every array needs the same first dimension. "
                             f"Received shapes: {[leaf.shape for leaf in leaves]}")
        n = lengths.pop()

        def make():
            for i in range(n):
                yield _map_structure(lambda a: a[i], data)

        return cls(make, n)

    # -- iteration ----------------------------------------------------------------------
    def __iter__(self):
        return iter(self._make_iterator())

    def as_numpy_iterator(self):
        """An iterator over the elements (already NumPy); the name tf.data users know."""
        return iter(self)

    def cardinality(self):
        """The number of elements: ``-1`` when infinite, ``-2`` when unknown."""
        return self._cardinality

    def __len__(self):
        if self._cardinality == INFINITE:
            raise TypeError("The dataset is infinite (it repeats forever); it has no length.")
        if self._cardinality == UNKNOWN:
            raise TypeError("The dataset's length is unknown (e.g. after `filter` or `unbatch`).")
        return self._cardinality

    def __repr__(self):
        size = {INFINITE: "infinite", UNKNOWN: "unknown"}.get(self._cardinality, self._cardinality)
        return f"<Dataset cardinality={size}>"

    def _derive(self, make_iterator, cardinality, batch_size=None):
        return Dataset(make_iterator, cardinality, batch_size)

    # -- element-wise -------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None):
        """Applies ``map_func`` to each element; a tuple element is unpacked into arguments.

        Args:
            map_func: a function of one element (or of its tuple's items).
            num_parallel_calls: ``None`` to run in this thread, or how many worker threads run
                ``map_func`` at once (``Dataset.AUTOTUNE``: one per CPU). Order is kept.
        """
        if not callable(map_func):
            raise TypeError(f"Dataset.map: `map_func` must be callable. Received: {map_func!r}")
        workers = _num_workers(num_parallel_calls, "map")
        parent = self

        def call(element):
            out = map_func(*element) if isinstance(element, tuple) else map_func(element)
            return _map_structure(_as_array, out)

        def make():
            if workers <= 1:
                return (call(e) for e in parent)
            return _ordered_parallel_map(call, parent, workers)

        return self._derive(make, self._cardinality, self._batch_size)

    def filter(self, predicate):
        """Keeps the elements for which ``predicate`` (called like ``map_func``) is true."""
        if not callable(predicate):
            raise TypeError(f"Dataset.filter: `predicate` must be callable. Received: {predicate!r}")
        parent = self

        def keep(e):
            return bool(predicate(*e) if isinstance(e, tuple) else predicate(e))

        card = INFINITE if self._cardinality == INFINITE else UNKNOWN
        return self._derive(lambda: (e for e in parent if keep(e)), card)

    # -- batching -----------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        """Stacks ``batch_size`` consecutive elements into one (the last may be smaller).

        Args:
            batch_size: a positive integer.
            drop_remainder: drop a last batch smaller than ``batch_size``.
        """
        return self._batch(batch_size, drop_remainder, _stack, "batch")

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False):
        """Like ``batch``, padding each array to the largest shape in the batch.

        Args:
            batch_size: a positive integer.
            padded_shapes: ``None`` (pad to the batch's largest shape), or a shape (or a
                structure of shapes like the element) whose ``None`` entries mean "largest".
            padding_values: the fill value (default 0), or a structure of them.
            drop_remainder: drop a last batch smaller than ``batch_size``.
        """
        def stack(elements):
            return _padded_stack(elements, padded_shapes, padding_values)

        return self._batch(batch_size, drop_remainder, stack, "padded_batch")

    def _batch(self, batch_size, drop_remainder, stack, name):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"Dataset.{name}: `batch_size` must be a positive integer. "
                             f"Received: batch_size={batch_size!r}")
        batch_size = int(batch_size)
        parent = self

        def make():
            chunk = []
            for element in parent:
                chunk.append(element)
                if len(chunk) == batch_size:
                    yield stack(chunk)
                    chunk = []
            if chunk and not drop_remainder:
                yield stack(chunk)

        card = self._cardinality
        if card >= 0:
            card = card // batch_size if drop_remainder else -(-card // batch_size)
        return self._derive(make, card, batch_size)

    def unbatch(self):
        """Splits each element along its first axis into separate elements."""
        parent = self

        def make():
            for element in parent:
                leaves = _leaves(element)
                n = leaves[0].shape[0] if leaves and leaves[0].ndim else 0
                for i in range(n):
                    yield _map_structure(lambda a: a[i], element)

        return self._derive(make, INFINITE if self._cardinality == INFINITE else UNKNOWN)

    # -- order and size -----------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """Shuffles with a buffer of ``buffer_size`` elements (as tf.data does).

        Args:
            buffer_size: how many elements are held and drawn from at random; a buffer at
                least as large as the dataset gives a uniform shuffle.
            seed: an integer for a reproducible order.
            reshuffle_each_iteration: draw a new order on every pass (epoch).
        """
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)) or buffer_size < 1:
            raise ValueError("Dataset.shuffle: `buffer_size` must be a positive integer. "
                             f"Received: buffer_size={buffer_size!r}")
        buffer_size = int(buffer_size)
        base_seed = int(np.random.randint(2**31)) if seed is None else int(seed)
        passes = [0]
        lock = threading.Lock()
        parent = self

        def make():
            with lock:
                epoch = passes[0] if reshuffle_each_iteration else 0
                passes[0] += 1
            rng = np.random.default_rng((base_seed, epoch))
            buf = []
            for element in parent:
                if len(buf) < buffer_size:
                    buf.append(element)
                    continue
                i = int(rng.integers(len(buf)))
                yield buf[i]
                buf[i] = element
            for i in rng.permutation(len(buf)):
                yield buf[i]

        return self._derive(make, self._cardinality, self._batch_size)

    def take(self, count):
        """The first ``count`` elements (all of them when ``count`` is -1)."""
        count = _check_count(count, "take")
        parent = self

        def make():
            if count == -1:
                yield from parent
                return
            for i, element in enumerate(parent):
                if i >= count:
                    return
                yield element

        card = self._cardinality
        if count != -1:
            card = count if card == INFINITE else (min(card, count) if card >= 0 else UNKNOWN)
        return self._derive(make, card, self._batch_size)

    def skip(self, count):
        """Everything after the first ``count`` elements (nothing when ``count`` is -1)."""
        count = _check_count(count, "skip")
        parent = self

        def make():
            if count == -1:
                return iter(())
            it = iter(parent)
            for _ in range(count):
                if next(it, _END) is _END:
                    break
            return it

        card = self._cardinality
        if count == -1:
            card = 0
        elif card >= 0:
            card = max(0, card - count)
        return self._derive(make, card, self._batch_size)

    def repeat(self, count=None):
        """Repeats the dataset ``count`` times (forever when ``None`` or -1)."""
        count = -1 if count is None else _check_count(count, "repeat")
        parent = self

        def make():
            n = 0
            while count == -1 or n < count:
                n += 1
                empty = True
                for element in parent:
                    empty = False
                    yield element
                if empty:
                    return

        card = self._cardinality
        if count == -1:
            card = INFINITE if card != 0 else 0
        elif card >= 0:
            card = card * count
        return self._derive(make, card, self._batch_size)

    # -- performance --------------------------------------------------------------------
    def cache(self):
        """Keeps the elements in memory after the first complete pass; later passes replay them."""
        parent = self
        store = {}

        def make():
            if "elements" in store:
                yield from store["elements"]
                return
            seen = []
            for element in parent:
                seen.append(element)
                yield element
            store["elements"] = seen

        return self._derive(make, self._cardinality, self._batch_size)

    def prefetch(self, buffer_size):
        """Produces up to ``buffer_size`` elements ahead in a background thread.

        Args:
            buffer_size: a positive integer, or ``Dataset.AUTOTUNE`` (-1) for 2.
        """
        if buffer_size == AUTOTUNE:
            buffer_size = 2
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)) or buffer_size < 1:
            raise ValueError("Dataset.prefetch: `buffer_size` must be a positive integer or "
                             f"Dataset.AUTOTUNE. Received: buffer_size={buffer_size!r}")
        parent = self
        return self._derive(lambda: _prefetch(parent, int(buffer_size)), self._cardinality,
                            self._batch_size)


_END = object()


def _check_count(count, name):
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < -1:
        raise ValueError(f"Dataset.{name}: `count` must be an integer >= -1. Received: count={count!r}")
    return int(count)


def _num_workers(num_parallel_calls, name):
    if num_parallel_calls is None:
        return 1
    if num_parallel_calls == AUTOTUNE:
        return max(1, min(os.cpu_count() or 1, 16))
    if isinstance(num_parallel_calls, bool) or not isinstance(num_parallel_calls, (int, np.integer)) \
            or num_parallel_calls < 1:
        raise ValueError(f"Dataset.{name}: `num_parallel_calls` must be None, a positive integer or "
                         f"Dataset.AUTOTUNE. Received: num_parallel_calls={num_parallel_calls!r}")
    return int(num_parallel_calls)


def _as_array(x):
    if isinstance(x, np.ndarray):
        return x
    from lamina import backend

    if backend.is_tensor(x):
        return backend.convert_to_numpy(x)
    return np.asarray(x)


def _map_structure(fn, x):
    if isinstance(x, tuple):
        return tuple(_map_structure(fn, v) for v in x)
    if isinstance(x, dict):
        return {k: _map_structure(fn, v) for k, v in x.items()}
    return fn(x)


def _leaves(x):
    if isinstance(x, tuple):
        return [leaf for v in x for leaf in _leaves(v)]
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in _leaves(v)]
    return [x]


def _zip_structures(elements):
    """[struct, struct, ...] -> struct of lists (elements share one structure)."""
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_zip_structures([e[i] for e in elements]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _zip_structures([e[k] for e in elements]) for k in first}
    return list(elements)


def _stack_leaf(arrays):
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError("Dataset.batch: cannot stack elements of different shapes "
                         f"{sorted(shapes)}; resize them first (e.g. with `map`) or use `padded_batch`.")
    return np.stack(arrays)


def _stack(elements):
    return _map_structure(_stack_leaf, _zip_structures(elements))


def _padded_stack(elements, padded_shapes, padding_values):
    grouped = _zip_structures(elements)
    leaves = _leaves(grouped)
    shapes = _broadcast_spec(padded_shapes, grouped, len(leaves), "padded_shapes")
    values = _broadcast_spec(padding_values, grouped, len(leaves), "padding_values")
    out = []
    for arrays, shape, value in zip(leaves, shapes, values):
        largest = np.max([a.shape for a in arrays], axis=0) if arrays[0].ndim else ()
        if shape is None:
            target = tuple(int(s) for s in largest)
        else:
            target = tuple(int(largest[i]) if s is None or s == -1 else int(s) for i, s in enumerate(shape))
        batch = np.full((len(arrays),) + target, 0 if value is None else value, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            if any(s > t for s, t in zip(a.shape, target)):
                raise ValueError(f"Dataset.padded_batch: an element of shape {a.shape} does not fit "
                                 f"padded_shapes {target}.")
            batch[(i,) + tuple(slice(0, s) for s in a.shape)] = a
        out.append(batch)
    it = iter(out)
    return _map_structure(lambda _: next(it), grouped)


def _broadcast_spec(spec, structure, count, name):
    """One entry per leaf: ``spec`` is one value for all leaves or the element's structure."""
    if spec is None:
        return [None] * count
    if isinstance(structure, (tuple, dict)) and isinstance(spec, (tuple, dict)) and not _is_shape(spec):
        flat = [spec[k] for k in structure] if isinstance(spec, dict) else list(spec)
        if len(flat) != count:
            raise ValueError(f"Dataset.padded_batch: `{name}` must match the element's structure "
                             f"({count} arrays). Received: {name}={spec!r}")
        return flat
    return [spec] * count


def _is_shape(spec):
    return isinstance(spec, tuple) and all(s is None or isinstance(s, (int, np.integer)) for s in spec)


def _ordered_parallel_map(fn, iterable, workers):
    from concurrent.futures import ThreadPoolExecutor

    pending = collections.deque()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for element in iterable:
                pending.append(pool.submit(fn, element))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _prefetch(dataset, buffer_size):
    items = queue.Queue(maxsize=buffer_size)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        it = iter(dataset)
        try:
            for element in it:
                if not put((True, element)):
                    return
            put((False, _END))
        except BaseException as e:  # handed to the consumer, raised there
            put((False, e))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="lamina-dataset-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = items.get()
            if ok:
                yield item
            elif item is _END:
                return
            else:
                raise item
    finally:
        stop.set()
