"""Calibration targets: their encoding, the pass rules, the fit and ``myokine validate``."""

import json
import math
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim.calibration.fit import FITTED_PARAMETERS, FitSettings, fitted_targets, run_fit
from myokine_sim.calibration.targets import (
    DEFAULT_TOLERANCE,
    STEP_GAIN,
    STEP_WIDTH,
    Leaf,
    Target,
    leaves,
    load_targets,
    targets_path,
    value_at,
    window_mean,
    window_peak,
)
from myokine_sim.cli import app
from myokine_sim.errors import InputError
from myokine_sim.model import build_model
from myokine_sim.parameters import load_parameter_set
from myokine_sim.paths import models_dir, shipped_parameter_sets, shipped_scenarios
from myokine_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def targets() -> list[Target]:
    return load_targets()


# ------------------------------------------------------------------ encoding


def test_targets_ship_inside_the_package_models_folder():
    assert targets_path().is_relative_to(models_dir())
    assert "shared" not in targets_path().parts


def test_every_row_of_the_calibration_table_is_encoded(targets):
    rows = {t.id[:3] for t in targets if t.id.startswith("C")}
    assert rows == {f"C{i:02d}" for i in range(1, 26)}
    assert len({t.id for t in targets}) == len(targets)


def test_every_target_names_its_reference_quantity_and_time(targets):
    for t in targets:
        assert t.study and t.reference and t.quantity and t.when and t.published, t.id


def test_simulable_targets_read_existing_scenarios_columns_and_times(targets, model):
    columns = set(model.state_names) | set(model.input_names) | set(model.variables)
    shipped = shipped_scenarios()
    for t in targets:
        for leaf in leaves(t.observable) if t.simulable else []:
            assert leaf.scenario in shipped, (t.id, leaf.scenario)
            assert leaf.column in columns, (t.id, leaf.column)
            assert max(leaf.times()) <= load_scenario(leaf.scenario).t_end_min, t.id


def test_scenarios_used_by_targets_name_the_study_they_mirror_in_their_comment(targets):
    for t in targets:
        author = t.study.split()[0]
        for name in t.scenarios:
            text = shipped_scenarios()[name].read_text()
            comment = "\n".join(line for line in text.splitlines() if line.startswith("#"))
            assert author in comment, (t.id, name)


def test_unscored_targets_say_why_and_stay_out_of_the_fit(targets):
    for t in targets:
        if not t.scored:
            assert t.status and t.fit_weight == 0.0, t.id
        if not t.simulable:
            assert not t.scored, t.id


def test_a_target_without_observable_must_be_unscored():
    entry = {"id": "X", "study": "s", "reference": "r", "quantity": "q", "when": "w", "published": "1",
             "observed": 1.0, "unit": "fold", "rule": "factor", "status": "why"}
    with pytest.raises(ValueError):
        Target.model_validate(entry)
    assert not Target.model_validate({**entry, "scored": False, "fit_weight": 0.0}).simulable


def test_observable_expressions_parse_and_combine(targets):
    c03 = next(t for t in targets if t.id == "C03")
    assert c03.observable.operation == "ratio"
    assert [leaf.column for leaf in leaves(c03.observable)] == [
        "il6_release_ng_min", "plasma_il6_pg_ml", "il6_distribution_volume_l"]


# ------------------------------------------------------------------ observables


def test_value_mean_and_peak_readers_are_exact_for_simple_curves():
    time = np.arange(0.0, 101.0, 5.0)
    line = np.vstack([2.0 * time, 3.0 + 0.0 * time])
    assert value_at(time, line, 12.5) == pytest.approx([25.0, 3.0])
    assert window_mean(time, line, 10.0, 32.5) == pytest.approx([42.5, 3.0])
    parabola = np.vstack([-(time - 41.0) ** 2 + 7.0])  # vertex between samples
    value, when = window_peak(time, parabola, 0.0, 100.0)
    assert when == pytest.approx([41.0]) and value == pytest.approx([7.0])


def test_a_leaf_reads_folds_relative_to_a_time():
    time = np.array([0.0, 10.0, 20.0])
    series = {"s": type("S", (), {"time_min": time, "columns": {"c": np.array([[2.0, 4.0, 8.0]])}})()}
    assert Leaf("s", "c", at=20.0, relative_to=0.0).evaluate(series) == pytest.approx([4.0])
    assert Leaf("s", "c", peak_time=(0.0, 20.0)).evaluate(series) == pytest.approx([20.0])


# ------------------------------------------------------------------ pass rules


def target(rule: str, observed: float = 10.0) -> Target:
    return Target.model_validate({
        "id": "T", "study": "s", "reference": "r", "quantity": "q", "when": "w", "published": "p",
        "observed": observed, "unit": "u", "rule": rule,
        "observable": {"scenario": "rest", "column": "plasma_il6_pg_ml", "at": 0.0},
    })


