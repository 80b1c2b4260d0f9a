"""Interrupted saves never leave a broken file; corrupt files give clear errors, never crash or hang."""

import json
import os
import subprocess
import sys

import pytest

WORKER = os.path.join(os.path.dirname(__file__), "_robustness_worker.py")


def _run(mode, tmp_path, timeout):
    proc = subprocess.run([sys.executable, WORKER, mode, str(tmp_path)], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill test forks savers")
def test_killed_saves_leave_the_old_or_the_new_model(tmp_path):
    outcomes = _run("kill", tmp_path, timeout=240)["outcomes"]
    assert len(outcomes) >= 20
    assert outcomes == ["old-or-new"] * len(outcomes), outcomes


def test_corrupt_files_give_clear_errors(tmp_path):
    results = _run("fuzz", tmp_path, timeout=240)["results"]
    bad = [r for r in results if r["outcome"] not in ("loaded", "clear-error")]
    assert not bad, bad
    assert all(r["seconds"] < 30 for r in results)
    by_case = {r["case"]: r["outcome"] for r in results}
    for case in ("member:no-config", "member:no-weights", "member:bad-json", "member:weights-not-h5",
                 "good.keras:empty", "good.keras:truncated-0.5", "good.weights.h5:truncated-0.5",
                 "legacy.h5:garbage"):
        assert by_case[case] == "clear-error", (case, by_case[case])
