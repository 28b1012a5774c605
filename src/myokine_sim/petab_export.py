"""The shipped calibration problem as a PEtab (format version 1) problem.

PEtab v1 has one model and per-condition parameter overrides, so the export is:

* ``model.xml``: one SBML model holding the schedule of every exported scenario, each scenario's
  events gated by a constant indicator parameter ``condition_<scenario>`` (0 = off; see
  ``sbml.build_gated_document``). States start at the resting steady state by initial assignments,
  so they follow the per-condition subject values and the estimated parameters.
* ``conditions.tsv``: one condition per scenario; its columns switch on the scenario's indicator and
  set the subject values (``subject__*``) and the scenario's ``[parameters]`` overrides.
* ``observables.tsv``: one observable per output column (and transformation) the measurements read.
* ``measurements.tsv``: the fitted targets that are one column's value at one time in one scenario,
  with the published value and its standard deviation from ``models/targets/uncertainty.toml``.
* ``parameters.tsv``: the fitted parameters (log10 scale, bounds from the model, nominal values from
  the parameter set); every other model parameter keeps its SBML value.
* ``problem.yaml`` linking them, and ``README.md`` listing what was skipped and why.

Everything else the fit uses (ratios, differences, folds over rest, window means, peaks, peak times,
one-sided bounds) cannot be stated as a PEtab v1 measurement; the export lists those targets.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from myokine_sim.errors import InputError, MyokineError

PETAB_FORMAT_VERSION = 1
MODEL_FILE = "model.xml"
CONDITION_FILE = "conditions.tsv"
OBSERVABLE_FILE = "observables.tsv"
MEASUREMENT_FILE = "measurements.tsv"
PARAMETER_FILE = "parameters.tsv"
PROBLEM_FILE = "problem.yaml"
README_FILE = "README.md"
#: Prefix of the indicator parameter that switches on one scenario's schedule.
INDICATOR_PREFIX = "condition_"
#: Rules whose targets are Gaussian on the log of the value (``likelihood._LOG_RULES``).
LOG_RULES = {"factor"}
#: Rules whose targets are Gaussian on the value itself.
LINEAR_RULES = {"within_fraction"}

_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ExportedMeasurement:
    target_id: str
    observable_id: str
    condition_id: str
    time_min: float
    value: float
    sd: float  # on the observable's transformed scale (natural log for log observables)


@dataclass(frozen=True)
class SkippedTarget:
    target_id: str
    reason: str


@dataclass
class PetabProblem:
    """The tables of the export, as text, and what was exported and skipped."""

    files: dict[str, str]  # file name -> contents
    measurements: list[ExportedMeasurement]
    skipped: list[SkippedTarget]
    conditions: list[str]  # condition ids = scenario names

    def summary_lines(self) -> list[str]:
        lines = [(f"exported {len(self.measurements)} measurements of "
                 f"{len({m.target_id for m in self.measurements})} targets in {len(self.conditions)} conditions; "
                 f"skipped {len(self.skipped)} targets:")]
        lines += [f"  {s.target_id}: {s.reason}" for s in self.skipped]
        return lines


def skip_reason(target) -> str | None:
    """Why ``target`` cannot be a PEtab v1 measurement, or ``None`` when it can."""
    from myokine_sim.calibration.targets import Leaf

    if not target.simulable:
        return f"not simulable ({target.status})"
    if target.fit_weight <= 0.0:
        return "not fitted (fit_weight 0)"
    reading = target.observable
    if not isinstance(reading, Leaf):
        return (f"{reading.operation} of {len(reading.parts)} readings; a PEtab v1 measurement is one "
                f"observable's value in one condition")
    if reading.mean is not None:
        return "time average over a window; PEtab v1 measures values at time points"
    if reading.peak is not None:
        return "peak over a window; PEtab v1 measures values at time points"
    if reading.peak_time is not None:
        return "time of a peak; PEtab v1 measures values at time points"
    if reading.relative_to is not None:
        return (f"fold over the value at {reading.relative_to:g} min, which depends on the estimated "
                f"parameters (not a fixed number of the condition)")
    if reading.scale != 1.0:
        return f"reading scaled by {reading.scale:g}"
    if target.rule not in LOG_RULES | LINEAR_RULES:
        return f"one-sided or comparative rule {target.rule!r}; not a value with a Gaussian error"
    return None


def _measurement_sd(target, noise) -> float:
    """The target's standard deviation on its observable's scale (``likelihood._sigma`` undone)."""
    if target.rule in LOG_RULES:
        return noise.sigma * math.log(target.limit)
    return noise.sigma * target.limit * abs(target.observed)


def build_problem(parameter_set: str = "default") -> PetabProblem:
    """The PEtab tables of the shipped calibration problem with ``parameter_set``'s values."""
    from myokine_sim.calibration.fit import FITTED_PARAMETERS, positive_lower_bound
    from myokine_sim.calibration.likelihood import load_noise
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.model import build_model
    from myokine_sim.parameters import load_parameter_set
    from myokine_sim.sbml import build_gated_document, checked_text, sbml_ids
    from myokine_sim.scenario import load_scenario

    model = build_model()
    ids = sbml_ids(model)
    targets = load_targets()
    noise = load_noise(targets)
    values = dict(zip(model.parameter_names, model.default_values()))
    values.update(load_parameter_set(parameter_set, model))

    exported, skipped = [], []
    for target in targets:
        reason = skip_reason(target)
        if reason is None:
            exported.append(target)
        else:
            skipped.append(SkippedTarget(target.id, reason))
    if not exported:
        raise MyokineError("no calibration target can be stated as a PEtab v1 measurement")

    scenario_names = list(dict.fromkeys(t.observable.scenario for t in exported))
    scenarios = {name: load_scenario(name) for name in scenario_names}
    overrides = {name: scenario.parameter_overrides() for name, scenario in scenarios.items()}
    for name, scenario in scenarios.items():
        clash = set(overrides[name]) & set(FITTED_PARAMETERS)
        if clash:
            raise MyokineError(f"scenario {name} sets fitted parameters {sorted(clash)}")
        if scenario.simulation.parameter_set != "default":
            raise MyokineError(f"scenario {name} uses parameter set {scenario.simulation.parameter_set!r}; the "
                               f"export gives every condition one parameter set")
        if not _ID.fullmatch(name):
            raise MyokineError(f"scenario name {name!r} is not a valid PEtab id")
    overridden = sorted({parameter for values_ in overrides.values() for parameter in values_})

    indicators = {name: INDICATOR_PREFIX + name for name in scenario_names}
    document = build_gated_document(
        "myokine_calibration",
        "myokine_sim model with the schedules of the calibration scenarios (PEtab export).",
        {indicators[name]: scenarios[name].schedule() for name in scenario_names},
        values,
        {indicators[name]: f"Scenario {name}: {scenarios[name].description}" for name in scenario_names},
    )
    files = {MODEL_FILE: checked_text(document)}

    # Conditions: indicators, subject values and [parameters] overrides (the set's value where not overridden).
    condition_rows = []
    for name in scenario_names:
        row = {"conditionId": name, "conditionName": scenarios[name].description or name}
        row.update({indicators[other]: 1.0 if other == name else 0.0 for other in scenario_names})
        row.update({ids[parameter]: overrides[name].get(parameter, values[parameter]) for parameter in overridden})
        condition_rows.append(row)
    files[CONDITION_FILE] = _tsv(condition_rows)

    # Observables: one per column and transformation.
    transforms = {t.id: ("log" if t.rule in LOG_RULES else "lin") for t in exported}
    kinds: dict[str, set[str]] = {}
    for target in exported:
        kinds.setdefault(target.observable.column, set()).add(transforms[target.id])
    observable_ids, observable_rows = {}, []
    for column, column_kinds in kinds.items():
        for kind in sorted(column_kinds):
            observable_id = f"obs_{column}" + (f"_{kind}" if len(column_kinds) > 1 else "")
            observable_ids[(column, kind)] = observable_id
            unit = model.units.get(column, "")
            observable_rows.append({
                "observableId": observable_id,
                "observableName": f"{column} ({unit})" if unit else column,
                "observableFormula": ids[column],
                "observableTransformation": kind,
                "noiseFormula": f"noiseParameter1_{observable_id}",
                "noiseDistribution": "normal",
            })
    files[OBSERVABLE_FILE] = _tsv(observable_rows)

    measurements = [
        ExportedMeasurement(
            target.id, observable_ids[(target.observable.column, transforms[target.id])], target.observable.scenario,
            float(target.observable.at), float(target.observed), _measurement_sd(target, noise[target.id]),
        )
        for target in exported
    ]
    files[MEASUREMENT_FILE] = _tsv([
        {"observableId": m.observable_id, "simulationConditionId": m.condition_id, "time": m.time_min,
         "measurement": m.value, "noiseParameters": m.sd, "datasetId": m.target_id}
        for m in measurements
    ])

    parameter_rows = []
    for name in FITTED_PARAMETERS:
        parameter = model.parameter(name)
        lower = positive_lower_bound(parameter)  # log10 scale needs a positive lower bound
        nominal = values[name]
        if not lower <= nominal <= parameter.upper:
            raise MyokineError(f"{name} = {nominal:g} lies outside its bounds {lower:g}-{parameter.upper:g}")
        parameter_rows.append({
            "parameterId": ids[name], "parameterName": name, "parameterScale": "log10",
            "lowerBound": lower, "upperBound": parameter.upper, "nominalValue": nominal, "estimate": 1,
        })
    files[PARAMETER_FILE] = _tsv(parameter_rows)
    files[PROBLEM_FILE] = _problem_yaml()
    problem = PetabProblem(files, measurements, skipped, scenario_names)
    files[README_FILE] = _readme(problem, parameter_set)
    return problem


