"""Run a scenario: resolve its parameters, integrate, and collect the columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from myokine_sim.model import Model, build_model
from myokine_sim.parameters import check_value, load_parameter_set, parameter_vector
from myokine_sim.results import CONTRACT_COLUMNS, Result
from myokine_sim.scenario import Scenario, load_scenario
from myokine_sim.schedule import INFUSION_TABLES, Schedule
from myokine_sim.solver import SolverSettings, integrate, output_times


def resolve_parameters(
    scenario: Scenario, overrides: dict[str, float] | None = None, model: Model | None = None
) -> dict[str, float]:
    """All parameter values of a run, by name.

    Code defaults, then the scenario's parameter set, then the scenario's
    subject and ``[parameters]``, then ``overrides``.
    """
    model = model or build_model()
    values = dict(zip(model.parameter_names, model.default_values()))
    values.update(load_parameter_set(scenario.simulation.parameter_set, model))
    values.update(scenario.parameter_overrides())
    for name, value in (overrides or {}).items():
        values[name] = check_value(model, name, value, "parameters", name)
    return values


def column_order(model: Model) -> list[str]:
    """Contract columns first, then every other state, input and output."""
    names = list(CONTRACT_COLUMNS[1:])
    for name in (*model.output_names, *model.state_names, *model.input_names):
        if name not in names:
            names.append(name)
    return names


def observe_columns(model: Model, parameters: list, states, inputs, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Every state, input and algebraic variable, each broadcast to ``shape``.

    ``parameters`` holds floats or arrays that broadcast against the state rows
    (see ``solver.member_columns``); ``states`` and ``inputs`` are sequences of
    rows. Values that do not vary are read-only broadcast views.
    """
    compiled = model.compiled
    constants = compiled.batch_constants(parameters)
    variables = compiled.batch_observe(list(states), parameters, constants, list(inputs))
    names = (*model.state_names, *model.input_names, *model.variables)
    values = (*states, *inputs, *variables)
    return {name: np.broadcast_to(np.asarray(value, dtype=float), shape) for name, value in zip(names, values)}


def observe(model: Model, parameters: list[float], states: np.ndarray, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """Every state, input and algebraic variable over time for one member, as writable arrays.

    ``states`` is ``(n_states, T)`` and ``inputs`` ``(n_inputs, T)``.
    """
    columns = observe_columns(model, parameters, states, inputs, states.shape[1:])
    return {name: np.array(values) for name, values in columns.items()}


def schedule_inputs(model: Model, schedule: Schedule, times: np.ndarray) -> np.ndarray:
    """Input values at each output time (right-continuous at breakpoints)."""
    breakpoints = np.asarray(schedule.breakpoints)
    values = np.array([schedule.inputs_at(t) for t in breakpoints]).T  # (n_inputs, n_breakpoints)
    which = np.searchsorted(breakpoints, times, side="right") - 1
    return values[:, np.clip(which, 0, len(breakpoints) - 1)]


def simulate(
    scenario: Scenario | str | Path,
    parameters: dict[str, float] | None = None,
    settings: SolverSettings | None = None,
) -> Result:
    """Simulate one scenario (a ``Scenario``, a shipped name or a path).

    ``parameters`` overrides model parameters by dotted name.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model = build_model()
    settings = settings or SolverSettings(rtol=scenario.simulation.rtol)
    values = resolve_parameters(scenario, parameters, model)
    vector = parameter_vector(model, values)
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    solution = integrate(model, np.array([vector]), schedule, times, settings)
    states = solution.states[:, 0, :]
    inputs = schedule_inputs(model, schedule, times)
    observed = observe(model, vector, states, inputs)
    columns = {name: observed[name] for name in column_order(model)}
    return Result(
        scenario_name=scenario.name,
        time_min=times,
        columns=columns,
        units={"time_min": "min", **{name: model.units[name] for name in columns}},
        parameters=values,
        exercise_periods=schedule.exercise_periods(),
        metadata={
            "solver": settings.as_dict(),
            "solver_method": solution.method,
            "rhs_evaluations": solution.n_rhs_evaluations,
            "breakpoints_min": schedule.breakpoints,
            "interventions": _interventions(schedule),
            "settings": list(scenario.applied_settings),
        },
    )


def _interventions(schedule: Schedule) -> list[dict]:
    events = [
        {"kind": b.kind, "time_min": b.time_min, "amount": b.amount, "label": b.label} for b in schedule.boluses
    ]
    events += [
        {"kind": INFUSION_TABLES[i.input][0], "time_min": i.start_min, "end_min": i.end_min,
         INFUSION_TABLES[i.input][1]: i.rate}
        for i in schedule.infusions
    ]
    return events
