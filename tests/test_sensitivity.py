"""Sensitivity analysis: local coefficients and global indices against closed forms, reproducibility and the CLI.

The reduced case is rhIL-6 infused at rest for the whole run. Nothing else
moves, so plasma IL-6 settles on the plateau of first-order kinetics,

    C = b + I / (k V),  V = v m,

(b resting level, I infusion rate, k clearance, v volume per kg, m body
mass), and ``end.plasma_il6_pg_ml`` is C. Its normalised sensitivities are
d ln C / d ln k = d ln C / d ln v = d ln C / d ln m = -(C - b) / C and
d ln C / d ln b = b / C; glycogen and TNF-alpha parameters have no effect.
With k and v log-uniform, C - b = (I / m) X1 X2 with X1 = 1/k and X2 = 1/v
independent (and again log-uniform), whose Sobol' indices follow from the
moments of X1 and X2.
"""

from __future__ import annotations

import importlib
import json
import math
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim.cli import app
from myokine_sim.errors import InputError
from myokine_sim.scenario import scenario_from_dict
from myokine_sim.sensitivity import default_problem, local, morris, sobol
from myokine_sim.solver import SolverSettings
from myokine_sim.sweeps.given import evaluate_given

from conftest import normalised_error

runner = CliRunner()
METRIC = "end.plasma_il6_pg_ml"
INFUSION = {"name": "infusion_at_rest",
            "il6_infusion": [{"start_min": 0.0, "duration_min": 120.0, "rate_ug_per_h": 6.0}],
            "simulation": {"t_end_min": 120.0}}
CLEARANCE, VOLUME = "plasma_il6.clearance_per_min", "plasma_il6.volume_l_per_kg"
#: Varied in the global tests; only the first and third change the plateau.
PROBLEM = {
    "names": [CLEARANCE, "tnf_alpha.elimination_rate_per_min", VOLUME, "muscle_glycogen.use_rate_mmol_kg_min"],
    "bounds": [[0.2, 0.8], [0.02, 0.08], [0.03, 0.06], [1.8, 7.2]],
    "dists": ["logunif"] * 4,
}
INFLUENTIAL = [True, False, True, False]


def infusion_scenario(**parameters):
    return scenario_from_dict({**INFUSION, "parameters": parameters}, "test")


def plateau(scenario):
    p = ms.resolve_parameters(scenario)
    volume = p[VOLUME] * p["subject.body_mass_kg"]
    rate_ng_min = INFUSION["il6_infusion"][0]["rate_ug_per_h"] * 1000.0 / 60.0
    return p["plasma_il6.baseline_pg_ml"], p["plasma_il6.baseline_pg_ml"] + rate_ng_min / (p[CLEARANCE] * volume)


def log_uniform_moments(lower, upper):
    """E[X] and E[X^2] of X log-uniform on [lower, upper]."""
    log_ratio = math.log(upper / lower)
    return (upper - lower) / log_ratio, (upper ** 2 - lower ** 2) / (2 * log_ratio)


def product_indices():
    """S1 and ST of (X1, X2) for Y = X1 X2, X1 = 1/k and X2 = 1/v (reciprocals of log-uniforms are log-uniform)."""
    (m1, q1), (m2, q2) = log_uniform_moments(1 / 0.8, 1 / 0.2), log_uniform_moments(1 / 0.06, 1 / 0.03)
    v1, v2 = (q1 - m1 ** 2) * m2 ** 2, (q2 - m2 ** 2) * m1 ** 2
    v12 = (q1 - m1 ** 2) * (q2 - m2 ** 2)
    total = v1 + v2 + v12
    return np.array([v1, v2]) / total, np.array([v1 + v12, v2 + v12]) / total


# ------------------------------------------------------------------ local


def test_local_coefficients_match_the_analytic_plateau_sensitivities():
    scenario = infusion_scenario()
    names = [CLEARANCE, VOLUME, "subject.body_mass_kg", "plasma_il6.baseline_pg_ml",
             "tnf_alpha.elimination_rate_per_min", "muscle_glycogen.use_rate_mmol_kg_min"]
    # Tight solver tolerances: the baseline's coefficient is small (~0.02), so the default rtol's error in the plateau
    # is a large share of it.
    result = local(scenario, METRIC, names, settings=SolverSettings(rtol=1e-8, atol_fraction=1e-8))
    baseline, level = plateau(scenario)
    rise = -(level - baseline) / level
    expected = [rise, rise, rise, baseline / level, 0.0, 0.0]
    assert result.nominal == pytest.approx(level, rel=1e-5)
    assert normalised_error(result["coefficient"], expected, 1e-4, 1e-6).max() < 5
    assert all(result["converged"]) and set(result["scheme"]) == {"central"}
    assert np.all(result["error"] < 1e-3)


