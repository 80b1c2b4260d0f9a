"""How many steps to fuse into one executor call, chosen by measurement when "auto"."""

import time

from lamina.backend.common.session import on_clear_session

_DECISIONS = {}
_CALL_TARGET_S = 0.01  # a fused call of ~10 ms makes dispatch overhead negligible
_MAX_K = 64
_LOOP_CALL_TARGET_S = 0.25


@on_clear_session
def _clear_decisions():
    _DECISIONS.clear()


def _train_key(key):
    if isinstance(key, tuple) and len(key) == 4:
        return (key[0], "train", key[2], key[3])
    return key


class StepsPolicy:
    """Chooses ``k`` (steps per executor call) and runs units, timing them while deciding.

    With ``steps_per_execution="auto"`` on an executor that can fuse steps, the first calls
    run single steps (after one warm-up call) to time one step, then a few fused calls of
    ``k ~ 10 ms / step_time`` steps; the faster way wins and the choice is remembered for
    models of the same structure. A fixed integer is used as given.

    Args:
        setting: ``"auto"`` or a positive int.
        executor: a step executor or a runner over one: declares ``fuses_steps`` and has
            ``run(n, unit, stacked)``.
        allow_fusion: False when a callback needs every batch or the model has host layers.
        decision_key: hashable key to remember the decision under (or None).
        steps_hint: the number of steps per epoch, when known.
        loop: the executor runs any number of steps up to ``max_k`` with one compiled
            program; "auto" then times single steps only and sizes calls from that.
    """

    def __init__(self, setting, executor, allow_fusion=True, decision_key=None, steps_hint=None,
                 loop=False):
        self.executor = executor
        self.loop = loop
        self.decision_key = decision_key
        self.steps_hint = steps_hint
        can_fuse = allow_fusion and executor.fuses_steps
        self._setting_fixed = not (setting == "auto" or setting is None)
        if setting == "auto" or setting is None:
            self.fixed = None if can_fuse else 1
        else:
            k = int(setting)
            if k < 1:
                raise ValueError(f"`steps_per_execution` must be a positive integer or 'auto'. Received: {setting!r}")
            self.fixed = k if allow_fusion else 1
        if self.fixed is None and decision_key is not None:
            # Evaluation and prediction reuse the training decision for the same model.
            for key in (decision_key, _train_key(decision_key)):
                if key in _DECISIONS:
                    self.fixed = _DECISIONS[key]
                    break
        self.max_k = self._max_k(can_fuse)
        self._phase = "single"
        self._single_times = []
        self._fused_times = []
        self._calls = 0
        self.k_candidate = None
        self._balanced_k = None

    def _max_k(self, can_fuse):
        """The most steps one call may run. It depends on the setting and the epoch's length,
        not on the decision, so every model of a structure compiles the same program."""
        if not can_fuse:
            return 1
        if self._setting_fixed:
            return max(1, self._balanced(self.fixed))
        hint = self.steps_hint or _MAX_K
        return min(_MAX_K, 1 << max(0, int(hint) - 1).bit_length())

    @property
    def deciding(self):
        return self.fixed is None

    def _balanced(self, k):
        """``k`` evened out over the epoch (69 steps at k=24 run as 3 x 23, not 2 x 24 + 21)."""
        n = self.steps_hint
        if k <= 1 or not n or n <= k:
            return k
        chunks = -(-n // k)
        return -(-n // chunks)

    def get_k(self):
        if self.fixed is not None:
            if self._balanced_k is None:
                k = self._balanced(self.fixed)
                self._balanced_k = self._balanced(min(k, self.max_k)) if self.loop else k
            return self._balanced_k
        if self._phase == "fused":
            return self.k_candidate
        return 1

    def _decide(self, k):
        self.fixed = k
        if self.decision_key is not None:
            _DECISIONS[self.decision_key] = k

    def run(self, n, data, stacked):
        if self.fixed is not None:
            return self.executor.run(n, data, stacked)
        from lamina import backend

        start = time.perf_counter()
        out = self.executor.run(n, data, stacked)
        backend.step.StepExecutor.block_until_ready(out)
        elapsed = time.perf_counter() - start
        self._record(n, stacked, elapsed)
        return out

    def _record(self, n, stacked, elapsed):
        self._calls += 1
        if self.loop:
            self._record_loop(n, elapsed)
        elif self._phase == "single" and not stacked:
            self._single_times.append(elapsed)
            if len(self._single_times) >= 5:  # the first call compiled
                per_step = min(self._single_times[1:])
                k = int(_CALL_TARGET_S / max(per_step, 1e-6))
                if self.steps_hint is not None:
                    k = min(k, max(1, self.steps_hint // 2))
                k = min(k, _MAX_K)
                if k < 4:
                    self._decide(1)
                else:
                    self.k_candidate = self._balanced(k)
                    self._single_best = per_step
                    self._phase = "fused"
        elif self._phase == "fused" and stacked and n == self.k_candidate:
            self._fused_times.append(elapsed / n)
            if len(self._fused_times) >= 3:  # the first fused call compiled
                fused = min(self._fused_times[1:])
                self._decide(self.k_candidate if fused < 0.9 * self._single_best else 1)

    @property
    def loop_active(self):
        """Whether steps go through the compiled loop (else one loop-free step per call)."""
        if self.fixed is not None:
            return self.fixed >= 2
        return self._phase != "plain"

    def _record_loop(self, n, elapsed):
        """The loop program first runs single steps, then calls of ``k`` steps (``k`` sized
        for a quarter second, at least 2). When that amortizes a call's fixed cost the loop
        wins outright; when it does not (long steps) the loop-free program is timed too,
        since XLA's CPU convolutions run many times slower inside a loop, and the faster
        way per step wins."""
        if self._phase == "single":  # loop calls of one step
            if n != 1:
                return
            self._single_times.append(elapsed)
            if len(self._single_times) >= 3:  # the first call compiled
                per_step = self._single_best = min(self._single_times[1:])
                if self.max_k < 2:
                    self._decide(1)
                    return
                k = min(self.max_k, max(2, int(_LOOP_CALL_TARGET_S / max(per_step, 1e-6))))
                self.k_candidate = max(2, self._balanced(k))
                self._phase = "fused"
        elif self._phase == "fused" and n == self.k_candidate:
            self._fused_times.append(elapsed / n)
            if len(self._fused_times) >= 2:
                self._fused_best = min(self._fused_times)
                if self._fused_best < 0.7 * self._single_best:
                    self._decide(self.k_candidate)
                else:
                    self._phase, self._plain_times = "plain", []
        elif self._phase == "plain" and n == 1:  # loop-free single steps
            self._plain_times.append(elapsed)
            if len(self._plain_times) >= 3:  # the first call compiled
                plain = min(self._plain_times[1:])
                self._decide(self.k_candidate if self._fused_best < 0.95 * plain else 1)
