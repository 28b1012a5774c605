"""Local sensitivity: normalised coefficients d ln(metric) / d ln(p) at the scenario's parameter values.

Each coefficient is a finite difference in log space, u = ln p:

- central, ``(M(u + h) - M(u - h)) / (2 h M0)``, when both points lie within
  the parameter's plausible bounds;
- one-sided away from a bound it sits on (or next to),
  ``(-3 M0 + 4 M(u + s h) - M(u + 2 s h)) / (2 s h M0)`` with s = +1 or -1.

Both are second order: the error falls as h^2. Step control is Richardson's:
the estimates for h, h/2, h/4, ... are compared pairwise from the largest; the
first pair that agrees within ``rtol`` (relative) or ``atol`` (absolute) is
accepted and extrapolated, ``D(h/2) + (D(h/2) - D(h)) / 3``. A parameter whose
estimates never agree (a metric that is not smooth in it, such as a time of
peak quantised to the output step) gets the closest pair and
``converged = False``.

Every perturbed run of every parameter, plus the unperturbed one, integrates
as ONE batch through ``solver.integrate``: a ``(1 + 2 n k, n_parameters)``
matrix for n parameters and k step sizes (twice that for a suppression
metric, whose control runs in the same batch).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.model import Model, build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import Scenario
from myokine_sim.schedule import Schedule
from myokine_sim.sensitivity.metric import Metric, check_defined, combine, control_scenario, parse_metric
from myokine_sim.sensitivity.problem import load, parameter_names
from myokine_sim.sensitivity.result import SensitivityResult
from myokine_sim.simulation import resolve_parameters, schedule_inputs
from myokine_sim.solver import SolverSettings, integrate, output_times
from myokine_sim.sweeps.evaluate import batch_metrics, observe_batch

#: Largest step in ln p (ln 1.1: a 10 % change).
DEFAULT_STEP = math.log(1.1)
#: Step sizes tried: step, step/2, step/4, ...
DEFAULT_STEPS = 4
#: Two estimates agree when they differ by less than rtol * |estimate| + atol.
DEFAULT_RTOL = 1e-2
DEFAULT_ATOL = 1e-3
#: A central difference may shrink its first step to this fraction of ``step`` to stay within bounds.
MIN_CENTRAL_FRACTION = 0.25
#: Members observed at once when computing metrics (bounds the memory of the observed columns).
OBSERVE_BLOCK = 256


def local(
    scenario: Scenario | str | Path,
    metric: str,
    params: Sequence[str] | None = None,
    *,
    step: float = DEFAULT_STEP,
    steps: int = DEFAULT_STEPS,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    settings: SolverSettings | None = None,
) -> SensitivityResult:
    """Normalised local coefficients of ``metric`` (``METRIC.COLUMN``) to ``params`` (all by default).

    ``step`` is the largest change of ln p, ``steps`` the number of halvings
    tried; ``rtol`` and ``atol`` decide when two step sizes agree.
    """
    started = time.monotonic()
    scenario, source = load(scenario)
    model = build_model()
    parsed = parse_metric(metric, model)
    names = parameter_names(params, model)
    _check_steps(step, steps, rtol, atol)
    settings = settings or SolverSettings(rtol=scenario.simulation.rtol)
    values = resolve_parameters(scenario, model=model)
    nominal_vector = np.array(parameter_vector(model, values))

    designs = [_design(model, name, values[name], step) for name in names]
    matrix = np.tile(nominal_vector, (1 + 2 * len(names) * steps, 1))
    halvings = 0.5 ** np.arange(steps)
    for i, (name, (direction, first_step)) in enumerate(zip(names, designs)):
        column = model.parameter_index[name]
        for j, h in enumerate(first_step * halvings):
            row = 1 + 2 * (i * steps + j)
            if direction == 0:
                matrix[row:row + 2, column] = values[name] * np.exp([h, -h])
            else:
                matrix[row:row + 2, column] = values[name] * np.exp([direction * h, 2 * direction * h])

    metric_values = batch_metric(model, matrix, scenario, parsed, settings)
    check_defined(parsed, metric_values)
    nominal = float(metric_values[0])
    if nominal == 0.0:
        raise InputError("metric", parsed.name, "is 0 at the scenario's parameter values, so a relative "
                                                "(normalised) coefficient is undefined")
    perturbed = metric_values[1:].reshape(len(names), steps, 2)

    rows, unconverged = [], []
    for i, (name, (direction, first_step)) in enumerate(zip(names, designs)):
        h = first_step * halvings
        if direction == 0:
            estimates = (perturbed[i, :, 0] - perturbed[i, :, 1]) / (2 * h * nominal)
        else:
            estimates = (-3 * nominal + 4 * perturbed[i, :, 0] - perturbed[i, :, 1]) / (2 * direction * h * nominal)
        coefficient, error, used, converged = _accept(estimates, h, rtol, atol)
        if not converged:
            unconverged.append(name)
        rows.append({
            "parameter": name,
            "unit": model.parameter(name).unit,
            "value": float(values[name]),
            "coefficient": coefficient,
            "error": error,
            "conf_low": coefficient - error,
            "conf_high": coefficient + error,
            "step": used,
            "scheme": {0: "central", 1: "one-sided up", -1: "one-sided down"}[direction],
            "converged": converged,
        })
    notes = []
    if unconverged:
        notes.append(f"step sizes did not agree for {', '.join(unconverged)}: the metric may not be smooth in "
                     "them (e.g. a time quantised to the output step); their coefficients are rough")
    return SensitivityResult(
        method="local", scenario=scenario, source=source, metric=parsed, rows=rows,
        problem={"names": names, "values": [float(values[n]) for n in names],
                 "first_steps_ln": [first for _, first in designs]},
        options={"step_ln": step, "steps": steps, "rtol": rtol, "atol": atol},
        solver=settings.as_dict(), runs=len(matrix) * (2 if parsed.needs_control else 1),
        elapsed_s=time.monotonic() - started, nominal=nominal, notes=notes,
    )


def _check_steps(step: float, steps: int, rtol: float, atol: float) -> None:
    if not isinstance(step, (int, float)) or not 0.0 < step <= 1.0:
        raise InputError("step", str(step), "the largest change of ln p must be above 0 and at most 1")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise InputError("steps", str(steps), "at least 2 step sizes are needed to compare them")
    if not (rtol >= 0.0 and atol >= 0.0 and rtol + atol > 0.0):
        raise InputError("rtol", f"{rtol}, {atol}", "tolerances must be at least 0, and not both 0")


def _design(model: Model, name: str, value: float, step: float) -> tuple[int, float]:
    """Direction (0 central, +1 or -1 one-sided) and first step in ln p that keep every point within bounds."""
    parameter = model.parameter(name)
    if value <= 0.0:
        raise InputError("params", name, f"is {value:g} in the scenario; a coefficient per relative change "
                                         "(d ln metric / d ln p) needs a positive value")
    room_up = math.log(parameter.upper / value)
    room_down = math.log(value / parameter.lower) if parameter.lower > 0.0 else math.inf
    central = min(step, room_up, room_down)
    if central >= MIN_CENTRAL_FRACTION * step:
        return 0, central
    # Next to a bound: step away from it, far enough that both points (h and 2h) stay inside.
    direction = 1 if room_up >= room_down else -1
    room = room_up if direction == 1 else room_down
    if room <= 0.0:
        raise InputError("params", name, "has no room to vary within its plausible range")
    return direction, min(step, room / 2.0)


def _accept(estimates: np.ndarray, h: np.ndarray, rtol: float, atol: float) -> tuple[float, float, float, bool]:
    """Coefficient, error estimate, step used and whether two step sizes agreed."""
    differences = np.abs(np.diff(estimates))
    allowed = rtol * np.abs(estimates[1:]) + atol
    agreeing = np.nonzero(differences <= allowed)[0]
    converged = agreeing.size > 0
    pair = int(agreeing[0]) if converged else int(np.argmin(differences / allowed))
    finer = estimates[pair + 1]
    # Both schemes are second order: halving h quarters the error.
    coefficient = finer + (finer - estimates[pair]) / 3.0
    return float(coefficient), float(differences[pair] / 3.0), float(h[pair + 1]), bool(converged)


def batch_metric(model: Model, parameters: np.ndarray, scenario: Scenario, metric: Metric,
                 settings: SolverSettings) -> np.ndarray:
    """The metric of every row of ``parameters``, integrated as one batch (with the control, if needed)."""
    runs = [scenario] + ([control_scenario(scenario, metric)] if metric.needs_control else [])
    schedules = [run.schedule() for run in runs]
    # The control's breakpoints are a subset of the scenario's, so these samples serve both.
    times = output_times(schedules[0], scenario.simulation.output_step_min)
    members = len(parameters)
    batch = np.vstack([parameters] * len(runs))
    member_schedules = schedules[0] if len(runs) == 1 else [s for s in schedules for _ in range(members)]
    solution = integrate(model, batch, member_schedules, times, settings)
    states = np.moveaxis(solution.states, 1, 2)  # (n_states, samples, members), as observe_batch expects
    summaries = []
    for block, schedule in enumerate(schedules):
        rows = slice(block * members, (block + 1) * members)
        summaries.append(_summaries(model, batch[rows], states[:, :, rows], schedule, times, metric.column))
    return combine(metric, summaries)


def _summaries(model: Model, parameters: np.ndarray, states: np.ndarray, schedule: Schedule, times: np.ndarray,
               column: str) -> dict[str, np.ndarray]:
    """The summary metrics of ``column`` for every member, observed a block of members at a time."""
    inputs = [row[:, None] for row in schedule_inputs(model, schedule, times)]
    members = len(parameters)
    summaries: dict[str, np.ndarray] = {}
    for start in range(0, members, OBSERVE_BLOCK):
        block = slice(start, min(start + OBSERVE_BLOCK, members))
        values = observe_batch(model, parameters[block], states[:, :, block], inputs)[column]
        for statistic, result in batch_metrics(times, values).items():
            summaries.setdefault(statistic, np.empty(members))[block] = result
    return summaries