def write_problem(directory: Path | str, parameter_set: str = "default") -> PetabProblem:
    """Write the PEtab problem into ``directory`` (new or empty) as a whole; a failure leaves nothing."""
    from myokine_sim.io import staged_directory, write_text_atomic

    check_directory(directory)
    problem = build_problem(parameter_set)
    with staged_directory(Path(directory), "DIR") as staging:
        for name, text in problem.files.items():
            write_text_atomic(staging / name, text)
    return problem


def _number(value) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def _tsv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _number(value) for key, value in row.items()})
    return buffer.getvalue()


def _problem_yaml() -> str:
    return (
        f"format_version: {PETAB_FORMAT_VERSION}\n"
        f"parameter_file: {PARAMETER_FILE}\n"
        "problems:\n"
        f"- condition_files: [{CONDITION_FILE}]\n"
        f"  measurement_files: [{MEASUREMENT_FILE}]\n"
        f"  observable_files: [{OBSERVABLE_FILE}]\n"
        f"  sbml_files: [{MODEL_FILE}]\n"
    )


def _readme(problem: PetabProblem, parameter_set: str) -> str:
    lines = [
        "# myokine_sim calibration problem (PEtab v1)",
        "",
        (f"Written by `myokine export-petab` with parameter set `{parameter_set}`. Load `{PROBLEM_FILE}` with "
        "`petab.v1.Problem.from_yaml`, pyPESTO or AMICI. Time is in minutes."),
        "",
        (f"- `{MODEL_FILE}`: one SBML L3V2 model; each scenario's schedule runs only while its indicator "
        f"`{INDICATOR_PREFIX}<scenario>` is 1."),
        f"- `{CONDITION_FILE}`: one condition per scenario (indicator, subject values, scenario overrides).",
        (f"- `{OBSERVABLE_FILE}`: one observable per output column; `log` observables are factor targets "
        "(Gaussian on the natural log, as in `myokine posterior`), `lin` ones glycogen targets."),
        (f"- `{MEASUREMENT_FILE}`: published values; `noiseParameters` is the standard deviation on the "
        "observable's scale (natural log for `log`), `datasetId` the target id."),
        f"- `{PARAMETER_FILE}`: the fitted parameters, log10 scale, bounds from the model.",
        "",
        f"## Exported: {len(problem.measurements)} targets in {len(problem.conditions)} conditions",
        "",
        *(f"- {m.target_id}: `{m.observable_id}` in `{m.condition_id}` at {m.time_min:g} min = {m.value:g}"
          for m in problem.measurements),
        "",
        f"## Skipped: {len(problem.skipped)} targets",
        "",
        ("PEtab v1 states a measurement as one observable's value at one time in one condition; these targets "
        "are not of that form."),
        "",
        *(f"- {s.target_id}: {s.reason}" for s in problem.skipped),
        "",
    ]
    return "\n".join(lines)


def check_directory(directory: Path | str) -> None:
    """Refuse an unusable DIR before any work (``InputError`` names it)."""
    from myokine_sim.io import check_output_path

    check_output_path(directory, "DIR", folder=True)
    if Path(directory).is_dir() and any(Path(directory).iterdir()):
        raise InputError("DIR", str(directory), "is not empty; allowed: a new or empty folder")
