"""The loop talks to a backend only through the step-executor contract
(``lamina/backend/common/step_executor.py``)."""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import lamina
from lamina.backend.common import step_executor

CAPABILITIES = ("compiles_by_default", "fuses_steps", "keeps_rows_on_device", "logs_are_free",
                "prefers_inline_batches")


def test_the_backend_executor_fulfils_the_contract():
    cls = lamina.backend.step.StepExecutor
    assert issubclass(cls, step_executor.StepExecutor)
    assert not inspect.isabstract(cls)
    for name in CAPABILITIES:
        assert isinstance(getattr(cls, name), bool), name
    executor = cls(lambda data: {"sum": lamina.ops.sum(data)}, lambda: [])
    out = executor.run(1, executor.convert(1, np.ones((2, 3), "float32"), False), False)
    assert float(lamina.ops.convert_to_numpy(out["sum"])) == 6.0
    stacked = executor.convert(2, np.ones((2, 4, 3), "float32"), True)
    out = executor.run(2, stacked, True)  # collect="last": the second step's logs
    assert float(lamina.ops.convert_to_numpy(out["sum"])) == 12.0
    executor.finish()


def test_row_methods_exist_exactly_when_declared():
    cls = lamina.backend.step.StepExecutor
    executor = cls(lambda data: data, lambda: [])
    if cls.keeps_rows_on_device:
        resident = executor.make_resident((np.arange(12, dtype="float32").reshape(6, 2),))
        assert tuple(resident[0].shape)[1:] == (2,)
    else:
        with pytest.raises(NotImplementedError, match="keeps no rows on the device"):
            executor.make_resident((np.zeros((2, 2)),))
        with pytest.raises(ValueError, match="runs no row-masked steps"):
            cls(lambda data: data, lambda: [], row_mask=True)


def test_the_loop_reads_no_backend_attribute_outside_the_contract():
    """No probing with getattr, no private state written onto adapters."""
    root = Path(lamina.__file__).parent / "trainers"
    text = "\n".join(p.read_text() for p in root.glob("*.py"))
    assert 'getattr(backend.step' not in text and "SUPPORTS_FUSION" not in text
    assert not re.search(r"adapter\._\w+\s*=", text)
    allowed = {"StepExecutor"}
    used = set(re.findall(r"backend\.step\.(\w+)", text))
    assert used <= allowed, used - allowed
