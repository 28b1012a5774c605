"""Leave-one-study-out cross-validation: refit without each study, then predict it.

The fit's own agreement says little about a model with dozens of parameters;
how well it predicts a study it was not fitted to is the honest figure. For
each study, the parameters are refitted to every other study's targets (from
the shipped fit, a warm start, with a bounded number of evaluations) and the
held-out study's targets are simulated with the refitted values.

Results are written after every study, atomically, so an interrupted run keeps
what it finished and a rerun skips the studies already in the file, as long as the
file was made from the same start, targets, model and evaluation budget (its
fingerprint); a file from anything else is started afresh.
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


def fingerprint(targets: list[Target], max_evaluations: int) -> str:
    """What the results depend on: every parameter value each scenario runs with (code defaults, its parameter
    set, its subject), the targets' numbers and rules with the default tolerances, the scenarios as parsed, the
    model's equations and the fit's settings; the same inputs give the same text in any process."""
    from myokine_sim.calibration.targets import DEFAULT_TOLERANCE
    from myokine_sim.model import build_model
    from myokine_sim.simulation import resolve_parameters

    model = build_model()
    digest = hashlib.sha256()
    digest.update(json.dumps(load_parameter_set("default"), sort_keys=True).encode())
    digest.update(json.dumps(DEFAULT_TOLERANCE, sort_keys=True).encode())
    for target in sorted(targets, key=lambda target: target.id):  # the order of the file does not matter
        fields = target.model_dump(mode="json", include=set(FINGERPRINT_FIELDS))
        digest.update(json.dumps(fields, sort_keys=True, default=repr).encode())
    # The scenarios as parsed, so that a comment (the study a scenario mirrors) leaves the results valid; and the
    # values they run with, so that a changed code default is seen although the model's source only indexes it.
    for name in sorted({name for target in targets for name in target.scenarios}):
        scenario = _load(name)
        digest.update(json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode())
        digest.update(json.dumps(resolve_parameters(scenario, model=model), sort_keys=True).encode())
    digest.update(model.compiled.source.encode())
    digest.update(json.dumps(FitSettings(max_evaluations=max_evaluations).as_dict(), sort_keys=True).encode())
    return digest.hexdigest()[:20]


def _load(name: str):
    from myokine_sim.scenario import load_scenario

    return load_scenario(name)


def crossvalidate(
    out: Path,
    studies: list[str] | None = None,
    max_evaluations: int = 8,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> dict:
    """Run the cross-validation for ``studies`` (default: all), appending to ``out`` (JSON)."""
    targets = load_targets()
    chosen = studies or studies_of(targets)
    unknown = sorted(set(chosen) - set(studies_of(targets)))
    if unknown:
        from myokine_sim.errors import InputError

        raise InputError("--study", None, f"unknown or unscored studies {unknown}; allowed: {studies_of(targets)}")
    fitted = load_parameter_set("default")
    start = {name: fitted[name] for name in FITTED_PARAMETERS if name in fitted}
    settings = {"start": "shipped default parameter set (warm start: see docs/validation.md)",
                "max_evaluations": max_evaluations, "fingerprint": fingerprint(targets, max_evaluations)}
    report = json.loads(out.read_text()) if out.exists() else {"settings": settings, "studies": {}}
    if report.get("settings", {}).get("fingerprint") != settings["fingerprint"]:
        if report.get("studies"):
            progress(f"{out} holds results of another start, target set, model or budget: starting afresh")
        report = {"settings": settings, "studies": {}}
    for number, study in enumerate(chosen, 1):
        if study in report["studies"]:
            progress(f"[{number}/{len(chosen)}] {study}: already done, skipped")
            continue
        started = time.perf_counter()
        held_out = [t for t in targets if t.study == study and t.scored and t.simulable]
        training = [t for t in fitted_targets(targets) if t.study != study]
        progress(f"[{number}/{len(chosen)}] {study}: refitting to {len(training)} targets without it ...")
        result = run_fit(FitSettings(max_evaluations=max_evaluations), targets=training, start=start,
                         progress=lambda line: None)
        values = dict(zip(result.names, (float(v) for v in result.values)))
        fit_rows = predict(held_out, fitted)
        rows = predict(held_out, values)
        for row, fit_row in zip(rows, fit_rows):
            row["simulated_in_full_fit"] = fit_row["simulated"]
            row["passes_in_full_fit"] = fit_row["passes"]
        report["studies"][study] = {
            "targets": rows,
            "passed": sum(row["passes"] for row in rows),
            "count": len(rows),
            "rms_residual": math.sqrt(sum(row["residual"] ** 2 for row in rows) / len(rows)),
            "refit_cost": result.cost,
            "max_evaluations": max_evaluations,
            "refit_status": result.status,
            "runtime_s": round(time.perf_counter() - started, 1),
        }
        write_json_atomic(out, report)
        entry = report["studies"][study]
        progress(f"    predicted {entry['passed']}/{entry['count']} held-out targets, RMS residual "
                 f"{entry['rms_residual']:.2f} ({entry['runtime_s']:.0f} s)")
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
