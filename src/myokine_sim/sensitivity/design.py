"""What the global methods share: SALib (imported on demand), the unit hypercube and the sweep evaluation.

SALib draws its designs on the unit hypercube; ``Space.ppf`` maps them to
parameter values through each variable's distribution (the same code a sweep
uses), and the members are evaluated as a sweep of the given matrix
(``sweeps.given``): batched, chunked, on worker processes or Dask.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.extras import install_hint
from myokine_sim.limits import MAX_SWEEP_MEMBERS
from myokine_sim.model import build_model
from myokine_sim.scenario import Scenario
from myokine_sim.sensitivity.metric import evaluate_metric, parse_metric
from myokine_sim.sensitivity.problem import load, resolve_space
from myokine_sim.sensitivity.result import SensitivityResult
from myokine_sim.solver import SolverSettings
from myokine_sim.sweeps.progress import ProgressCallback
from myokine_sim.sweeps.space import Space


def salib(module: str, method: str):
    """``SALib.<module>``; SALib is an optional dependency."""
    try:
        return importlib.import_module(f"SALib.{module}")
    except ImportError:
        raise InputError("method", method, f"needs SALib; install {install_hint('sensitivity')}") from None


def unit_problem(space: Space) -> dict:
    """SALib's problem over the unit hypercube, with the space's names."""
    return {"num_vars": len(space), "names": space.names, "bounds": [[0.0, 1.0]] * len(space)}


def to_values(space: Space, unit: np.ndarray) -> np.ndarray:
    """Points of the unit hypercube as parameter values."""
    lower = np.array([v.lower for v in space.variables])
    upper = np.array([v.upper for v in space.variables])
    # exp(log(x)) may land one rounding step outside a bound.
    return np.clip(space.ppf(unit), lower, upper)


def run_global(
    method: str,
    scenario: Scenario | str | Path,
    metric: str,
    params: Sequence[str] | None,
    problem: dict | None,
    factor: float,
    seed: int,
    samples: int,
    design: Callable[[dict, int], tuple[np.ndarray, list[str]]],
    analyse: Callable[[dict, np.ndarray, np.ndarray, Space], list[dict]],
    options: dict,
    workers: int,
    scheduler: str | None,
    progress: bool | ProgressCallback | None,
) -> SensitivityResult:
    """Validate, draw ``design(unit_problem, seed)``, evaluate every member, ``analyse`` and wrap up.

    ``design`` returns the unit-hypercube points and notes; ``analyse`` gets
    the unit problem, the points, the metric values and the space, and
    returns one row per parameter.
    """
    started = time.monotonic()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError("seed", str(seed), "must be a whole number of at least 0")
    scenario, source = load(scenario)
    model = build_model()
    parsed = parse_metric(metric, model)
    space = resolve_space(scenario, problem, params, factor, model)
    unit = unit_problem(space)
    # Morris draws samples x (D + 1) points and Sobol' samples x (D + 2): checked before any is drawn.
    runs = int(samples) * (len(space) + 2)
    if runs > MAX_SWEEP_MEMBERS:
        raise InputError("samples", str(samples), f"{samples} x ({len(space)} parameters + 2) = {runs} runs; allowed: "
                                                   f"at most {MAX_SWEEP_MEMBERS} (fewer samples or parameters)")
    points, notes = design(unit, int(seed))
    values = evaluate_metric(scenario, parsed, space, to_values(space, points), workers=workers,
                             scheduler=scheduler, progress=progress)
    rows = analyse(unit, points, values, space)
    for row, variable in zip(rows, space.variables):
        row.update({"unit": variable.unit, "lower": variable.lower, "upper": variable.upper, "dist": variable.dist})
    if np.ptp(values) == 0.0:
        notes.append("the metric does not vary over these ranges: every index is 0")
    return SensitivityResult(
        method=method, scenario=scenario, source=source, metric=parsed,
        rows=[_ordered(row) for row in rows], problem=space.as_problem(), options=options,
        solver=SolverSettings(rtol=scenario.simulation.rtol).as_dict(),
        runs=len(points) * (2 if parsed.needs_control else 1), elapsed_s=time.monotonic() - started,
        seed=int(seed), samples=samples, notes=notes,
    )


def _ordered(row: dict) -> dict:
    """The parameter and its range first, then the indices."""
    first = ("parameter", "unit", "lower", "upper", "dist")
    return {**{key: row[key] for key in first}, **{key: value for key, value in row.items() if key not in first}}
