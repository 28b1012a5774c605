"""The COMBINE archive of ``myokine export-omex``: its manifest, its SED-ML, and a run by another engine.

The archive is executed the way a SED-ML tool does it, from the archive alone:
libcombine finds the master SED-ML file, libsedml reads the model source, the
uniform time course, the CVODE settings and the report's data generators, and
libRoadRunner runs the SBML model it names. Nothing of myokine_sim is used to
run it. Its plasma IL-6 and muscle glycogen must match ``myokine run``'s
timeseries.csv under the agreement criterion of ``tests/test_sbml.py``
(normalised error at most 5 with rtol 1e-4 and atol 1e-4 x the column's peak).
"""

from __future__ import annotations

import re
import sys
import zipfile
from xml.etree import ElementTree

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim import sedml
from myokine_sim.cli import app
from myokine_sim.paths import shipped_scenarios
from myokine_sim.results import CONTRACT_COLUMNS
from myokine_sim.scenario import load_scenario

from conftest import normalised_error

libsedml = pytest.importorskip("libsedml", reason="needs the [sbml] extra (python-libsedml)")
libcombine = pytest.importorskip("libcombine", reason="needs the [sbml] extra (python-libcombine)")
roadrunner = pytest.importorskip("roadrunner", reason="needs the [sbml] extra (libroadrunner)")

RTOL = 1e-4
ATOL_FRACTION = 1e-4
MAX_NORMALISED_ERROR = 5.0
#: A sample of scenarios to run: doses at 0 and later, an infusion, endotoxin.
EXECUTED_SCENARIOS = ("marathon", "cycling_120min_glucose", "il6_infusion_low", "endotoxin_rest")
#: Columns the archive's run is compared on.
COMPARED_COLUMNS = ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw", "tnf_alpha_pg_ml")
MANIFEST_NAMESPACE = "{http://identifiers.org/combine.specifications/omex-manifest}"

cli = CliRunner()


def export(name: str, path, *extra: str):
    outcome = cli.invoke(app, ["export-omex", name, "-o", str(path), *extra])
    assert outcome.exit_code == 0, outcome.output
    return path


# ------------------------------------------------------- an independent runner


def _kisao_settings(algorithm) -> dict[str, float]:
    return {algorithm.getAlgorithmParameter(i).getKisaoID(): float(algorithm.getAlgorithmParameter(i).getValue())
            for i in range(algorithm.getNumAlgorithmParameters())}


def execute_archive(path) -> dict[str, np.ndarray]:
    """Run the archive's master SED-ML with libRoadRunner; returns the report's columns by label."""
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(path))
    master = archive.getMasterFile()
    assert "sed-ml" in master.getFormat()
    document = libsedml.readSedMLFromString(archive.extractEntryToString(master.getLocation()))
    assert document.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0

    assert document.getNumTasks() == 1
    task = document.getTask(0)
    model = document.getModel(task.getModelReference())
    simulation = document.getSimulation(task.getSimulationReference())
    assert simulation.getInitialTime() == simulation.getOutputStartTime() == 0.0
    algorithm = simulation.getAlgorithm()
    assert algorithm.getKisaoID() == "KISAO:0000019"  # CVODE, libRoadRunner's default integrator
    settings = _kisao_settings(algorithm)

    runner = roadrunner.RoadRunner(archive.extractEntryToString(model.getSource()))
    runner.integrator.relative_tolerance = settings["KISAO:0000209"]
    runner.integrator.absolute_tolerance = settings["KISAO:0000211"]
    runner.integrator.maximum_num_steps = int(settings["KISAO:0000415"])
    runner.integrator.initial_time_step = settings["KISAO:0000559"]

    report = document.getOutput(0)
    generators = [document.getDataGenerator(report.getDataSet(i).getDataReference())
                  for i in range(report.getNumDataSets())]
    selections = []
    for generator in generators:
        variable = generator.getVariable(0)
        if variable.isSetSymbol():
            assert variable.getSymbol() == "urn:sedml:symbol:time"
            selections.append("time")
        else:
            selections.append(re.fullmatch(r".*\[@id='([^']+)'\]", variable.getTarget()).group(1))
    points = simulation.getNumberOfPoints() + 1  # SED-ML L1V3's numberOfPoints counts intervals
    values = np.asarray(runner.simulate(0.0, simulation.getOutputEndTime(), points, selections=selections))

    columns = {}
    for index, generator in enumerate(generators):
        variable = generator.getVariable(0)
        formula = libsedml.formulaToL3String(generator.getMath())
        assert formula == variable.getId(), "only identity data generators are expected"
        columns[report.getDataSet(index).getLabel()] = values[:, index]
    return columns


def read_timeseries(path) -> dict[str, np.ndarray]:
    data = np.genfromtxt(path, delimiter=",", names=True)
    return {name: np.asarray(data[name], dtype=float) for name in data.dtype.names}


