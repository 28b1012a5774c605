"""PEtab export of the calibration problem: the linter, the tables' values, and the model's behaviour.

The SBML model of the export holds every exported scenario's schedule, gated by indicator parameters;
a condition is simulated here as a PEtab tool does it: the condition row's values are written into
the model's parameters, then libRoadRunner integrates it. That run must match ``simulate`` of the
scenario with the criterion of ``test_sbml.py`` (tolerance-normalised error per column).
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim import petab_export
from myokine_sim.calibration.fit import FITTED_PARAMETERS
from myokine_sim.calibration.likelihood import load_noise
from myokine_sim.calibration.targets import load_targets
from myokine_sim.cli import app
from myokine_sim.model import build_model
from myokine_sim.parameters import load_parameter_set
from myokine_sim.sbml import build_gated_document, sbml_id
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import simulate
from myokine_sim.solver import SolverSettings

from conftest import configure_cvode, normalised_error

libsbml = pytest.importorskip("libsbml", reason="the PEtab export needs the [sbml] extra")

RTOL = 1e-4
ATOL_FRACTION = 1e-4
ABSOLUTE_FLOOR = 1e-9
MAX_NORMALISED_ERROR = 5.0
#: As in test_sbml.py: CVODE is compared up to 12 h.
ROADRUNNER_SPAN_MIN = 720.0
REFERENCE_SETTINGS = SolverSettings(rtol=1e-9, atol_fraction=1e-9)
#: A dose event (endotoxin bolus at 60 min), a subject override (low starting glycogen), a plain bout.
COMPARED_CONDITIONS = ("endotoxin_2ngkg", "knee_extension_3h_low_glycogen", "cycling_60min_44pct_fasted")


def read_tsv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("petab") / "problem"
    problem = petab_export.write_problem(folder)
    return folder, problem


def test_petab_linter_accepts_the_export(exported):
    petab = pytest.importorskip("petab.v1", reason="the linter check needs petab (pip install 'petab>=0.5')")
    folder, _ = exported
    problem = petab.Problem.from_yaml(folder / petab_export.PROBLEM_FILE)
    assert petab.lint_problem(problem) is False
    assert len(problem.measurement_df) > 0 and len(problem.condition_df) > 1


def test_every_target_is_exported_or_skipped_with_a_reason(exported):
    folder, problem = exported
    exported_ids = [m.target_id for m in problem.measurements]
    skipped_ids = [s.target_id for s in problem.skipped]
    assert sorted(exported_ids + skipped_ids) == sorted(t.id for t in load_targets())
    readme = (folder / petab_export.README_FILE).read_text(encoding="utf-8")
    for skipped in problem.skipped:
        assert skipped.reason and f"- {skipped.target_id}: {skipped.reason}" in readme


def test_nominal_parameters_equal_the_shipped_set(exported):
    folder, _ = exported
    shipped = load_parameter_set("default")
    model = build_model()
    rows = {row["parameterId"]: row for row in read_tsv(folder / petab_export.PARAMETER_FILE)}
    assert set(rows) == {sbml_id(name) for name in FITTED_PARAMETERS}
    for name in FITTED_PARAMETERS:
        row = rows[sbml_id(name)]
        assert float(row["nominalValue"]) == shipped.get(name, model.parameter(name).value)
        assert row["parameterScale"] == "log10" and row["estimate"] == "1"
        assert float(row["lowerBound"]) <= float(row["nominalValue"]) <= float(row["upperBound"])
    # The model's own values are the set's too, for tools that read them from the SBML.
    document = libsbml.readSBMLFromFile(str(folder / petab_export.MODEL_FILE))
    for name, value in shipped.items():
        # libsbml writes 15 significant digits.
        assert document.getModel().getParameter(sbml_id(name)).getValue() == pytest.approx(value, rel=1e-14)


def test_every_measurement_is_its_targets_observed_value(exported):
    folder, problem = exported
    targets = {t.id: t for t in load_targets()}
    noise = load_noise(list(targets.values()))
    observables = {row["observableId"]: row for row in read_tsv(folder / petab_export.OBSERVABLE_FILE)}
    rows = read_tsv(folder / petab_export.MEASUREMENT_FILE)
    assert len(rows) == len(problem.measurements)
    for row in rows:
        target = targets[row["datasetId"]]
        reading = target.observable
        assert float(row["measurement"]) == target.observed
        assert float(row["time"]) == reading.at and row["simulationConditionId"] == reading.scenario
        observable = observables[row["observableId"]]
        assert observable["observableFormula"] == sbml_id(reading.column)
        sd = float(row["noiseParameters"])
        if target.rule == "factor":  # Gaussian on the log: sd = sqrt(ln(1 + cv^2))
            assert observable["observableTransformation"] == "log"
            cv = math.sqrt(math.expm1((noise[target.id].sigma * math.log(target.limit)) ** 2))
            assert sd == pytest.approx(math.sqrt(math.log1p(cv * cv)))
        else:
            assert observable["observableTransformation"] == "lin"
            assert sd == pytest.approx(noise[target.id].sigma * target.limit * target.observed)
        assert sd > 0


def test_conditions_switch_on_one_schedule_each(exported):
    folder, problem = exported
    rows = read_tsv(folder / petab_export.CONDITION_FILE)
    assert [row["conditionId"] for row in rows] == problem.conditions
    for row in rows:
        scenario = load_scenario(row["conditionId"])
        switched_on = [key for key, value in row.items()
                       if key.startswith(petab_export.INDICATOR_PREFIX) and float(value) == 1.0]
        assert switched_on == [petab_export.INDICATOR_PREFIX + row["conditionId"]]
        for name, value in scenario.parameter_overrides().items():
            assert float(row[sbml_id(name)]) == value


@pytest.fixture(scope="module")
def roadrunner():
    return pytest.importorskip("roadrunner", reason="comparison tests need libroadrunner")


def _run_condition(roadrunner, xml: str, condition: dict, times: np.ndarray, columns: list[str]) -> np.ndarray:
    """Apply a condition row to the model's parameters (as a PEtab tool does), then integrate."""
    document = libsbml.readSBMLFromString(xml)
    for key, value in condition.items():
        if key in ("conditionId", "conditionName"):
            continue
        element = document.getModel().getParameter(key)
        assert element is not None, key
        element.setValue(float(value))
    runner = roadrunner.RoadRunner(libsbml.writeSBMLToString(document))
    configure_cvode(runner, REFERENCE_SETTINGS.atol_fraction)
    runner.resetAll()
    return np.asarray(runner.simulate(times=times, selections=columns))