def test_a_parameter_at_its_bound_is_differenced_one_sided_and_stays_within_bounds(monkeypatch, model):
    # The package's ``local`` attribute is the function; the module is reached by its full name.
    local_module = importlib.import_module("myokine_sim.sensitivity.local")
    batches = []
    original = local_module.integrate

    def recording(model, parameters, *args, **kwargs):
        batches.append(parameters.copy())
        return original(model, parameters, *args, **kwargs)

    monkeypatch.setattr(local_module, "integrate", recording)
    upper = model.parameter(CLEARANCE).upper
    scenario = infusion_scenario(**{CLEARANCE: upper})  # the upper end of its plausible range
    # A tight solver: at rtol 1e-6 its own error, divided by the finest step (ln p ~ 0.012), is as large as the
    # 1e-4 checked here, so the check would rest on the solver's step choices rather than the differencing.
    result = local(scenario, METRIC, [CLEARANCE, VOLUME], steps=3, settings=SolverSettings(rtol=1e-9))
    baseline, level = plateau(scenario)
    assert list(result["scheme"]) == ["one-sided down", "central"]
    np.testing.assert_allclose(result["coefficient"], -(level - baseline) / level, rtol=1e-4)
    # One batch: the unperturbed run and 2 runs x 3 step sizes x 2 parameters.
    assert len(batches) == 1 and batches[0].shape == (1 + 2 * 3 * 2, len(model.parameters))
    assert batches[0][:, model.parameter_index[CLEARANCE]].max() <= upper


def test_suppression_compares_the_tnf_rise_with_the_endotoxin_only_control():
    result = local("endotoxin_exercise", "suppression.tnf_alpha_pg_ml", ["endotoxin.gut_leak_max_ng_kg_min"])
    exercise, rest = ms.simulate("endotoxin_exercise"), ms.simulate("endotoxin_rest")
    rise = [r["tnf_alpha_pg_ml"].max() - r["tnf_alpha_pg_ml"][0] for r in (exercise, rest)]
    assert result.nominal == pytest.approx(1 - rise[0] / rise[1], rel=1e-4)
    # Endotoxin from the gut in exercise adds to the bolus's TNF-alpha, so the metric responds to it.
    assert abs(result["coefficient"][0]) > 0.1
    assert "without its exercise bouts" in result.metric.definition


# ------------------------------------------------------------------ global


def test_sobol_recovers_the_influential_parameters_and_the_analytic_indices():
    result = sobol(infusion_scenario(), METRIC, problem=PROBLEM, samples=256, seed=3)
    s1, st, s1_conf, st_conf = (result[key] for key in ("S1", "ST", "S1_conf", "ST_conf"))
    influential = np.array(INFLUENTIAL)
    assert np.all(np.abs(st[~influential]) <= st_conf[~influential] + 1e-12)
    assert np.all(np.abs(s1[~influential]) <= s1_conf[~influential] + 1e-12)
    assert np.all(st[influential] - st_conf[influential] > 0.1)
    exact_s1, exact_st = product_indices()
    assert np.all(np.abs(s1[influential] - exact_s1) <= s1_conf[influential])
    assert np.all(np.abs(st[influential] - exact_st) <= st_conf[influential])
    assert result.runs == 256 * (len(PROBLEM["names"]) + 2)


def test_morris_screens_out_the_parameters_without_effect():
    result = morris(infusion_scenario(), METRIC, problem=PROBLEM, trajectories=10, seed=5)
    mu, mu_star, conf = result["mu"], result["mu_star"], result["mu_star_conf"]
    influential = np.array(INFLUENTIAL)
    assert np.all(mu_star[~influential] <= conf[~influential] + 1e-9)
    assert np.all(mu_star[influential] - conf[influential] > 1.0)
    assert np.all(mu[influential] < 0)  # faster clearance or a larger volume lowers the plateau
    assert result.runs == 10 * (len(PROBLEM["names"]) + 1)