# ------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", EXECUTED_SCENARIOS)
def test_the_archive_run_by_libroadrunner_matches_myokine_run(tmp_path, name):
    archive = export(name, tmp_path / f"{name}.omex")
    outcome = cli.invoke(app, ["run", name, "--out", str(tmp_path / "run")])
    assert outcome.exit_code == 0, outcome.output
    reference = read_timeseries(tmp_path / "run" / "timeseries.csv")
    executed = execute_archive(archive)

    scenario = load_scenario(name)
    step = scenario.simulation.output_step_min
    assert executed["time_min"][-1] == pytest.approx(np.floor(scenario.t_end_min / step) * step)
    # timeseries.csv also samples off-grid breakpoints; compare at the grid times both have.
    rows = np.searchsorted(reference["time_min"], executed["time_min"])
    np.testing.assert_allclose(reference["time_min"][rows], executed["time_min"], rtol=0, atol=1e-9)
    for column in COMPARED_COLUMNS:
        expected = reference[column][rows]
        atol = ATOL_FRACTION * float(np.max(np.abs(expected)))
        error = normalised_error(executed[column], expected, RTOL, atol)
        worst = int(np.argmax(error))
        assert error[worst] <= MAX_NORMALISED_ERROR, (
            f"{name}: {column} at t={executed['time_min'][worst]:g} min: archive {executed[column][worst]:.8g} "
            f"vs myokine run {expected[worst]:.8g} (normalised error {error[worst]:.3g})"
        )
    # The comparison is not trivially met by a flat run: a compared column moves by over a tenth of its peak.
    assert any(np.ptp(executed[column]) > 0.1 * np.max(executed[column]) for column in COMPARED_COLUMNS)


def test_the_archive_follows_set_overrides(tmp_path):
    # Muscle's IL-6 settles where release balances clearance, so a quarter of the clearance is several times the peak.
    slow = execute_archive(export("cycling_60min_65pct", tmp_path / "slow.omex",
                                  "--set", "plasma_il6.clearance_per_min=0.2"))
    fast = execute_archive(export("cycling_60min_65pct", tmp_path / "fast.omex",
                                  "--set", "plasma_il6.clearance_per_min=0.8"))
    assert slow["plasma_il6_pg_ml"].max() > 2 * fast["plasma_il6_pg_ml"].max()


def test_the_manifest_lists_model_experiment_and_archive(tmp_path):
    path = export("cycling_120min_glucose", tmp_path / "a.omex")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["manifest.xml", "model.xml", "simulation.sedml"]
        manifest = ElementTree.fromstring(archive.read("manifest.xml"))
        model = archive.read("model.xml").decode()
    contents = {entry.get("location"): entry for entry in manifest.iter(f"{MANIFEST_NAMESPACE}content")}
    assert contents["."].get("format") == "http://identifiers.org/combine.specifications/omex"
    assert contents["model.xml"].get("format").endswith("sbml.level-3.version-2")
    assert contents["simulation.sedml"].get("format").endswith("sed-ml.level-1.version-3")
    assert contents["simulation.sedml"].get("master") == "true"
    assert 'id="myokine_cycling_120min_glucose"' in model


@pytest.mark.parametrize("name", tuple(shipped_scenarios()))
def test_sedml_validates_and_matches_the_scenario(name):
    scenario = load_scenario(name)
    text = sedml.sedml_text(scenario)
    assert sedml.sedml_problems(text) == ([], [])
    document = libsedml.readSedMLFromString(text)
    assert (document.getLevel(), document.getVersion()) == (1, 3)
    simulation = document.getSimulation(0)
    step = scenario.simulation.output_step_min
    steps = int(np.floor(scenario.t_end_min / step + 1e-9))
    assert simulation.getNumberOfPoints() == steps
    assert simulation.getOutputEndTime() == pytest.approx(steps * step)
    assert (simulation.getOutputEndTime() - simulation.getOutputStartTime()) / steps == pytest.approx(step)
    labels = [document.getOutput(0).getDataSet(i).getLabel() for i in range(document.getOutput(0).getNumDataSets())]
    assert tuple(labels) == CONTRACT_COLUMNS


def test_sedml_validation_reports_a_broken_document():
    text = sedml.sedml_text(load_scenario("rest"))
    errors, _ = sedml.sedml_problems(text.replace(' outputEndTime="1440"', ""))
    assert any("outputEndTime" in error for error in errors)


def test_unknown_scenario_exits_2_and_writes_nothing(tmp_path):
    outcome = cli.invoke(app, ["export-omex", "no_such_scenario", "-o", str(tmp_path / "x.omex")])
    assert outcome.exit_code == 2
    assert "unknown scenario" in outcome.output and "Traceback" not in outcome.output
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_exits_2_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n")
    outcome = cli.invoke(app, ["export-omex", "rest", "-o", str(blocker / "x.omex")])
    assert outcome.exit_code == 2
    # Refused before any work, naming the option and the path.
    assert "--out" in outcome.output and str(blocker) in outcome.output and "Traceback" not in outcome.output
    assert [p.name for p in tmp_path.iterdir()] == ["blocker"]
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.parametrize("module, distribution", [("libsedml", "python-libsedml"), ("libcombine", "python-libcombine")])
def test_missing_library_names_the_extra(tmp_path, monkeypatch, module, distribution):
    monkeypatch.setitem(sys.modules, module, None)
    outcome = cli.invoke(app, ["export-omex", "rest", "-o", str(tmp_path / "x.omex")])
    assert outcome.exit_code == 1
    assert distribution in outcome.output and "myokine_sim[sbml]" in outcome.output
    assert list(tmp_path.iterdir()) == []
