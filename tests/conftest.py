"""Shared fixtures. The tests never read outside the project."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
# The compiled model code and kernel (myokine_sim[fast]) are cached inside the project, not in the user's cache.
os.environ.setdefault("MYOKINE_CACHE_DIR", str(Path(__file__).parent.parent / ".pytest_cache" / "myokine_sim"))


@pytest.fixture
def no_home_directory(monkeypatch):
    """No cache variable, no HOME and no passwd entry (a container run as an unknown user): Path.home() raises."""
    for name in ("MYOKINE_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_home(*args):
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", classmethod(no_home))


@pytest.fixture(scope="session")
def example_scenario_path() -> Path:
    """The contract's example scenario, copied verbatim into tests/data."""
    return DATA / "example-scenario.toml"


@pytest.fixture(scope="session")
def model():
    from myokine_sim.model import build_model

    return build_model()


def resting_right_hand_side():
    """The model's state index, its resting state (scenario ``rest``, shipped parameters) and a function giving dy/dt
    with the resting inputs, for tests that evaluate the right-hand side itself: at ``states``, or at the resting state
    with the states named in ``changes`` set to their values."""
    import myokine_sim as ms
    from myokine_sim.parameters import parameter_vector

    model = ms.build_model()
    scenario = ms.load_scenario("rest")
    parameters = parameter_vector(model, ms.resolve_parameters(scenario, model=model))
    constants = model.compiled.constants(parameters)
    inputs = [float(value) for value in scenario.schedule().inputs_at(0.0)]
    rest = list(model.compiled.rest(parameters, constants))

    def rates(states=None, **changes: float) -> np.ndarray:
        states = list(rest if states is None else states)
        for name, value in changes.items():
            states[model.state_index[name]] = value
        return np.array(model.compiled.rhs(states, parameters, constants, inputs, [0.0] * len(states)))

    return model.state_index, rest, rates


def normalised_error(y, y_ref, rtol, atol):
    """|y - y_ref| / (atol + rtol |y_ref|), as in scipy's own solver tests."""
    y, y_ref = np.asarray(y, dtype=float), np.asarray(y_ref, dtype=float)
    return np.abs(y - y_ref) / (atol + rtol * np.abs(y_ref))


def configure_cvode(runner, reference_atol_fraction: float) -> None:
    """Set libRoadRunner's CVODE tighter than a reference solve at ``reference_atol_fraction`` x state scale.

    Each state gets its absolute tolerance in its own units, ten times tighter than the reference's: one
    1e-14 for every state made CVODE stall (just after an endotoxin bolus, in hard intervals, on multi-day runs).
    """
    from myokine_sim.model import build_model

    runner.integrator.relative_tolerance = 1e-10
    for state in build_model().states:
        runner.integrator.setIndividualTolerance(state.name, 0.1 * reference_atol_fraction * state.scale)
    runner.integrator.maximum_num_steps = 1_000_000  # sharp Hill switches need many small CVODE steps
