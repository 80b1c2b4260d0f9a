"""Batches from in-memory arrays: NumPy arrays, tensors, lists and dicts of them."""

import math

import numpy as np

from lamina.backend import tree
from lamina.trainers.data_adapters import data_utils


class ArrayDataAdapter:
    """Slices ``(x, y, sample_weight)`` arrays into batches, shuffling each epoch.

    Besides single batches it hands out *chunks*: ``k`` consecutive full batches stacked on
    a new leading axis, gathered in one NumPy call, which a compiled executor runs as one
    fused call.

    Args:
        x, y, sample_weight: arrays or structures of arrays with the same first dimension.
        batch_size: samples per batch (default 32).
        shuffle: ``True`` (sample order), ``"batch"`` (rows shuffled within each
            batch-sized chunk, chunks kept in order, as Keras 3 does) or ``False``.
        class_weight: optional ``{class_index: weight}`` turned into sample weights.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 class_weight=None):
        x, y, sample_weight = data_utils.numpy_structure((x, y, sample_weight))
        self.num_samples = data_utils.check_array_lengths(x, y, sample_weight)
        if class_weight is not None:
            if y is None:
                raise ValueError("`class_weight` needs targets `y`; fit received none.")
            cw = data_utils.class_weight_to_sample_weight(y, class_weight)
            sample_weight = cw if sample_weight is None else sample_weight * cw.reshape(
                (-1,) + (1,) * (np.ndim(sample_weight) - 1))
        self._has_y = y is not None
        self._has_sw = sample_weight is not None
        self._structure = data_utils.pack_x_y_sample_weight(x, y, sample_weight)
        self._flat = [a for a in tree.flatten(self._structure)]
        self.batch_size = int(batch_size or 32)
        if self.batch_size <= 0:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size}")
        self.shuffle = shuffle
        self.num_batches = max(1, math.ceil(self.num_samples / self.batch_size)) if self.num_samples else 0
        self.num_full_batches = self.num_samples // self.batch_size
        self.reiterable = True

    # -- iteration -------------------------------------------------------------
    def _order(self):
        if self.shuffle is True:
            return np.random.permutation(self.num_samples)
        if self.shuffle == "batch":
            b = self.batch_size
            return np.concatenate([start + np.random.permutation(min(b, self.num_samples - start))
                                   for start in range(0, self.num_samples, b)] or [np.arange(0)])
        return None

    def _take(self, order, start, stop):
        if order is None:
            leaves = [None if a is None else a[start:stop] for a in self._flat]
        else:
            idx = order[start:stop]
            leaves = [None if a is None else np.take(a, idx, axis=0) for a in self._flat]
        return leaves

    def _epoch_plan(self, max_steps):
        """This epoch's sample order (None: as stored), batch order and number of steps."""
        batches = list(range(self.num_batches))
        return self._order(), batches, len(batches) if max_steps is None else min(max_steps, len(batches))

    @staticmethod
    def _rows(order, start, stop):
        return np.arange(start, stop) if order is None else order[start:stop]

    def _pack(self, leaves):
        return tree.pack_sequence_as(self._structure, leaves)

    def iter_units(self, get_k, max_steps=None):
        """Yields ``(n_steps, data, stacked)`` for one epoch.

        ``get_k()`` is asked before each unit how many steps to fuse; stacked units hold
        ``n_steps`` full batches on a new leading axis.
        """
        order, batches, limit = self._epoch_plan(max_steps)
        b = self.batch_size
        i = 0
        while i < limit:
            k = max(1, int(get_k()))
            n = 0
            if k > 1:
                # The run of consecutive full batches starting at batch i.
                n = min(k, limit - i, max(0, self.num_full_batches - batches[i]))
            if n == k and k > 1:
                start = batches[i] * b
                leaves = self._take(order, start, start + n * b)
                leaves = [None if a is None else a.reshape((n, b) + a.shape[1:]) for a in leaves]
                yield n, self._pack(leaves), True
                i += n
                continue
            start = batches[i] * b
            leaves = self._take(order, start, min(start + b, self.num_samples))
            yield 1, self._pack(leaves), False
            i += 1

    def iter_index_units(self, get_k, max_steps=None):
        """Like ``iter_units`` but yields row indices ``(n_steps, indices, stacked)`` into
        ``self.arrays()``, for executors that keep the arrays on the device."""
        order, batches, limit = self._epoch_plan(max_steps)
        b = self.batch_size
        i = 0
        while i < limit:
            k = max(1, int(get_k()))
            n = 0
            if k > 1:
                n = min(k, limit - i, max(0, self.num_full_batches - batches[i]))
            start = batches[i] * b
            if n == k and k > 1:
                yield n, self._rows(order, start, start + n * b).astype("int32").reshape(n, b), True
                i += n
                continue
            yield 1, self._rows(order, start, min(start + b, self.num_samples)).astype("int32"), False
            i += 1

    def iter_loop_units(self, get_k, max_steps=None, pad=False):
        """Yields ``(n_steps, (rows, valid), True)``: ``rows`` of shape ``(n_steps, batch)``
        index ``self.arrays()`` and ``valid[i]`` counts step ``i``'s real rows. With ``pad``
        a partial batch is filled up with copies of its first row; without it, a partial
        batch comes alone as ``(1, rows, False)``."""
        order, batches, limit = self._epoch_plan(max_steps)
        b = self.batch_size
        i = 0
        while i < limit:
            k = max(1, int(get_k()))
            rows, valid = [], []
            while i < limit and len(rows) < k:
                start = batches[i] * b
                stop = min(start + b, self.num_samples)
                if stop - start < b and not pad:
                    break
                idx = self._rows(order, start, stop)
                if stop - start < b:
                    idx = np.concatenate([idx, np.full(b - (stop - start), idx[0], idx.dtype)])
                rows.append(idx)
                valid.append(stop - start)
                i += 1
            if rows:
                yield len(rows), (np.stack(rows).astype("int32"), np.asarray(valid, "int32")), True
                continue
            start = batches[i] * b
            yield 1, self._rows(order, start, min(start + b, self.num_samples)).astype("int32"), False
            i += 1

    def arrays(self):
        """The ``(x, y, sample_weight)`` structure of whole NumPy arrays."""
        return self._structure

    def iter_batches(self):
        for _, data, _ in self.iter_units(lambda: 1):
            yield data

    def on_epoch_end(self):
        pass