@pytest.mark.parametrize("published, unit, shown", [
    ("13.8 +- 1.4", "mg/kg/min", "13.8 +- 1.4 mg/kg/min"),  # a number takes its unit
    ("13.8 +- 1.4 mg/kg/min (7-8-fold)", "mg/kg/min", "13.8 +- 1.4 mg/kg/min (7-8-fold)"),  # already named
    ("rose, then stayed at or above rest", "ratio", "rose, then stayed at or above rest"),  # a ratio in words
    ("RER 0.89 -> fat share 0.37", "1", "RER 0.89 -> fat share 0.37"),
    ("8.8 vs 5.2 (1.69x)", "ratio", "8.8 vs 5.2 (1.69x)"),  # a ratio told as a multiple
    ("19 +- 2 vs 32 +- 2 kJ/min", "ratio", "19 +- 2 vs 32 +- 2 kJ/min"),  # a ratio told as two values
    ("1.48", "ratio", "1.48 ratio"),
])
def test_the_table_puts_the_unit_after_a_published_number_only(published, unit, shown):
    assert target("factor").model_copy(update={"published": published, "unit": unit}).published_shown() == shown


@pytest.mark.parametrize("rule, observed, inside, outside", [
    ("factor", 10.0, [10.0 / 1.5 + 1e-9, 10.0, 15.0 - 1e-9], [10.0 / 1.5 - 1e-3, 15.0 + 1e-3]),
    ("at_least", 100.0, [100.0, 1000.0], [99.9, 100.0 / 1.5]),
    ("percent_change", 25.0, [1.0 + 25.0 / 1.5 / 100 + 1e-9, 1.25, 1.375], [1.16, 1.38, 0.8]),
    ("within_fraction", 200.0, [170.0, 230.0], [169.0, 231.0]),
    ("higher", 1.0, [1.1, 3.0], [1.09, 1.0, 0.5]),
    ("lower", 1.0, [0.9, 0.2], [0.91, 1.0, 1.5]),
    ("unchanged", 1.0, [0.9, 1.0, 1.1], [0.89, 1.11]),
    ("time", 150.0, [120.0, 180.0], [119.0, 181.0]),
])
def test_pass_rules(rule, observed, inside, outside):
    t = target(rule, observed)
    assert all(t.passes(v) for v in inside), [v for v in inside if not t.passes(v)]
    assert not any(t.passes(v) for v in outside), [v for v in outside if t.passes(v)]


def test_default_tolerances_are_the_documented_ones():
    assert DEFAULT_TOLERANCE == {"factor": 1.5, "at_least": 1.0, "percent_change": 1.5, "within_fraction": 0.15,
                                 "higher": 0.10, "lower": 0.10, "unchanged": 0.10, "time": 30.0}


def test_fit_residuals_vanish_on_target_and_grow_smoothly_beyond_the_band():
    t = target("factor", 10.0)
    on, edge, beyond = (float(t.residual(np.array([v]))[0]) for v in (10.0, 15.0, 22.5))
    assert on == 0.0 and 1.0 < edge < beyond
    # Steep at the boundary (the step) but continuous: no jump between just inside and on it.
    assert float(t.residual(np.array([15.0 / 1.0001]))[0]) == pytest.approx(edge, rel=5e-3)
    lower_bound = target("at_least", 100.0)
    assert float(lower_bound.residual(np.array([200.0]))[0]) < 1e-3 < float(lower_bound.residual(np.array([90.0]))[0])


@pytest.mark.parametrize("width", [STEP_WIDTH, 0.25])
def test_the_pass_boundary_step_rises_over_its_width(width):
    """At the boundary (|misfit| = 1) the residual's slope in the misfit is 1 + STEP_GAIN / (4 width): the tanh
    step's derivative there. A wider step is gentler, which is what lets a first fit stage move without stalling."""
    t = target("factor", 10.0)
    edge = 15.0  # on the band's edge: misfit 1
    values = np.array([edge / 1.001, edge * 1.001])
    z = t.misfit(values)
    r = t.residual(values, width)
    slope = float((r[1] - r[0]) / (z[1] - z[0]))
    assert slope == pytest.approx(1.0 + STEP_GAIN / (4.0 * width), rel=1e-3)
    # Far from the boundary the step is the full gain, whatever its width.
    far = t.residual(np.array([edge * 4.0]), width)[0]
    assert far == pytest.approx(float(t.misfit(np.array([edge * 4.0]))[0]) + STEP_GAIN, rel=1e-3)


# ------------------------------------------------------------------ fit and shipped parameter set


def test_fitted_parameters_exist_and_are_informed_by_fitted_targets(targets, model):
    assert len(set(FITTED_PARAMETERS)) == len(FITTED_PARAMETERS)
    assert set(FITTED_PARAMETERS) <= set(model.parameter_names)
    assert all(t.fit_weight > 0 and t.scored for t in fitted_targets(targets))


def test_shipped_default_parameter_set_is_a_fit_with_provenance(model):
    document = tomllib.loads(shipped_parameter_sets()["default"].read_text())
    values, provenance = document["values"], document["provenance"]
    assert list(values) == list(FITTED_PARAMETERS)
    assert load_parameter_set("default", model) == pytest.approx(values)
    assert provenance["command"] == "myokine fit"
    assert provenance["targets"] == [t.id for t in fitted_targets(load_targets())]
    assert set(provenance["uncertainty"]["se_log"]) == set(FITTED_PARAMETERS)
    assert set(provenance["uncertainty"]["informed_by"]) == set(FITTED_PARAMETERS)
    assert {"numpy", "scipy"} <= set(provenance["versions"])


