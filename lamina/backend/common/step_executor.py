"""The contract between the one training loop (``trainers/loops.py``, which builds executors
in ``trainers/pipeline.py``) and a backend.

A backend's ``step`` module provides a ``StepExecutor`` subclass of the class below. The
loop reads only what is declared here: the capabilities (class attributes each backend
sets) and the methods. A capability the backend lacks is ``False`` and its methods raise.

The static helpers at the bottom (moving a batch to the device, running lazy variable
creation eagerly, a fast forward for ``predict``, waiting for results) are part of the same
contract; a backend's ``step`` module also exposes them as module functions.
"""

import abc


class StepExecutor(abc.ABC):
    """Runs a stateful step function (``model.train_step`` and friends) on a backend.

    The step reads and assigns lamina Variables. An executor may hold the state somewhere
    else while it runs (JAX keeps it as arguments of a compiled program); after
    ``sync_to_model()`` or ``finish()`` every Variable holds its current value.

    Args:
        step_fn: the step; ``step_fn(data)`` returns the logs (train / test) or the outputs
            (predict). With ``row_mask`` it is called as ``step_fn((data, row_mask))``.
        collect_state: callable returning every Variable the step may read or assign.
        cache_key: hashable key (``trainers/step_key.py``): steps with equal keys compute
            the same thing and may share compiled code. ``None`` keeps them private.
        local_cache: a dict owned by the model, holding its own compiled steps.
        jit: compile the step (``False`` runs it eagerly).
        collect: ``"last"`` returns the last fused step's outputs (logs); ``"stack"``
            returns every step's outputs on a new leading axis (predictions).
        row_mask: the step takes ``(data, row_mask)``; only with ``keeps_rows_on_device``.
        training: the steps train (a backend may set up numerics for training, e.g. torch
            turns flush-to-zero on until ``finish``).
        user_gradients: the step is the user's and may take gradients with the engine's
            own autograd (Keras's torch guide calls ``loss.backward()``); an eager engine
            records operations for it. lamina's own steps take gradients explicitly
            (``value_and_grad``) and run without recording.
    """

    #: ``jit_compile="auto"`` compiles steps on this backend (compiling is the fast path).
    compiles_by_default = False
    #: ``run(n, data, stacked=True)`` runs ``n`` steps in one device call, so fusing
    #: steps (``steps_per_execution``) saves dispatch time.
    fuses_steps = False
    #: ``make_resident`` / ``run_indexed`` / ``run_loop`` / ``run_rows`` exist: whole
    #: arrays can live on the device and batches are gathered there by row indices.
    keeps_rows_on_device = False
    #: Steps return their logs at no extra cost (they come out of a compiled program), so
    #: the loop need not skip building per-step logs that nothing reads.
    logs_are_free = False
    #: Slicing in-memory batches on the loop's thread is cheaper than handing them over
    #: from a prefetching thread (eager steps that are short).
    prefers_inline_batches = False
    #: Custom steps may take Keras's ``(state, data)`` form (the JAX trainer's contract);
    #: ``trainers/state_steps.py`` wraps them into stateful steps.
    takes_state_steps = False

    def __init__(self, step_fn, collect_state, *, cache_key=None, local_cache=None, jit=False,
                 collect="last", row_mask=False, training=False, user_gradients=False):
        if row_mask and not self.keeps_rows_on_device:
            raise ValueError(f"{type(self).__name__} runs no row-masked steps: it keeps no rows on the device.")
        self.step_fn = step_fn
        self.collect_state = collect_state
        self.cache_key = cache_key
        self.local_cache = local_cache if local_cache is not None else {}
        self.jit = jit
        self.collect = collect
        self.row_mask = row_mask
        self.training = training
        self.user_gradients = user_gradients

    # -- what every executor does --------------------------------------------------
    def convert(self, n, data, stacked):
        """``data`` (NumPy arrays; ``n`` steps on a leading axis when ``stacked``) in the
        form ``run`` takes."""
        return self.convert_batch(data)

    @abc.abstractmethod
    def run(self, n, data, stacked):
        """Runs ``n`` steps on ``data`` (stacked on a leading axis when ``stacked``) and
        returns the outputs, as ``collect`` says."""

    @abc.abstractmethod
    def sync_to_model(self):
        """Writes the executor's current state into the model's Variables (callbacks and
        users may read them between calls)."""

    def finish(self):
        """Ends a run of steps: the Variables hold the final state."""
        self.sync_to_model()

    # -- rows kept on the device (``keeps_rows_on_device``) ------------------------
    def make_resident(self, arrays):
        """Moves whole NumPy arrays (a structure) to the device once; the result is what
        the row methods below take as ``resident``."""
        raise NotImplementedError(f"{type(self).__name__} keeps no rows on the device.")

    def run_indexed(self, n, idx, stacked, resident):
        """Runs ``n`` steps on rows ``idx`` of ``resident`` (shape ``(n, batch)`` when stacked)."""
        raise NotImplementedError(f"{type(self).__name__} keeps no rows on the device.")

    def run_loop(self, n, idx, valid, resident):
        """Runs ``n`` steps (``n <= len(idx)``) through one compiled loop on rows ``idx[i]``
        of ``resident``; ``valid[i]`` of step ``i``'s rows are real, the rest padding."""
        raise NotImplementedError(f"{type(self).__name__} keeps no rows on the device.")

    def run_rows(self, rows, valid, resident):
        """Runs one step, outside any loop, on ``rows`` of ``resident`` (``valid`` real)."""
        raise NotImplementedError(f"{type(self).__name__} keeps no rows on the device.")

    # -- backend helpers of the same contract ----------------------------------------
    @staticmethod
    @abc.abstractmethod
    def convert_batch(data):
        """One batch (a structure of NumPy arrays) as backend tensors on the device."""

    @staticmethod
    @abc.abstractmethod
    def eager_creation():
        """A context in which Variables created during a traced step (lazily built
        optimizer slots, metrics) get concrete initial values."""

    @staticmethod
    @abc.abstractmethod
    def make_forward(fn, variables):
        """A fast ``fn(data)`` for ``predict`` on NumPy data; compiled backends read
        ``variables`` as arguments."""

    @staticmethod
    @abc.abstractmethod
    def block_until_ready(x):
        """Waits until ``x`` (a structure of outputs) is computed (for timing)."""
