"""Doctest setup for ``pytest lamina --doctest-modules``: every docstring example runs.

Examples share one namespace (``lamina``, ``keras`` as an alias of lamina, ``np``, ``ops``,
``layers``) and start from a fresh session with NumPy seeded. Only the backend in use is
collected: the other backend's modules import an engine that may not be there.
"""

import numpy as np
import pytest

import lamina
from lamina.backend.common.config import VALID_BACKENDS, backend

collect_ignore = [f"lamina/backend/{name}" for name in VALID_BACKENDS if name != backend()]
# The fixture generators are scripts (some need TensorFlow), not tests; --doctest-modules would import them.
collect_ignore.append("tests/fixtures")


@pytest.fixture(autouse=True)
def _doctest_namespace(request, doctest_namespace):
    if request.node.__class__.__name__ != "DoctestItem":
        yield
        return
    doctest_namespace.update(lamina=lamina, keras=lamina, np=np, ops=lamina.ops, layers=lamina.layers)
    lamina.utils.clear_session(free_memory=False)
    lamina.mixed_precision.set_global_policy(None)  # a policy set by an example must not leak
    np.random.seed(0)
    yield
    lamina.mixed_precision.set_global_policy(None)  # ...into the next example or test