@pytest.mark.parametrize("method, size", [(sobol, {"samples": 16}), (morris, {"trajectories": 3})])
def test_global_results_are_reproducible_for_a_seed(method, size):
    scenario = infusion_scenario()
    first, again = (method(scenario, METRIC, problem=PROBLEM, seed=11, **size) for _ in range(2))
    other = method(scenario, METRIC, problem=PROBLEM, seed=12, **size)
    assert first.rows == again.rows
    assert first.rows != other.rows


def test_worker_processes_and_dask_give_the_same_indices():
    scenario = infusion_scenario()
    alone = morris(scenario, METRIC, problem=PROBLEM, trajectories=4, seed=2)
    pooled = morris(scenario, METRIC, problem=PROBLEM, trajectories=4, seed=2, workers=2)
    assert alone.rows == pooled.rows
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        remote = morris(scenario, METRIC, problem=PROBLEM, trajectories=4, seed=2, scheduler=cluster.scheduler_address)
    assert alone.rows == remote.rows


def test_default_problem_halves_and_doubles_within_plausible_bounds(model):
    upper = model.parameter(CLEARANCE).upper
    scenario = infusion_scenario(**{CLEARANCE: upper, "plasma_il6.baseline_pg_ml": 1.2})
    problem = default_problem(scenario, ["plasma_il6.baseline_pg_ml", CLEARANCE])
    # The clearance sits on its upper bound: its range is clipped there.
    assert problem["bounds"] == [[0.6, 2.4], [upper / 2, upper]]
    assert problem["dists"] == ["logunif", "logunif"]


def test_given_members_evaluate_like_a_sweep():
    space = {"names": [CLEARANCE, VOLUME], "bounds": [[0.2, 0.8], [0.03, 0.06]]}
    swept = ms.sweep(infusion_scenario(), space, 6, method="lhs", seed=1, progress=False)
    values = np.column_stack([swept[CLEARANCE], swept[VOLUME]])
    given = evaluate_given(infusion_scenario(), space, values, columns=["plasma_il6_pg_ml"])
    np.testing.assert_array_equal(given["peak.plasma_il6_pg_ml"], swept["peak.plasma_il6_pg_ml"])
    with pytest.raises(InputError, match="leave the bounds"):
        evaluate_given(infusion_scenario(), space, values * 2)


def test_a_missing_salib_is_named_with_the_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib.sample.morris", None)
    with pytest.raises(InputError, match=r"myokine_sim\[sensitivity\]"):
        morris(infusion_scenario(), METRIC, problem=PROBLEM, trajectories=2)


def test_sensitivity_is_a_lazy_attribute_of_the_package():
    assert "sensitivity" in dir(ms)
    assert ms.sensitivity.local is local


# ------------------------------------------------------------------ command line


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "infusion.toml"
    path.write_text('name = "infusion_at_rest"\n[[il6_infusion]]\nstart_min = 0\nduration_min = 120\n'
                    'rate_ug_per_h = 6.0\n[simulation]\nt_end_min = 120\n')
    return path


