"""Simulate the scenarios that targets read, for a batch of parameter sets at once.

Each scenario is integrated once per batch with ``solver.integrate`` (member b
uses row b of the parameter matrix), only as far as its targets need and on a
grid that contains every time a target reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from myokine_sim.calibration.targets import Series, Target, leaves
from myokine_sim.model import Model
from myokine_sim.scenario import Scenario, load_scenario
from myokine_sim.schedule import Schedule
from myokine_sim.simulation import observe_columns, schedule_inputs
from myokine_sim.solver import SolverSettings, integrate, member_columns


@dataclass(frozen=True)
class PreparedRun:
    """One scenario ready to integrate: its parameter vector, trimmed schedule and sample times."""

    scenario: Scenario
    base: np.ndarray
    overridden: frozenset[str]
    schedule: Schedule
    times: np.ndarray
    inputs: np.ndarray

    @property
    def name(self) -> str:
        return self.scenario.name


def scenario_vector(model: Model, scenario: Scenario, values: dict[str, float]) -> np.ndarray:
    """Parameter vector of a scenario: ``values`` (every parameter) overlaid with the scenario's own."""
    merged = {**values, **scenario.parameter_overrides()}
    return np.array([merged[name] for name in model.parameter_names], dtype=float)


def prepare_runs(
    model: Model, targets: Iterable[Target], values: dict[str, float], step_min: float
) -> dict[str, PreparedRun]:
    """The scenarios the targets read, each with the times its targets need."""
    needed: dict[str, set[float]] = {}
    for target in targets:
        for leaf in leaves(target.observable):
            needed.setdefault(leaf.scenario, set()).update(leaf.times())
    runs: dict[str, PreparedRun] = {}
    for name, times_needed in needed.items():
        scenario = load_scenario(name)
        full = scenario.schedule()
        # At least one output step, so that even a read at t = 0 alone has a bracket.
        t_end = max(max(times_needed), scenario.last_event_min, step_min)
        if t_end > full.t_end_min:
            raise ValueError(f"a target reads {name} at {t_end:g} min, after its end ({full.t_end_min:g} min)")
        # Integrating past the last time a target reads would only cost time.
        schedule = dataclasses.replace(full, t_end_min=t_end)
        grid = np.arange(0.0, t_end + 1e-9, step_min)
        times = np.unique(np.concatenate([grid, [t_end], schedule.breakpoints, sorted(times_needed)]))
        # Floating-point near-duplicates (e.g. a breakpoint 1e-14 from a grid point) would make a zero-width bracket.
        times = times[np.concatenate([[True], np.diff(times) > 1e-9])]
        runs[name] = PreparedRun(
            scenario=scenario,
            base=scenario_vector(model, scenario, values),
            overridden=frozenset(scenario.parameter_overrides()),
            schedule=schedule,
            times=times,
            inputs=schedule_inputs(model, schedule, times),
        )
    return runs


def observe_batch(model: Model, matrix: np.ndarray, states: np.ndarray, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """Every state, input and algebraic variable as ``(batch, time)`` arrays.

    ``states`` is ``(n_states, batch, time)`` and ``inputs`` ``(n_inputs, time)``.
    """
    # Parameters that vary become (batch, 1) columns, broadcasting over time.
    return observe_columns(model, member_columns(matrix, trailing_axes=1), states, inputs, states.shape[1:])


def simulate_run(model: Model, run: PreparedRun, matrix: np.ndarray, settings: SolverSettings) -> Series:
    """Integrate one scenario for every row of ``matrix`` (full parameter vectors)."""
    solution = integrate(model, matrix, run.schedule, run.times, settings)
    return Series(run.times, observe_batch(model, matrix, solution.states, run.inputs))
