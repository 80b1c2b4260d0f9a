"""How "auto" chooses between the compiled loop and single loop-free steps (fed timings
directly: the choice is tested, not the clock)."""

from lamina.trainers.steps_policy import StepsPolicy


class _Runner:
    fuses_steps = True


def _policy(steps=256):
    return StepsPolicy("auto", _Runner(), steps_hint=steps, loop=True)


def _feed(policy, phase_times):
    for n, elapsed in phase_times:
        policy._record_loop(n, elapsed)


def test_cheap_steps_take_the_loop_without_timing_plain_steps():
    policy = _policy()
    assert policy.loop_active and policy.get_k() == 1
    _feed(policy, [(1, 1.0), (1, 1e-4), (1, 1e-4)])  # dispatch-bound single calls
    k = policy.get_k()
    assert k == policy.max_k == 64  # 0.25 s of 10-us steps is far more than the cap
    _feed(policy, [(k, k * 1e-5), (k, k * 1e-5)])
    assert policy.fixed == k and policy.loop_active


def test_steps_slow_inside_a_loop_run_plain():
    policy = _policy()
    _feed(policy, [(1, 3.0), (1, 0.5), (1, 0.5)])  # e.g. XLA CPU convolutions in a loop
    assert policy.get_k() == 2
    _feed(policy, [(2, 1.0), (2, 1.0)])  # no gain per step from the loop
    assert not policy.loop_active and policy.get_k() == 1  # now timing loop-free steps
    _feed(policy, [(1, 2.0), (1, 0.04), (1, 0.04)])
    assert policy.fixed == 1 and not policy.loop_active


def test_long_steps_keep_the_loop_when_it_amortizes_a_call_cost():
    policy = _policy(steps=20)
    _feed(policy, [(1, 2.0), (1, 0.07), (1, 0.07)])  # 70 ms a call, 20 of them fixed cost
    k = policy.get_k()
    assert k == 3
    _feed(policy, [(k, k * 0.055), (k, k * 0.055)])
    assert not policy.loop_active  # not a clear win: plain steps are timed
    _feed(policy, [(1, 1.0), (1, 0.07), (1, 0.07)])
    assert policy.fixed == k and policy.loop_active


def test_a_fixed_setting_and_per_batch_callbacks_are_kept():
    fixed = StepsPolicy(8, _Runner(), steps_hint=100, loop=True)
    assert fixed.max_k == 8 and fixed.get_k() == 8 and fixed.loop_active
    every_batch = StepsPolicy("auto", _Runner(), allow_fusion=False, steps_hint=100, loop=True)
    assert every_batch.max_k == 1 and every_batch.get_k() == 1 and not every_batch.loop_active