@pytest.mark.parametrize("method, extra, figure, columns", [
    ("local", [], "tornado.png", ["coefficient", "error", "conf_low", "conf_high"]),
    ("morris", ["--samples", "3"], "indices.png", ["mu", "mu_star", "sigma", "mu_star_conf"]),
    ("sobol", ["--samples", "16", "--workers", "2"], "indices.png", ["S1", "S1_conf", "ST", "ST_conf"]),
])
def test_cli_writes_results_manifest_and_figure(tmp_path, scenario_file, method, extra, figure, columns):
    out = tmp_path / method
    result = runner.invoke(app, ["sensitivity", str(scenario_file), "--metric", METRIC, "--method", method,
                                 "--params", CLEARANCE, "--params", "tnf_alpha.elimination_rate_per_min",
                                 "--seed", "4", *extra, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert CLEARANCE in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(["sensitivity.csv", "sensitivity.json", "manifest.json",
                                                            figure])
    header = (out / "sensitivity.csv").read_text().splitlines()[0].split(",")
    assert header[0] == "parameter" and set(columns) <= set(header)
    document = json.loads((out / "sensitivity.json").read_text())
    assert document["method"] == method and document["metric"]["name"] == METRIC
    assert document["scenario"] == "infusion_at_rest" and [r["parameter"] for r in document["results"]] == [
        CLEARANCE, "tnf_alpha.elimination_rate_per_min"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity" and set(manifest["files"]) == {"sensitivity.csv", "sensitivity.json",
                                                                            figure}
    assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("arguments, message", [
    (["--metric", "peak.plasma_il7_pg_ml"], "unknown column"),
    (["--metric", "highest.plasma_il6_pg_ml"], "expected METRIC.COLUMN"),
    (["--metric", METRIC, "--params", "plasma_il6.clearance"], "unknown parameter"),
    (["--metric", METRIC, "--method", "sobol", "--samples", "8"], "at least 16 base samples"),
    (["--metric", METRIC, "--method", "morris", "--samples", "1"], "at least 2 trajectories"),
    (["--metric", METRIC, "--method", "fast"], "unknown method"),
    (["--metric", METRIC, "--samples", "8"], "applies to --method morris and sobol"),
    (["--metric", "suppression.tnf_alpha_pg_ml"], "this scenario has none"),
])
def test_cli_bad_input_exits_2_and_leaves_no_folder(tmp_path, arguments, message):
    out = tmp_path / "out"
    result = runner.invoke(app, ["sensitivity", "rest", *arguments, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_the_teaching_page_shows_its_figures_for_three_metrics():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"
    text = (docs / "sensitivity.md").read_text()
    for metric in ("peak.plasma_il6_pg_ml", "min.muscle_glycogen_mmol_kg_dw", "suppression.tnf_alpha_pg_ml"):
        assert f"metric `{metric}`" in text
    figures = [line.split("](")[1].rstrip(")") for line in text.splitlines() if line.startswith("![")]
    assert len(figures) == 9 and all((docs / figure).is_file() for figure in figures)


# ------------------------------------------------------------------ default parameters and too few samples


def test_global_methods_default_to_the_screened_parameters_and_say_so(tmp_path):
    from myokine_sim.sensitivity.screen import SCREEN_LIMIT, screened_parameters

    out = tmp_path / "sobol"
    result = runner.invoke(app, ["sensitivity", "marathon", "--metric", "peak.plasma_il6_pg_ml", "--method", "sobol",
                                 "--samples", "16", "--out", str(out)])
    assert result.exit_code == 0, result.output
    varied = [row["parameter"] for row in json.loads((out / "sensitivity.json").read_text())["results"]]
    expected, note = screened_parameters("marathon", "peak.plasma_il6_pg_ml")
    assert sorted(varied) == sorted(expected) and 1 <= len(varied) <= SCREEN_LIMIT
    assert "muscle_glycogen.use_rate_mmol_kg_min" in varied  # a parameter the peak is known to follow
    assert "note: varied" in result.stdout and "screened by local sensitivity" in result.stdout
    assert f"warning: 16 base samples for {len(varied)} parameters is too few" in result.stderr


def test_sobol_warns_when_samples_are_too_few_for_the_parameters():
    names = [CLEARANCE, "tnf_alpha.elimination_rate_per_min", "plasma_il6.volume_l_per_kg"]
    few = ms.sensitivity.sobol("rest", "peak.plasma_il6_pg_ml", names, samples=16)
    assert any(note.startswith("warning: 16 base samples for 3 parameters") for note in few.notes)
    enough = ms.sensitivity.sobol("rest", "peak.plasma_il6_pg_ml", names, samples=32)
    assert not any("base samples for" in note for note in enough.notes)


def test_sensitivity_help_states_the_screening_rule():
    from myokine_sim.sensitivity.screen import SCREEN_LIMIT, SCREEN_THRESHOLD

    text = " ".join(runner.invoke(app, ["sensitivity", "--help"], terminal_width=200).output.split())
    assert f"|d ln metric / d ln p| >= {SCREEN_THRESHOLD:g}" in text and f"at most the {SCREEN_LIMIT} largest" in text


@pytest.mark.parametrize("method, samples", [("sobol", "8"), ("morris", "1")])
def test_too_few_samples_stop_before_the_screen_runs(tmp_path, monkeypatch, method, samples):
    from myokine_sim.sensitivity import screen

    def no_screen(*args):
        raise AssertionError("the screen ran before the options were checked")

    monkeypatch.setattr(screen, "screened_parameters", no_screen)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sensitivity", "rest", "--metric", "peak.plasma_il6_pg_ml", "--method", method,
                                 "--samples", samples, "--out", str(out)])
    assert result.exit_code == 2 and result.output.startswith("error: --samples: ") and not out.exists()