def test_fit_command_writes_a_loadable_parameter_set_into_its_folder(tmp_path):
    shipped = shipped_parameter_sets()["default"].read_bytes()
    out = tmp_path / "fit"
    result = runner.invoke(app, ["fit", "--out", str(out), "--max-evaluations", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["fitted.toml", "manifest.json", "report.txt"]
    assert f"wrote {out}/" in result.output and "singular values" in result.output
    assert f"--parameter-set {out / 'fitted.toml'}" in result.output  # says how to use the result
    values = load_parameter_set(str(out / "fitted.toml"), build_model())
    assert set(values) == set(FITTED_PARAMETERS)
    assert "--parameter-set" in (out / "fitted.toml").read_text().splitlines()[0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "fit" and set(manifest["files"]) == {"fitted.toml", "report.txt"}
    assert shipped_parameter_sets()["default"].read_bytes() == shipped  # the tracked set is left alone

    run = runner.invoke(app, ["run", "rest", "--out", str(tmp_path / "run"), "--parameter-set",
                              str(out / "fitted.toml")])
    assert run.exit_code == 0, run.output
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["scenario"]["simulation"]["parameter_set"] == str(out / "fitted.toml")


def test_a_fit_with_a_held_compartment_leaves_it_out_of_the_set_and_records_it(tmp_path, monkeypatch):
    from myokine_sim.calibration import fit as fit_module
    from myokine_sim.calibration.report import _start_lines

    out = tmp_path / "fit"
    result = runner.invoke(app, ["fit", "--out", str(out), "--max-evaluations", "1", "--hold", "liver"])
    assert result.exit_code == 0, result.output
    liver = [n for n in FITTED_PARAMETERS if n.startswith("liver.")]
    assert f"held at their code defaults ({len(liver)}): " + ", ".join(liver) in result.output
    values = load_parameter_set(str(out / "fitted.toml"), build_model())
    assert set(values) == set(FITTED_PARAMETERS) - set(liver)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fit"]["held"] == liver and not set(liver) & set(manifest["parameters"])
    provenance = tomllib.loads((out / "fitted.toml").read_text())["provenance"]
    assert provenance["held_at_code_defaults"] == liver
    report = "\n".join(_start_lines(build_model(), provenance))
    assert "with the same `--hold` options" in report and liver[0] in report and "47.66" not in report

    # The second stage starts from that set with the same hold (checked on the arguments the fit receives).
    seen = {}

    def fake_fit(settings, names=FITTED_PARAMETERS, start=None, **_):
        seen.update(names=names, start=start)
        raise _StopBeforeFitting

    monkeypatch.setattr(fit_module, "run_fit", fake_fit)
    again = runner.invoke(app, ["fit", "--out", str(tmp_path / "again"), "--hold", "liver",
                                "--parameter-set", str(out / "fitted.toml")])
    assert "_StopBeforeFitting" in again.output, again.output
    assert set(seen["names"]) == set(values) and seen["start"] == values


def test_fit_writes_under_out_by_default_and_refuses_a_toml_out(tmp_path, monkeypatch):
    from myokine_sim.calibration.command import check_fit_output

    monkeypatch.chdir(tmp_path)
    assert check_fit_output(None, False) == Path("out") / "fit"
    result = runner.invoke(app, ["fit", "--out", "fitted.toml", "--max-evaluations", "1"])
    assert result.exit_code == 2 and "--out: fitted.toml: is a folder" in result.output
    assert not (tmp_path / "fitted.toml").exists()


def test_write_default_is_refused_in_an_installed_package(monkeypatch):
    from myokine_sim.calibration import command

    monkeypatch.setattr("myokine_sim.paths.models_are_packaged", lambda: True)
    result = runner.invoke(app, ["fit", "--write-default", "--max-evaluations", "1"])
    assert result.exit_code == 2 and "--write-default" in result.output and "source checkout" in result.output
    assert command.DEFAULT_FIT_DIRECTORY == Path("out") / "fit"


def test_fitted_parameter_set_toml_round_trips_through_tomllib():
    from types import SimpleNamespace

    from myokine_sim.calibration.fit import FITTED_SET_HEADER, parameter_set_toml

    fake = SimpleNamespace(
        names=("a.b", "c.d"), values=np.array([1.5, 2.0]), status="done", cost=np.float64(0.25), evaluations=3,
        jacobians=np.int64(2), runtime_s=1.23, targets=[SimpleNamespace(id="C01", fit_weight=1.0)],
        residuals=np.array([0.5]), start_values=np.array([1.0, 2.0]),
        settings=SimpleNamespace(as_dict=lambda: {"max_evaluations": 1}),
        uncertainty={"residual_variance": 0.1, "degrees_of_freedom": -1, "se_log": {"a.b": 0.2, "c.d": float("nan")},
                     "at_bound": [], "singular_values": [1.0], "high_correlations": [("a.b", "c.d", 0.99)],
                     "unidentified": ["c.d"], "informed_by": {"a.b": ["C01"], "c.d": []}},
    )
    text = parameter_set_toml(fake, FITTED_SET_HEADER.format(path="x/fitted.toml"))
    document = tomllib.loads(text)
    assert document["values"] == {"a.b": 1.5, "c.d": 2.0}
    assert document["provenance"]["uncertainty"]["high_correlations"] == [["a.b", "c.d", 0.99]]
    assert math.isnan(document["provenance"]["uncertainty"]["se_log"]["c.d"])
    assert text.startswith("# Parameter set written by `myokine fit`")


def test_fit_rejects_a_bad_evaluation_budget():
    result = runner.invoke(app, ["fit", "--max-evaluations", "0"])
    assert result.exit_code == 2


@pytest.mark.parametrize("arguments, option", [
    (["--step-width", "0"], "--step-width"),
    (["--step-width", "nan"], "--step-width"),
    (["--step-width", "1.5"], "--step-width"),
    (["--parameter-set", "default", "--update-default"], "--parameter-set"),
    (["--parameter-set", "no_such_set"], "--parameter-set: no_such_set"),
    (["--parameter-set", "UNFITTED"], "plasma_il6.baseline_pg_ml"),
    (["--hold", "no_such_compartment"], "the compartments are adipose, "),
    (["--hold", "liver.no_such_parameter"], "liver's fitted parameters are liver."),
    (["--hold", "liver", "--update-default"], "--hold: --update-default refits every fitted parameter"),
    (["ALL"], "--hold: holds every fitted parameter"),
    (["--hold", "plasma_il6.baseline_pg_ml"], "nor a fitted parameter"),  # a parameter the fit never moves
    (["--parameter-set", "LIVER", "--hold", "liver"], "changes liver.exercise_gain"),
    (["--data", "DATA", "--hold", "liver"], "--hold: only without --data"),
])
def test_fit_rejects_a_bad_step_width_start_or_hold(arguments, option, tmp_path):
    unfitted = tmp_path / "unfitted.toml"
    unfitted.write_text('[values]\n"plasma_il6.baseline_pg_ml" = 3.0\n')
    liver = tmp_path / "liver.toml"
    liver.write_text('[values]\n"liver.exercise_gain" = 2.0\n')
    data = tmp_path / "data.tsv"
    data.write_text("observableId\tsimulationConditionId\ttime\tmeasurement\n")
    arguments = [{"UNFITTED": str(unfitted), "LIVER": str(liver), "DATA": str(data)}.get(a, a) for a in arguments]
    if arguments == ["ALL"]:
        arguments = [f"--hold={c}" for c in sorted({n.split(".")[0] for n in FITTED_PARAMETERS})]
    result = runner.invoke(app, ["fit", "--max-evaluations", "1", "--out", str(tmp_path / "fit"), *arguments])
    assert result.exit_code == 2 and option in result.output and "Traceback" not in result.output, result.output
    assert not (tmp_path / "fit").exists()


class _StopBeforeFitting(Exception):
    pass


def test_fit_starts_from_a_given_parameter_set_with_the_given_step(tmp_path, monkeypatch):
    """``--parameter-set`` starts the target fit from that set's values of the fitted parameters, and
    ``--step-width`` reaches the fit's settings (checked on the arguments, not on a full fit)."""
    from myokine_sim.calibration import fit as fit_module

    seen = {}

    def fake_fit(settings, start=None, **_):
        seen.update(settings=settings, start=start)
        raise _StopBeforeFitting

    monkeypatch.setattr(fit_module, "run_fit", fake_fit)
    start = tmp_path / "start.toml"
    name = FITTED_PARAMETERS[0]
    start.write_text(f'[values]\n"{name}" = 2.0\n')
    result = runner.invoke(app, ["fit", "--out", str(tmp_path / "fit"), "--step-width", "0.2", "--parameter-set",
                                 str(start)])
    assert result.exit_code == 1 and "_StopBeforeFitting" in result.output, result.output  # the fake was reached
    assert seen["settings"].step_width == 0.2 and seen["settings"].as_dict()["pass_boundary_step_width"] == 0.2
    assert seen["start"] == {name: 2.0}


def test_held_compartments_and_parameters_leave_the_fit_and_the_rest_keep_their_order(tmp_path, monkeypatch):
    from myokine_sim.calibration import fit as fit_module
    from myokine_sim.calibration.command import free_parameters

    seen = {}

    def fake_fit(settings, names=FITTED_PARAMETERS, **_):
        seen.update(names=names)
        raise _StopBeforeFitting

    monkeypatch.setattr(fit_module, "run_fit", fake_fit)
    held = ["liver", "muscle_il6.duration_gain"]
    result = runner.invoke(app, ["fit", "--out", str(tmp_path / "fit"), *(f"--hold={h}" for h in held)])
    assert result.exit_code == 1 and "_StopBeforeFitting" in result.output, result.output
    liver = [n for n in FITTED_PARAMETERS if n.startswith("liver.")]
    assert len(liver) >= 2 and "muscle_il6.duration_gain" in FITTED_PARAMETERS
    assert seen["names"] == tuple(n for n in FITTED_PARAMETERS if n not in {*liver, "muscle_il6.duration_gain"})
    assert free_parameters([]) == FITTED_PARAMETERS
    from myokine_sim.calibration.report import HELD_IN_TWO_STAGE_VARIANT  # the report's --hold options must run

    variant = list(HELD_IN_TWO_STAGE_VARIANT)
    assert free_parameters(variant) == tuple(
        n for n in FITTED_PARAMETERS if not any(n == h or n.startswith(f"{h}.") for h in variant))
    assert len(free_parameters(variant)) < len(FITTED_PARAMETERS) - 10  # whole compartments, not names, were held
    with pytest.raises(InputError, match="leave at least one free"):
        free_parameters(sorted({n.split(".")[0] for n in FITTED_PARAMETERS}))


def test_the_fit_problem_hands_its_step_width_to_every_residual(monkeypatch, targets, model):
    from myokine_sim.calibration.fit import FitProblem

    widths = []
    original = Target.residual

    def recording(self, simulated, step_width=STEP_WIDTH):
        widths.append(step_width)
        return original(self, simulated, step_width)

    monkeypatch.setattr(Target, "residual", recording)
    chosen = [t for t in targets if t.id == "B65"]  # one short scenario
    problem = FitProblem(model, chosen, ("adipose.lipolysis_exercise_gain",), FitSettings(step_width=0.3),
                         lambda line: None)
    problem.residuals(problem.x0)
    assert widths == [0.3]


def test_rerunning_the_fit_from_its_recorded_start_reproduces_the_shipped_default_parameter_set():
    """The set records where its fit started: the code defaults, or the set it was refitted from after a change
    of the model (`myokine fit --parameter-set`). From there the fit is deterministic."""
    shipped = tomllib.loads(shipped_parameter_sets()["default"].read_text())
    settings = shipped["provenance"]["settings"]
    width = settings.get("pass_boundary_step_width", STEP_WIDTH)  # sets written before it was recorded: the usual
    result = run_fit(FitSettings(max_evaluations=settings["max_evaluations"], step_width=width),
                     progress=lambda line: None, start=shipped["provenance"]["start_values"])
    # Within a hundred times the fit's step tolerance: the compiled and NumPy integrators (with and without numba)
    # differ far below the solver tolerance, which moves the optimiser's last steps along the poorly identified
    # directions by up to a few tens of its tolerance (3.5e-5 at most, measured side by side, for this set).
    for name, value in zip(result.names, result.values):
        assert value == pytest.approx(shipped["values"][name], rel=100 * settings["ftol_xtol_gtol"]), name


def test_crossvalidation_resumes_its_own_file_and_reruns_only_stale_studies(tmp_path, monkeypatch):
    """A rerun skips studies still current, but never reuses a study's result of another fit, target set or
    budget."""
    from types import SimpleNamespace

    from myokine_sim.calibration import crossvalidate as cv

    refits = []

    def fake_fit(settings, targets, start, progress):  # the shipped values: the prediction is the full fit's
        refits.append((settings.max_evaluations, len(targets)))
        return SimpleNamespace(names=tuple(start), values=np.array(list(start.values())), cost=0.0, status="fake")

    monkeypatch.setattr(cv, "run_fit", fake_fit)
    out, studies = tmp_path / "cv.json", ["Ahlborg 1974", "Keller 2001"]
    first = cv.crossvalidate(out, studies, max_evaluations=2, progress=lambda line: None)
    assert [budget for budget, _ in refits] == [2, 2]
    assert all(entry["passed"] == entry["count"] for entry in first["studies"].values())
    in_file_order = sorted(studies, key=cv.studies_of(load_targets()).index)
    assert list(first["studies"]) == in_file_order
    cv.crossvalidate(out, studies, max_evaluations=2, progress=lambda line: None)
    assert len(refits) == 2  # resumed: nothing to redo
    lines = []
    cv.crossvalidate(out, studies[:1], max_evaluations=3, progress=lines.append)
    assert refits[2:] == [(3, refits[0][1])] and "2 stored studies were run with another" in lines[0]
    assert list(json.loads(out.read_text())["studies"]) == studies[:1]  # the stale study is not kept
    stale = json.loads(out.read_text())
    stale["studies"][studies[0]]["fingerprint"] = "from-an-older-model"
    out.write_text(json.dumps(stale))
    cv.crossvalidate(out, studies, max_evaluations=3, progress=lambda line: None)
    assert len(refits) == 5
    # One study current, one stale: only the stale one is refitted, the other kept as it was, in file order.
    stale = json.loads(out.read_text())
    kept = stale["studies"][studies[0]]
    stale["studies"][studies[1]]["fingerprint"] = "from-an-older-model"
    out.write_text(json.dumps(stale))
    report = cv.crossvalidate(out, studies, max_evaluations=3, progress=lambda line: None)
    assert len(refits) == 6 and refits[-1][1] != refits[0][1]
    assert report["studies"][studies[0]] == kept and list(report["studies"]) == in_file_order


def test_crossvalidation_on_two_processes_writes_what_one_process_writes(tmp_path):
    """The refits run through the sweeps' evaluators: two local processes give the studies this process gives
    (each refit is deterministic), in file order whatever order they finish in, and say where they run."""
    from myokine_sim.calibration import crossvalidate as cv

    studies = ["Ahlborg 1974", "Keller 2001"]  # not in file order
    serial = cv.crossvalidate(tmp_path / "serial.json", studies, max_evaluations=1, progress=lambda line: None)
    lines = []
    parallel = cv.crossvalidate(tmp_path / "parallel.json", studies, max_evaluations=1, progress=lines.append,
                                workers=2)
    assert "on 2 processes" in lines[0] and len(lines) == 3
    in_file_order = sorted(studies, key=cv.studies_of(load_targets()).index)
    assert list(json.loads((tmp_path / "parallel.json").read_text())["studies"]) == in_file_order
    for study in studies:
        one, two = serial["studies"][study], parallel["studies"][study]
        assert two["fingerprint"] == one["fingerprint"] and two["passed"] == one["passed"]
        assert two["refit_cost"] == pytest.approx(one["refit_cost"], rel=1e-9)
        assert [row["simulated"] for row in two["targets"]] == pytest.approx(
            [row["simulated"] for row in one["targets"]], rel=1e-9)


@pytest.mark.parametrize("option, value, message", [("--workers", "0", "at least 1"), ("--workers", "-2", "at least 1"),
                                                    ("--scheduler", "not an address", "not a scheduler address")])
def test_crossvalidate_rejects_a_bad_evaluator_before_writing(tmp_path, option, value, message):
    out = tmp_path / "cv.json"
    result = runner.invoke(app, ["crossvalidate", "--study", "Keller 2001", option, value, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{option}: " in result.output and message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_crossvalidation_entry_without_a_current_fingerprint_is_not_current():
    from myokine_sim.calibration.crossvalidate import current_studies

    report = {"studies": {"A": {"fingerprint": "a"}, "B": {"fingerprint": "old"}, "C": {}, "Gone": {}}}
    assert list(current_studies(report, {"A": "a", "B": "b", "C": "c"})) == ["A"]


# ------------------------------------------------------------------ validate


@pytest.fixture(scope="module")
def shipped_validation(tmp_path_factory):
    """`myokine validate` of the shipped model, run once: its result, rows and output folder."""
    out = tmp_path_factory.mktemp("validate")
    result = runner.invoke(app, ["validate", "--out", str(out)])
    return result, json.loads((out / "validation.json").read_text()), out


def test_validate_fails_exactly_the_known_disagreements_and_writes_json_and_figures(shipped_validation):
    """Every scored target passes except those labelled known_failure, and every such label is still true.

    A new failure (a regression) or a labelled target that now passes (a stale label) fails this test;
    `myokine validate` itself exits 1 while any scored target fails.
    """
    result, rows, tmp_path = shipped_validation
    assert {"id", "study", "quantity", "observed", "simulated", "pass"} <= set(rows[0])
    failing = {row["id"] for row in rows if row["scored"] and not row["pass"]}
    known = {row["id"] for row in rows if row["scored"] and row["known_failure"]}
    assert failing == known, result.output
    assert result.exit_code == (1 if known else 0), result.output
    simulated = [row["simulated"] for row in rows if row["simulated"] is not None]
    assert all(math.isfinite(v) for v in simulated)
    figures = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert "keller_2001.png" in figures and len(figures) == len({r["study"] for r in rows if r["scenarios"]})
    assert (tmp_path / "figures" / "keller_2001.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_known_failure_opens_with_the_value_the_model_gives_now(shipped_validation):
    """A known_failure's text opens 'the model gives <value>': that value, as validate shows it (a percent change
    for percent_change rows), is the shipped model's to within one unit of its last quoted digit, so a refit that
    moves a failing target cannot leave its opening number stale (later numbers in the text are not checked)."""
    _, rows, _ = shipped_validation
    known = [row for row in rows if row["known_failure"]]
    assert known
    for row in known:
        lead = re.match(r"the model gives ([+-]?\d+(?:\.(\d+))?)", row["known_failure"])
        assert lead, f"{row['id']}: its known_failure should open 'the model gives <value>'"
        shown = (row["simulated"] - 1.0) * 100.0 if row["rule"] == "percent_change" else row["simulated"]
        last_digit = 10.0 ** -len(lead.group(2) or "")
        assert abs(float(lead.group(1)) - shown) <= last_digit, (row["id"], lead.group(1), shown)


def test_validate_exits_1_and_lists_failing_rows(tmp_path):
    # IL-6 cleared three times faster than fitted: the plasma IL-6 targets fail.
    fast = tmp_path / "fast_clearance.toml"
    fast.write_text('[values]\n"plasma_il6.clearance_per_min" = 2.0\n')
    result = runner.invoke(app, ["validate", "--out", str(tmp_path / "v"), "--parameter-set", str(fast)])
    assert result.exit_code == 1
    assert "failing targets:" in result.output and "C01 (Steensberg 2000" in result.output


def test_the_crossvalidation_fingerprints_ignore_the_order_of_the_targets_but_not_their_set():
    from myokine_sim.calibration.crossvalidate import study_fingerprints

    targets = [target for target in load_targets() if target.simulable][:5]
    assert study_fingerprints(targets, 8) == study_fingerprints(targets[::-1], 8)
    assert study_fingerprints(targets, 8) != study_fingerprints(targets[:4], 8)
    assert study_fingerprints(targets, 8) != study_fingerprints(targets, 9)


def test_a_new_scored_target_reruns_its_own_study_and_a_new_fitted_one_every_other():
    """A check the fit never sees changes only its study's held-out set; a fitted one changes every other
    study's refit, and its own study's held-out set."""
    from myokine_sim.calibration.crossvalidate import study_fingerprints

    targets = load_targets()
    scored = next(t for t in targets if t.scored and t.simulable and t.fit_weight > 0)
    shipped = study_fingerprints(targets, 8)

    def changed(added):
        now = study_fingerprints(targets + [added], 8)
        return {study for study in shipped if now[study] != shipped[study]}

    check = scored.model_copy(update={"id": "X01", "fit_weight": 0.0})
    assert changed(check) == {scored.study}
    fitted = scored.model_copy(update={"id": "X01"})
    assert changed(fitted) == set(shipped)


def test_the_report_explains_posterior_bands_only_when_the_figures_carry_them():
    from types import SimpleNamespace

    from myokine_sim.calibration.report import _banded, figures_intro

    plain = SimpleNamespace(results={"a": SimpleNamespace(columns={"plasma_il6_pg_ml": None})})
    banded = SimpleNamespace(results={"a": SimpleNamespace(columns={"plasma_il6_pg_ml": None,
                                                                    "plasma_il6_pg_ml_p05": None})})
    assert not _banded(plain) and _banded(banded)
    without, with_bands = "\n".join(figures_intro(False)), "\n".join(figures_intro(True))
    assert with_bands.startswith(without) and "posterior" not in without and "posterior" in with_bands
    # The shipped report is written with bands (`myokine validate --uncertainty 50`), so it explains them.
    assert with_bands in (ROOT / "docs" / "validation.md").read_text()


def test_the_report_quotes_the_current_model_with_and_without_the_glycogen_sensors():
    from myokine_sim.calibration.report import ablation_line, sensor_ablation

    report = (ROOT / "docs" / "validation.md").read_text()
    for label, fitted, off in sensor_ablation("default"):
        # Switching the sensors off must change the end-of-bout IL-6, and the shipped report must say by how much.
        assert off < fitted
        assert ablation_line(label, fitted, off) in report


def test_validation_report_is_generated_from_the_current_model():
    report = (ROOT / "docs" / "validation.md").read_text()
    assert report.startswith("# Validation against published human data")
    for name in FITTED_PARAMETERS:
        assert f"`{name}`" in report
    for row in load_targets():
        assert f"| {row.id} |" in report
    for image in (ROOT / "docs" / "figures" / "validation").iterdir():
        assert f"figures/validation/{image.name}" in report


def test_a_fitted_value_just_inside_a_bound_counts_as_at_it_and_one_a_few_percent_in_as_near_it():
    from myokine_sim.calibration.fit import AT_BOUND_LOG, NEAR_BOUND_LOG, at_bound, bound_distance

    lower, upper = np.log([1.0, 1.0, 1.0, 1.0]), np.log([10.0, 10.0, 10.0, 10.0])
    # The solver stops just inside: 0.3% above the lower bound, 0.5% under the upper, 3% and 20% inside.
    x = np.log([1.003, 10.0 / 1.005, 1.03, 1.2])
    assert at_bound(x, lower, upper).tolist() == [True, True, False, False]
    distance = bound_distance(x, lower, upper)
    near = (distance >= AT_BOUND_LOG) & (distance < NEAR_BOUND_LOG)
    assert near.tolist() == [False, False, True, False]


def test_the_report_lists_held_parameters_at_or_near_a_bound_and_no_fitted_or_inner_one(monkeypatch):
    from myokine_sim.calibration import fit, report
    from myokine_sim.model import build_model

    model = build_model()
    held_zero, held_inside, fitted = ("adipose.lipolysis_fasting_gain", "liver.exercise_storage_brake",
                                      "muscle_glycogen.use_glycogen_exponent")
    assert held_zero not in FITTED_PARAMETERS and held_inside not in FITTED_PARAMETERS and fitted in FITTED_PARAMETERS
    assert model.parameter(held_zero).lower == 0.0
    monkeypatch.setattr(fit, "HELD_PARAMETERS", (held_zero, held_inside))
    monkeypatch.setattr(report, "BOUND_NOTES", {held_zero: "zero note", held_inside: "inner note", fitted: "fit note"})
    values = {held_zero: 0.0, held_inside: 10.0, fitted: model.parameter(fitted).lower}
    text = "\n".join(report._held_bound_section(model, values))
    row = next(line for line in text.splitlines() if held_zero in line)  # a held 0 sits at the log floor
    assert "at its lower bound" in row and "zero note" in row
    assert held_inside not in text and fitted not in text and "no longer fitted: 1." in text
    near = {**values, held_zero: 1.03 * report.positive_lower_bound(model.parameter(held_zero))}
    assert "near its lower bound" in "\n".join(report._held_bound_section(model, near))
    assert report._held_bound_section(model, {**values, held_zero: 2.0}) == []


def test_held_parameters_are_not_fitted_and_say_so_and_those_at_a_bound_have_a_note():
    from myokine_sim.calibration import report
    from myokine_sim.calibration.fit import HELD_PARAMETERS
    from myokine_sim.model import build_model

    model = build_model()
    assert not set(HELD_PARAMETERS) & set(FITTED_PARAMETERS) and len(set(HELD_PARAMETERS)) == len(HELD_PARAMETERS)
    for name in HELD_PARAMETERS:
        parameter = model.parameter(name)  # raises on a name the model does not have
        assert "not fitted" in (parameter.description + parameter.source).lower(), name
    shipped = load_parameter_set("default")
    assert not set(HELD_PARAMETERS) & set(shipped), "a held parameter takes its value from its compartment module"
    listed = re.findall(r"^\| `([a-z0-9_.]+)`", "\n".join(report._held_bound_section(model, shipped)), re.M)
    assert listed and all(name in report.BOUND_NOTES for name in listed), "a held value at a bound needs a note"
    orphans = set(report.BOUND_NOTES) - set(FITTED_PARAMETERS) - set(HELD_PARAMETERS)
    assert not orphans, f"bound notes the report would not show: {sorted(orphans)}"


def test_the_report_lists_each_parameter_at_or_near_a_bound_with_its_side_and_what_it_says():
    from myokine_sim.calibration.fit import LOG_FLOOR
    from myokine_sim.calibration.report import BOUND_NOTES, _bound_section
    from myokine_sim.model import build_model

    model = build_model()
    name_low, name_high = "muscle_glycogen.use_glycogen_exponent", "liver.glycogen_max_g"
    # A lower bound of 0 is LOG_FLOOR x upper on the fit's log scale: a value there is at its lower bound.
    name_zero = "adipose.high_intensity_trapping"
    low, high, zero = model.parameter(name_low), model.parameter(name_high), model.parameter(name_zero)
    assert zero.lower == 0.0
    values = {name_low: low.lower * 1.0003, name_high: high.upper / 1.03, name_zero: LOG_FLOOR * zero.upper}
    uncertainty = {"at_bound": [name_low, name_zero], "near_bound": [name_high],
                   "informed_by": {name_low: ["C15b"], name_high: [], name_zero: []}}
    lines = _bound_section(model, values, uncertainty)
    text = "\n".join(lines)
    assert "2 fitted parameters sit at a bound" in text and "1 near one" in text
    assert "The 2 that no target informs" in text
    row_low = next(line for line in lines if name_low in line)
    row_high = next(line for line in lines if name_high in line)
    row_zero = next(line for line in lines if name_zero in line)
    assert "at its lower bound" in row_low and "C15b" in row_low and BOUND_NOTES[name_low][:40] in row_low
    assert "near its upper bound" in row_high
    assert "at its lower bound" in row_zero
    assert _bound_section(model, values, {"at_bound": [], "near_bound": []}) == []


def test_every_parameter_the_shipped_fit_leaves_at_or_near_a_bound_has_a_note():
    from myokine_sim.calibration.report import BOUND_NOTES

    shipped = tomllib.loads(shipped_parameter_sets()["default"].read_text())
    uncertainty = shipped["provenance"]["uncertainty"]
    missing = [n for n in [*uncertainty["at_bound"], *uncertainty["near_bound"]] if n not in BOUND_NOTES]
    assert missing == []


def test_the_crossvalidation_fingerprint_reads_scenarios_as_parsed_so_a_comment_leaves_it(tmp_path, monkeypatch):
    import re

    import myokine_sim.calibration.crossvalidate as crossvalidate
    from myokine_sim.scenario import load_scenario, resolve_scenario

    targets = [target for target in load_targets() if target.simulable][:5]
    name = next(n for t in targets for n in sorted(t.scenarios) if "t_end_min" in resolve_scenario(n).read_text())
    text = resolve_scenario(name).read_text()
    assert "output_step_min" not in text
    files = {
        "comment": "# a comment naming another study\n" + text,
        # The schema's default written out: the same scenario.
        "explicit default": text.replace("[simulation]", "[simulation]\noutput_step_min = 1.0", 1),
        "value": re.sub(r"t_end_min = ([0-9.]+)", lambda m: f"t_end_min = {float(m.group(1)) + 10}", text, count=1),
    }
    for label, body in files.items():
        (tmp_path / f"{label}.toml").write_text(body)
    shipped = crossvalidate.study_fingerprints(targets, 8)

    def fingerprint_with(label):
        monkeypatch.setattr(crossvalidate, "_load", lambda n: load_scenario(
            tmp_path / f"{label}.toml" if n == name else n))
        return crossvalidate.study_fingerprints(targets, 8)

    assert fingerprint_with("comment") == shipped
    assert fingerprint_with("explicit default") == shipped
    assert fingerprint_with("value") != shipped


def test_the_crossvalidation_fingerprint_sees_a_changed_code_default_that_no_parameter_set_names(monkeypatch):
    from myokine_sim.calibration.crossvalidate import study_fingerprints
    from myokine_sim.model import Model, build_model
    from myokine_sim.parameters import load_parameter_set

    model = build_model()
    # A parameter the shipped set leaves at its code default (and no scenario's subject sets): the compiled
    # source reads it only by index.
    name = next(n for n in model.parameter_names
                if n not in load_parameter_set("default") and not n.startswith("subject."))
    targets = [target for target in load_targets() if target.simulable][:5]
    shipped = study_fingerprints(targets, 8)
    original = Model.default_values

    def shifted(self):
        values = list(original(self))
        values[self.parameter_names.index(name)] *= 1.1
        return values

    monkeypatch.setattr(Model, "default_values", shifted)
    assert study_fingerprints(targets, 8) != shipped


@pytest.mark.parametrize("target_id", ["C23b", "C24d"])
def test_the_matched_infusion_dose_meets_its_protocol_check_exactly(target_id):
    """Plasma IL-6 is affine in an infusion's dose, given as a rate or as a plasma rise, so the value the report
    derives from two runs reproduces the published level when run again."""
    from myokine_sim.calibration.validate import matched_infusion_dose, series_of
    from myokine_sim.simulation import simulate

    target = next(t for t in load_targets() if t.id == target_id)
    name, field, shipped, matched = matched_infusion_dose(target)
    assert field == "plasma_rise_pg_ml" and matched != shipped
    results = {s: simulate(load_scenario(s)) for s in target.scenarios if s != name}
    scenario = load_scenario(name)
    setattr(scenario.il6_infusion[0], field, matched)
    results[name] = simulate(scenario)
    assert float(target.evaluate(series_of(results))[0]) == pytest.approx(target.observed, rel=1e-4)