def _assert_matches_simulate(roadrunner, xml: str, condition: dict, scenario_name: str,
                             measured_times: list[float]) -> None:
    result = simulate(load_scenario(scenario_name), settings=REFERENCE_SETTINGS)
    kept = result.time_min <= ROADRUNNER_SPAN_MIN
    times = result.time_min[kept]
    assert set(measured_times) <= set(times.tolist()), "the measurement times are output samples"
    columns = result.column_names
    trajectories = _run_condition(roadrunner, xml, condition, times, columns)
    for index, column in enumerate(columns):
        reference = np.asarray(result[column])[kept]
        atol = max(ATOL_FRACTION * float(np.max(np.abs(reference))), ABSOLUTE_FLOOR)
        error = normalised_error(trajectories[:, index], reference, RTOL, atol)
        worst = int(np.argmax(error))
        assert error[worst] <= MAX_NORMALISED_ERROR, (
            f"{scenario_name}: {column} at t={times[worst]:g} min: roadrunner {trajectories[worst, index]:.8g} "
            f"vs myokine_sim {reference[worst]:.8g} (normalised error {error[worst]:.3g})"
        )


@pytest.mark.parametrize("condition_id", COMPARED_CONDITIONS)
def test_a_condition_of_the_exported_model_matches_simulate(exported, roadrunner, condition_id):
    folder, problem = exported
    conditions = {row["conditionId"]: row for row in read_tsv(folder / petab_export.CONDITION_FILE)}
    measured = [m.time_min for m in problem.measurements if m.condition_id == condition_id]
    assert measured, f"{condition_id} has exported measurements"
    xml = (folder / petab_export.MODEL_FILE).read_text(encoding="utf-8")
    _assert_matches_simulate(roadrunner, xml, conditions[condition_id], condition_id, measured)


def test_gated_model_runs_a_drink_schedule(roadrunner):
    """No exported condition drinks, so the drink boluses' gated events are checked here directly."""
    first, drinks = "cycling_20min_64pct", "recovery_glucose_90g_per_h"
    scenarios = {name: load_scenario(name) for name in (first, drinks)}
    assert scenarios[drinks].schedule().boluses, "the scenario has drinks"
    values = dict(zip(build_model().parameter_names, build_model().default_values()))
    values.update(load_parameter_set("default"))
    document = build_gated_document("gated", "test", {f"on_{n}": s.schedule() for n, s in scenarios.items()},
                                    values, {})
    condition = {f"on_{first}": 0.0, f"on_{drinks}": 1.0}
    condition.update({sbml_id(k): v for k, v in scenarios[drinks].parameter_overrides().items()})
    _assert_matches_simulate(roadrunner, libsbml.writeSBMLToString(document), condition, drinks, [])


# ------------------------------------------------------------------- command


def test_export_petab_command_writes_the_problem(tmp_path):
    folder = tmp_path / "petab"
    outcome = CliRunner().invoke(app, ["export-petab", str(folder)])
    assert outcome.exit_code == 0, outcome.output
    assert "skipped" in outcome.output and "C01:" in outcome.output
    assert {p.name for p in folder.iterdir()} == {
        petab_export.MODEL_FILE, petab_export.CONDITION_FILE, petab_export.OBSERVABLE_FILE,
        petab_export.MEASUREMENT_FILE, petab_export.PARAMETER_FILE, petab_export.PROBLEM_FILE,
        petab_export.README_FILE,
    }


def test_export_petab_refuses_a_file_as_dir(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("x")
    outcome = CliRunner().invoke(app, ["export-petab", str(path)])
    assert outcome.exit_code == 2
    assert "not a folder" in outcome.output and "Traceback" not in outcome.output


def test_export_petab_unknown_parameter_set_leaves_nothing(tmp_path):
    folder = tmp_path / "new" / "petab"
    outcome = CliRunner().invoke(app, ["export-petab", str(folder), "--parameter-set", "no_such_set"])
    assert outcome.exit_code == 2
    assert "unknown parameter set" in outcome.output and "Traceback" not in outcome.output
    assert not (tmp_path / "new").exists()


def test_a_failed_export_leaves_no_partial_folder(tmp_path, monkeypatch):
    folder = tmp_path / "petab"

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device", str(folder))

    monkeypatch.setattr("myokine_sim.io.write_text_atomic", broken)
    outcome = CliRunner().invoke(app, ["export-petab", str(folder)])
    assert outcome.exit_code != 0 and "Traceback" not in outcome.output
    assert list(tmp_path.iterdir()) == []
