"""Leave-one-study-out cross-validation: refit without each study, then predict it.

The fit's own agreement says little about a model with dozens of parameters;
how well it predicts a study it was not fitted to is the honest figure. For
each study, the parameters are refitted to every other study's targets (from
the shipped fit, a warm start, with a bounded number of evaluations) and the
held-out study's targets are simulated with the refitted values.

Results are written after every study, atomically, so an interrupted run keeps
what it finished, and a rerun skips each study whose stored fingerprint is still
current. A study's fingerprint covers what its result depends on: the start, the
model, the evaluation budget, the targets its refit is fitted to (every other
study's fitted targets), its own scored targets and the scenarios of both. So a
new target that is scored but not fitted reruns only its own study, while a
changed fitted target or model reruns every study it reaches.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from myokine_sim.calibration.fit import FITTED_PARAMETERS, FitSettings, fitted_targets, run_fit
from myokine_sim.calibration.targets import Target, load_targets
from myokine_sim.calibration.validate import series_of
from myokine_sim.io import write_json_atomic
from myokine_sim.parameters import load_parameter_set


def studies_of(targets: list[Target]) -> list[str]:
    """Studies with at least one scored, simulable target, in file order."""
    seen: dict[str, None] = {}
    for target in targets:
        if target.scored and target.simulable:
            seen.setdefault(target.study, None)
    return list(seen)


def split_by_study(targets: list[Target], study: str) -> tuple[list[Target], list[Target]]:
    """The targets a refit without ``study`` is fitted to (every other study's fitted targets), and the study's
    scored targets it then predicts; the run and its fingerprint both read them from here."""
    training = [t for t in fitted_targets(targets) if t.study != study]
    held_out = [t for t in targets if t.study == study and t.scored and t.simulable]
    return training, held_out


def predict(targets: list[Target], values: dict[str, float]) -> list[dict]:
    """Simulate ``targets`` with parameter ``values``; one row per target."""
    from myokine_sim.simulation import simulate

    scenarios = sorted({name for t in targets for name in t.scenarios})
    results = {name: simulate(_load(name), parameters=values) for name in scenarios}
    series = series_of(results)
    rows = []
    for target in targets:
        simulated = float(np.asarray(target.evaluate(series)).reshape(-1)[0])
        rows.append({
            "id": target.id,
            "quantity": target.quantity,
            "published": target.published,
            "simulated": simulated,
            "passes": target.passes(simulated),
            "residual": float(np.asarray(target.misfit(np.array([simulated]))).reshape(-1)[0]),
        })
    return rows


#: Target fields that change a refit or a prediction (not the notes, references or failure labels).
FINGERPRINT_FIELDS = ("id", "study", "observable", "observed", "rule", "tolerance", "fit_weight", "scored")


def study_fingerprints(targets: list[Target], max_evaluations: int) -> dict[str, str]:
    """What each study's result depends on, by study: every parameter value each scenario runs with (code
    defaults, its parameter set, its subject), the numbers and rules (with the default tolerances) of the targets
    its refit is fitted to and of its own scored targets, those targets' scenarios as parsed, the model's
    equations and state scales (the solver's absolute tolerances), the solver's and the fit's settings, and the
    fitted parameters with their bounds. The same inputs give the same text in any process, whatever the order
    of the targets."""
    from myokine_sim.calibration.targets import DEFAULT_TOLERANCE
    from myokine_sim.model import build_model
    from myokine_sim.simulation import resolve_parameters
    from myokine_sim.solver import SolverSettings

    def digest(*parts: object) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()

    model = build_model()
    common = digest(
        load_parameter_set("default"), DEFAULT_TOLERANCE, model.compiled.source,
        [(state.name, state.scale, state.floor) for state in model.states], SolverSettings().as_dict(),
        FitSettings(max_evaluations=max_evaluations).as_dict(),
        [(name, model.parameter(name).lower, model.parameter(name).upper) for name in FITTED_PARAMETERS],
    )
    target_digests = {target.id: digest(target.model_dump(mode="json", include=set(FINGERPRINT_FIELDS)))
                      for target in targets}
    # The scenarios as parsed, so that a comment (the study a scenario mirrors) leaves the results valid; and the
    # values they run with, so that a changed code default is seen although the model's source only indexes it.
    scenario_digests = {}
    for name in sorted({name for target in targets for name in target.scenarios}):
        scenario = _load(name)
        scenario_digests[name] = digest(scenario.model_dump(mode="json"), resolve_parameters(scenario, model=model))
    fingerprints = {}
    for study in studies_of(targets):
        training, held_out = split_by_study(targets, study)
        names = sorted({name for target in training + held_out for name in target.scenarios})
        fingerprints[study] = digest(common, sorted(target_digests[t.id] for t in training),
                                     sorted(target_digests[t.id] for t in held_out),
                                     [scenario_digests[name] for name in names])[:20]
    return fingerprints


def current_studies(report: dict, fingerprints: dict[str, str]) -> dict[str, dict]:
    """The studies of a cross-validation ``report`` that are still studies and whose results are still current
    (their stored fingerprint is in ``fingerprints``)."""
    return {study: entry for study, entry in report.get("studies", {}).items()
            if study in fingerprints and entry.get("fingerprint") == fingerprints[study]}


def _load(name: str):
    from myokine_sim.scenario import load_scenario

    return load_scenario(name)


def _refit_without(shared: tuple, study: str) -> tuple[str, dict]:
    """Refit to every study but ``study`` and predict it: one task of an evaluator (any process)."""
    targets, fitted, start, max_evaluations = shared
    started = time.perf_counter()
    training, held_out = split_by_study(targets, study)
    result = run_fit(FitSettings(max_evaluations=max_evaluations), targets=training, start=start,
                     progress=lambda line: None)
    values = dict(zip(result.names, (float(v) for v in result.values)))
    fit_rows = predict(held_out, fitted)
    rows = predict(held_out, values)
    for row, fit_row in zip(rows, fit_rows):
        row["simulated_in_full_fit"] = fit_row["simulated"]
        row["passes_in_full_fit"] = fit_row["passes"]
    return study, {
        "targets": rows,
        "passed": sum(row["passes"] for row in rows),
        "count": len(rows),
        "rms_residual": math.sqrt(sum(row["residual"] ** 2 for row in rows) / len(rows)),
        "refit_cost": result.cost,
        "max_evaluations": max_evaluations,
        "refit_status": result.status,
        "runtime_s": round(time.perf_counter() - started, 1),
    }


def crossvalidate(
    out: Path,
    studies: list[str] | None = None,
    max_evaluations: int = 8,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    workers: int = 1,
    scheduler: str | None = None,
) -> dict:
    """Run the cross-validation for ``studies`` (default: all), appending to ``out`` (JSON).

    The refits run on ``workers`` local processes, or on the Dask cluster at ``scheduler`` (the sweeps'
    evaluators); each finished study is written to ``out`` at once, so an interrupted run keeps it."""
    from myokine_sim.interrupts import stop_on_signals
    from myokine_sim.sweeps.evaluators import make_evaluator

    evaluator = make_evaluator(workers, scheduler)
    targets = load_targets()
    chosen = studies or studies_of(targets)
    unknown = sorted(set(chosen) - set(studies_of(targets)))
    if unknown:
        from myokine_sim.errors import InputError

        raise InputError("--study", None, f"unknown or unscored studies {unknown}; allowed: {studies_of(targets)}")
    fitted = load_parameter_set("default")
    start = {name: fitted[name] for name in FITTED_PARAMETERS if name in fitted}
    settings = {"start": "shipped default parameter set (warm start: see docs/validation.md)",
                "max_evaluations": max_evaluations}
    fingerprints = study_fingerprints(targets, max_evaluations)
    previous = json.loads(out.read_text()) if out.exists() else {}
    report = {"settings": settings, "studies": current_studies(previous, fingerprints)}
    stale = len(previous.get("studies", {})) - len(report["studies"])
    if stale:
        progress(f"{out}: {stale} stored {'study was' if stale == 1 else 'studies were'} run with another start, "
                 "target set, model or budget: dropped, and rerun if chosen")
    pending = [study for study in chosen if study not in report["studies"]]
    for study in chosen:
        if study in report["studies"]:
            progress(f"{study}: still current, skipped")
    if not pending:
        return report
    count = f"{len(pending)} {'study' if len(pending) == 1 else 'studies'}"
    progress(f"refitting without each of {count}, each to the other studies' fitted targets, on {evaluator.place} ...")
    # A stop signal (Ctrl-C, SIGTERM) ends the run cleanly: the studies already written stay.
    with stop_on_signals(), evaluator:
        for number, (study, entry) in enumerate(
                evaluator.run(_refit_without, (targets, fitted, start, max_evaluations),
                              ((study,) for study in pending)), 1):
            report["studies"][study] = {"fingerprint": fingerprints[study], **entry}
            # Studies in file order, so that a partial or parallel run writes the same file as a full serial one.
            report["studies"] = {name: report["studies"][name] for name in studies_of(targets)
                                 if name in report["studies"]}
            write_json_atomic(out, report)
            progress(f"[{number}/{len(pending)}] {study}: predicted {entry['passed']}/{entry['count']} held-out "
                     f"targets, RMS residual {entry['rms_residual']:.2f} ({entry['runtime_s']:.0f} s)")
    return report


def markdown_table(report: dict) -> list[str]:
    """Per-study lines for docs/validation.md."""
    lines = ["| study | held-out targets passed | RMS residual (tolerance units) | passed in the full fit |",
             "|---|---|---|---|"]
    for study, entry in sorted(report["studies"].items(), key=lambda item: -item[1]["rms_residual"]):
        full = sum(row["passes_in_full_fit"] for row in entry["targets"])
        lines.append(f"| {study} | {entry['passed']}/{entry['count']} | {entry['rms_residual']:.2f} | "
                     f"{full}/{entry['count']} |")
    return lines
