"""Iterating one epoch of prepared units, with host work running ahead in a thread."""

import queue
import threading
import warnings

_END = object()


class _Raised:
    def __init__(self, exc):
        self.exc = exc


class EpochIterator:
    """Hands the loop ``(step, n_steps, data, stacked)`` units for one epoch at a time.

    Host work (slicing, shuffling, stacking, host preprocessing, device transfer: the
    ``prepare`` callable) runs in a background thread that stays ``prefetch`` units ahead.

    Args:
        adapter: a data adapter (see ``trainers.data_adapters``).
        steps_per_epoch: optional cap on steps per epoch.
        get_k: callable returning how many steps to fuse into the next unit.
        prepare: callable ``(n, data, stacked) -> device data`` run on the host thread.
        prefetch: units kept ready ahead of the step (0 runs everything inline).
        indexed: ``True`` for units of row indices into the adapter's arrays, ``"loop"`` for
            ``(rows, valid)`` units of any length (see ``ArrayDataAdapter.iter_loop_units``).
        pad_rows: with ``indexed="loop"``, pad a partial batch to full size.
    """

    def __init__(self, adapter, steps_per_epoch=None, get_k=None, prepare=None, prefetch=2,
                 indexed=False, pad_rows=False):
        self.adapter = adapter
        self.steps_per_epoch = steps_per_epoch
        self.get_k = get_k or (lambda: 1)
        self.prepare = prepare or (lambda n, data, stacked: data)
        self.prefetch = prefetch
        self.exhausted = False
        self._warned = False
        self.indexed = indexed
        self.pad_rows = pad_rows

    @property
    def num_steps(self):
        if self.steps_per_epoch is not None:
            return int(self.steps_per_epoch)
        return self.adapter.num_batches

    def _units(self):
        if self.indexed == "loop":
            source = self.adapter.iter_loop_units(self.get_k, self.steps_per_epoch, pad=self.pad_rows)
        elif self.indexed:
            source = self.adapter.iter_index_units(self.get_k, self.steps_per_epoch)
        else:
            source = self.adapter.iter_units(self.get_k, self.steps_per_epoch)
        for n, data, stacked in source:
            yield n, self.prepare(n, data, stacked), stacked

    def enumerate_epoch(self):
        """Yields ``(first_step, n_steps, data, stacked)`` for the batches of one epoch."""
        if self.exhausted:
            self._warn_out_of_data()
            return
        small = self.adapter.num_batches is not None and self.adapter.num_batches <= 2
        source = self._units() if (self.prefetch <= 0 or small) else self._threaded()
        step = 0
        try:
            for n, data, stacked in source:
                yield step, n, data, stacked
                step += n
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        if step == 0 or (not self.adapter.reiterable and (self.num_steps is None or step < self.num_steps)):
            if not self.adapter.reiterable:
                self.exhausted = True
            if step == 0:
                self._warn_out_of_data()
        self.adapter.on_epoch_end()

    def _warn_out_of_data(self):
        if not self._warned:
            self._warned = True
            warnings.warn(
                "Your input ran out of data; interrupting training. Make sure the dataset or "
                "generator can produce `steps_per_epoch * epochs` batches (a Python generator is "
                "consumed once; use a lamina.utils.PyDataset or arrays to train several epochs).",
                stacklevel=4)

    def _threaded(self):
        q = queue.Queue(maxsize=max(1, self.prefetch))
        stop = threading.Event()

        def produce():
            try:
                for unit in self._units():
                    while not stop.is_set():
                        try:
                            q.put(unit, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                q.put(_END)
            except BaseException as e:  # surfaced in the consumer
                q.put(_Raised(e))

        thread = threading.Thread(target=produce, daemon=True, name="lamina-data")
        thread.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    return
                if isinstance(item, _Raised):
                    raise item.exc
                yield item
        finally:
            stop.set()
            while thread.is_alive():
                try:
                    q.get_nowait()
                except queue.Empty:
                    thread.join(timeout=0.05)
