"""Shared test setup: every test runs on the backend named by LAMINA_BACKEND (jax by default)."""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", os.environ.get("LAMINA_BACKEND", "jax"))


@pytest.fixture(autouse=True)
def _fresh_session():
    from lamina.backend.common import naming

    # Fresh automatic names for each test. Not a full clear_session: compiled steps stay
    # shared across tests (same structure, same computation), which keeps the suite fast.
    naming.reset_names()
    np.random.seed(0)
    yield


def keras_or_skip():
    """Real Keras 3 on the same backend, as a test oracle; skips the test where it is missing."""
    return pytest.importorskip("keras")
