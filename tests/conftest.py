"""Shared fixtures. The tests never read outside the project."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
# The compiled kernel (myokine_sim[fast]) caches its generated module inside the project, not in the user's cache.
os.environ.setdefault("MYOKINE_CACHE_DIR", str(Path(__file__).parent.parent / ".pytest_cache" / "myokine_sim"))


@pytest.fixture(scope="session")
def example_scenario_path() -> Path:
    """The contract's example scenario, copied verbatim into tests/data."""
    return DATA / "example-scenario.toml"


@pytest.fixture(scope="session")
def model():
    from myokine_sim.model import build_model

    return build_model()


def normalised_error(y, y_ref, rtol, atol):
    """|y - y_ref| / (atol + rtol |y_ref|), as in scipy's own solver tests."""
    y, y_ref = np.asarray(y, dtype=float), np.asarray(y_ref, dtype=float)
    return np.abs(y - y_ref) / (atol + rtol * np.abs(y_ref))
