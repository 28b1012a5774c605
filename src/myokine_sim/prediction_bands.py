"""Prediction bands: a scenario simulated for posterior draws of the parameters, as one batch.

``myokine run SCENARIO --uncertainty N`` adds ``<column>_p05``, ``_p50`` and ``_p95`` for every output
column the parameters can change (the 5%, 50% and 95% quantiles over the draws at each time; the schedule's
inputs, such as the intensity, get none) and intervals of the headline numbers. The plain columns stay the
run with the parameter set's values (the point fit).
"""

from __future__ import annotations

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.results import HEADLINE_AFTER_BOUT_MIN, Result
from myokine_sim.scenario import Scenario

#: Quantile suffixes of the band columns.
BAND_SUFFIXES = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
#: At most this many draws in one run (one batch through the solver).
MAX_DRAWS = 2000


def band_columns_of(column: str) -> tuple[str, str, str]:
    return tuple(f"{column}_{suffix}" for suffix in BAND_SUFFIXES)


def check_draws(n: int) -> None:
    if not 1 <= n <= MAX_DRAWS:
        raise InputError("--uncertainty", None, f"got {n}; allowed: 1 to {MAX_DRAWS} posterior draws")


def posterior_matrix(scenario: Scenario, n: int, seed: int, posterior=None) -> tuple[np.ndarray, dict]:
    """Parameter rows of ``n`` posterior draws for ``scenario`` and what was drawn.

    The scenario's own values (its ``[parameters]``, subject and ``--set``) win over the draws.
    """
    from myokine_sim.calibration.posterior_files import load_posterior
    from myokine_sim.model import build_model
    from myokine_sim.parameters import parameter_vector
    from myokine_sim.simulation import resolve_parameters

    check_draws(n)
    if scenario.simulation.parameter_set != "default":
        raise InputError("--uncertainty", None, "the shipped posterior belongs to the default parameter set; "
                                                f"this run uses {scenario.simulation.parameter_set!r}")
    sample = posterior if posterior is not None else load_posterior()
    model = build_model()
    values = resolve_parameters(scenario, model=model)
    kept = set(scenario.parameter_overrides())
    drawn = [k for k, name in enumerate(sample.names) if name not in kept]
    matrix = np.tile(parameter_vector(model, values), (n, 1))
    rows = sample.rows(n, seed)
    for k in drawn:
        matrix[:, model.parameter_index[sample.names[k]]] = rows[:, k]
    info = {"draws": n, "seed": seed, "sampled_parameters": [sample.names[k] for k in drawn],
            "held_by_scenario": sorted(kept & set(sample.names)),
            "posterior_sha256": sample.provenance.get("sample_sha256"),
            "posterior_created_utc": sample.provenance.get("created_utc")}
    return matrix, info


def with_bands(result: Result, scenario: Scenario, n: int, seed: int = 0, posterior=None,
               columns: tuple[str, ...] | None = None) -> Result:
    """``result`` with band columns and ``metadata['uncertainty']`` (headline intervals).

    Bands are added for ``columns`` (default: every column of ``result``), except the schedule's inputs, which
    no parameter changes.
    """
    from myokine_sim.calibration.runs import observe_batch
    from myokine_sim.model import build_model
    from myokine_sim.simulation import schedule_inputs
    from myokine_sim.solver import SolverSettings, integrate

    model = build_model()
    matrix, info = posterior_matrix(scenario, n, seed, posterior)
    schedule = scenario.schedule()
    times = result.time_min
    solution = integrate(model, matrix, schedule, times, SolverSettings(rtol=scenario.simulation.rtol))
    observed = observe_batch(model, matrix, solution.states, schedule_inputs(model, schedule, times))
    banded = [c for c in (result.columns if columns is None else columns) if c not in model.input_names]
    out_columns = dict(result.columns)
    units = dict(result.units)
    for column in dict.fromkeys(banded):
        quantiles = np.quantile(observed[column], list(BAND_SUFFIXES.values()), axis=0)
        for name, values in zip(band_columns_of(column), quantiles):
            out_columns[name] = values
            units[name] = result.units[column]
    info["headline"] = headline_intervals(result, observed)
    return Result(result.scenario_name, result.time_min, out_columns, units, result.parameters,
                  result.exercise_periods, {**result.metadata, "uncertainty": info})


def headline_intervals(result: Result, observed: dict[str, np.ndarray]) -> dict:
    """5/50/95% of each headline number over the draws (each draw's own peak and nadir)."""
    time = result.time_min
    il6 = np.asarray(observed["plasma_il6_pg_ml"])
    if result.exercise_periods:
        inside = np.zeros(time.shape, dtype=bool)
        for start, end in result.exercise_periods:
            inside |= (time >= start) & (time <= end + HEADLINE_AFTER_BOUT_MIN)
    else:
        inside = np.ones(time.shape, dtype=bool)
    masked = np.where(inside, il6, -np.inf)
    peak_index = np.argmax(masked, axis=1)
    rows = np.arange(len(il6))
    peak = il6[rows, peak_index]
    glycogen = np.asarray(observed["muscle_glycogen_mmol_kg_dw"])
    metrics = {
        "plasma_il6_pg_ml": {"peak": peak, "time_of_peak_min": time[peak_index], "fold_peak": peak / il6[:, 0]},
        "muscle_glycogen_mmol_kg_dw": {"min": glycogen.min(axis=1), "time_of_min_min": time[glycogen.argmin(axis=1)]},
    }
    return {column: {metric: [float(v) for v in np.quantile(values, list(BAND_SUFFIXES.values()))]
                     for metric, values in table.items()} for column, table in metrics.items()}


def headline_with_intervals(result: Result) -> list[str]:
    """The three-line summary with a 90% interval after each number."""
    from myokine_sim.runner import headline

    lines = headline(result)
    u = result.metadata.get("uncertainty")
    if not u:
        return lines
    h = u["headline"]
    il6, glycogen = h["plasma_il6_pg_ml"], h["muscle_glycogen_mmol_kg_dw"]
    n = u["draws"]
    return [
        lines[0] + f"; 90% of {n} posterior draws: {il6['peak'][0]:.1f}-{il6['peak'][2]:.1f} pg/mL",
        lines[1] + f"; 90%: {il6['fold_peak'][0]:.1f}-{il6['fold_peak'][2]:.1f}x",
        lines[2] + f"; 90%: {glycogen['min'][0]:.0f}-{glycogen['min'][2]:.0f}",
    ]
