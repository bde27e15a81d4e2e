"""pytest set-up for Tessera's Python tests (run by tools/test from a fresh venv with the wheel
installed, or by hand: `tools/python -m pytest tests/python`)."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.RandomState(0)
