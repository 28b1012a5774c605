"""Sweeps and virtual populations: samplers, batched evaluation, failures, resume, Dask and the CLI."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim.cli import app
from myokine_sim.errors import InputError, SimulationError
from myokine_sim.model import build_model
from myokine_sim.results import METRICS, column_metrics
from myokine_sim.scenario import load_scenario
from myokine_sim.sweeps import bands, evaluate
from myokine_sim.sweeps.evaluate import batch_metrics, member_scenario, merge_metrics
from myokine_sim.sweeps.plan import plan_sweep
from myokine_sim.sweeps.sampling import grid, lhs, population, sobol
from myokine_sim.sweeps.space import parse_space

SCENARIO = "cycling_60min_65pct"
runner = CliRunner()

SPACE = {
    "names": ["plasma_il6.clearance_per_min", "exercise.0.intensity_pct_vo2max", "subject.muscle_glycogen_mmol_kg_dw"],
    "bounds": [[0.2, 0.8], [45, 85], [250, 600]],
}


@pytest.fixture(scope="module")
def scenario():
    return ms.load_scenario(SCENARIO)


def _space(scenario, space=SPACE):
    return parse_space(space, scenario, build_model())


# ------------------------------------------------------------------ samplers


@pytest.mark.parametrize("sampler", [lhs, sobol])
def test_samplers_are_reproducible_and_within_bounds(scenario, sampler):
    space = _space(scenario)
    first, again, other = sampler.sample(space, 50, seed=7), sampler.sample(space, 50, seed=7), sampler.sample(
        space, 50, seed=8)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    lower, upper = np.array(SPACE["bounds"]).T
    assert first.shape == (50, 3) and np.all(first >= lower) and np.all(first <= upper)


def test_a_latin_hypercube_puts_one_member_in_every_stratum(scenario):
    values = lhs.sample(_space(scenario), 20, seed=1)
    strata = np.floor((values[:, 0] - 0.2) / 0.6 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_grid_is_a_full_factorial_with_the_last_name_fastest(scenario):
    space = _space(scenario, {"names": SPACE["names"][:2], "bounds": SPACE["bounds"][:2]})
    values = grid.sample(space, [3, 4])
    assert values.shape == (12, 2)
    np.testing.assert_allclose(np.unique(values[:, 0]), [0.2, 0.5, 0.8])
    np.testing.assert_allclose(values[:4, 1], np.linspace(45, 85, 4))
    assert np.all(values[:4, 0] == 0.2)


def test_log_uniform_grids_are_geometric(scenario):
    space = _space(scenario, {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.1, 1.0]],
                              "dists": ["logunif"]})
    np.testing.assert_allclose(grid.sample(space, [3])[:, 0], [0.1, np.sqrt(0.1), 1.0])


def test_population_is_lognormal_around_the_scenario_and_truncated_to_plausible_ranges():
    plan = plan_sweep(SCENARIO, None, 4000, "population", seed=3)
    again = plan_sweep(SCENARIO, None, 4000, "population", seed=3)
    np.testing.assert_array_equal(plan.values, again.values)
    model = build_model()
    for column, variable in enumerate(plan.space.variables):
        values = plan.values[:, column]
        parameter = model.parameter(variable.name)
        assert np.all(values >= parameter.lower) and np.all(values <= parameter.upper)
        cv = population.POPULATION_CV[variable.name].cv
        median, sigma = plan.parameters[variable.name], np.sqrt(np.log1p(cv**2))
        # On the log scale the draws are a normal truncated to the plausible range.
        low, high = (np.log(parameter.lower / median) / sigma, np.log(parameter.upper / median) / sigma)
        expected = stats.truncnorm(low, high, loc=np.log(median), scale=sigma)
        assert np.mean(np.log(values)) == pytest.approx(expected.mean(), abs=0.1 * sigma)
        assert np.std(np.log(values)) == pytest.approx(expected.std(), rel=0.1)
    assert {"subject.body_mass_kg", "subject.vo2max_ml_kg_min", "subject.muscle_glycogen_mmol_kg_dw"} <= set(
        plan.space.names)


def test_population_cvs_can_be_overridden_added_and_switched_off():
    plan = plan_sweep(SCENARIO, None, 200, "population", cv={
        "plasma_il6.clearance_per_min": 0.5, "il6_gene.max_transcription_fold": 0.0,
        "exercise.0.intensity_pct_vo2max": 0.1})
    names = plan.space.names
    assert "il6_gene.max_transcription_fold" not in names and "exercise.0.intensity_pct_vo2max" in names
    assert plan.design["cvs"][names.index("plasma_il6.clearance_per_min")] == 0.5
    with pytest.raises(InputError, match="coefficient of variation"):
        plan_sweep(SCENARIO, None, 10, "population", cv={"plasma_il6.clearance_per_min": -1})
    with pytest.raises(InputError, match="unknown name"):
        plan_sweep(SCENARIO, None, 10, "population", cv={"plasma_il6.clearence_per_min": 0.2})


def test_population_bounds_truncate_the_distribution():
    space = {"names": ["subject.vo2max_ml_kg_min"], "bounds": [[45, 55]]}
    plan = plan_sweep(SCENARIO, space, 500, "population")
    values = plan.values[:, plan.space.names.index("subject.vo2max_ml_kg_min")]
    assert values.min() >= 45 and values.max() <= 55


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("space", "match"),
    [
        ({"names": ["plasma_il6.clearence_per_min"], "bounds": [[0.2, 0.8]]}, "did you mean"),
        ({"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.01, 0.8]]}, "plausible range; allowed: 0.05"),
        ({"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.8, 0.2]]}, "LO <= HI"),
        ({"names": ["exercise.0.duration_min"], "bounds": [[0, 90]]}, "allowed: >= 0.01 and <= 2880 min"),
        ({"names": ["exercise.1.duration_min"], "bounds": [[30, 90]]}, "1 \\[\\[exercise\\]\\] table"),
        ({"names": ["exercise.0.modality"], "bounds": [[0, 1]]}, "allowed: start_min"),
        ({"names": ["carbohydrate.0.grams"], "bounds": [[10, 20]]}, "0 \\[\\[carbohydrate\\]\\] table"),
        ({"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8]], "dists": ["gamma"]}, "allowed: unif"),
        ({"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8, 2.0]], "dists": ["triang"]},
         "fraction"),
        ({"names": ["a", "a"], "bounds": [[0, 1], [0, 1]]}, "more than once"),
        ({"names": ["plasma_il6.clearance_per_min"], "bounds": []}, "one bounds entry"),
    ],
)
def test_bad_spaces_name_the_field_and_what_is_allowed(scenario, space, match):
    with pytest.raises(InputError, match=match):
        _space(scenario, space)


def test_zero_samples_and_unknown_methods_are_refused():
    with pytest.raises(InputError, match="zero samples"):
        plan_sweep(SCENARIO, SPACE, 0, "lhs")
    with pytest.raises(InputError, match="zero samples"):
        plan_sweep(SCENARIO, SPACE, [2, 0, 2], "grid")
    with pytest.raises(InputError, match="allowed: grid, lhs, sobol, population"):
        plan_sweep(SCENARIO, SPACE, 4, "halton")


# ------------------------------------------------------------------ evaluation


def test_batched_metrics_equal_column_metrics():
    rng = np.random.default_rng(0)
    time = np.linspace(0, 10, 21)
    values = rng.random((21, 5))
    values[:, 3] = 0.0  # no positive baseline: fold_peak is None (NaN here)
    batched = batch_metrics(time, values)
    for member in range(5):
        single = column_metrics(time, values[:, member])
        for metric in METRICS:
            expected = np.nan if single[metric] is None else single[metric]
            np.testing.assert_equal(batched[metric][member], expected)


def test_metrics_merged_over_blocks_of_time_equal_metrics_over_all_of_it():
    rng = np.random.default_rng(1)
    time = np.arange(50.0)
    values = rng.integers(0, 5, size=(50, 40)).astype(float)  # many ties: the first extreme must win
    merged = None
    for start in range(0, 50, 7):
        merged = merge_metrics(merged, batch_metrics(time[start:start + 7], values[start:start + 7]))
    whole = batch_metrics(time, values)
    for metric in METRICS:
        np.testing.assert_array_equal(merged[metric], whole[metric])


def test_sweep_rows_equal_single_runs(scenario):
    table = ms.sweep(SCENARIO, SPACE, 6, method="lhs", seed=5, progress=False)
    assert len(table) == 6 and np.all(table.ok)
    for member in range(6):
        variant = member_scenario(scenario, [(("exercise", 0, "intensity_pct_vo2max"),
                                              table["exercise.0.intensity_pct_vo2max"][member])])
        result = ms.simulate(variant, parameters={
            "plasma_il6.clearance_per_min": table["plasma_il6.clearance_per_min"][member],
            "subject.muscle_glycogen_mmol_kg_dw": table["subject.muscle_glycogen_mmol_kg_dw"][member]})
        summary = result.summary()["metrics"]
        for column in ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw", "il1ra_pg_ml", "glycerol_ra_umol_kg_min"):
            assert table[f"peak.{column}"][member] == pytest.approx(summary[column]["peak"], rel=2e-5)
            assert table[f"time_of_peak_min.{column}"][member] == pytest.approx(
                summary[column]["time_of_peak_min"], abs=1.0)
            assert table[f"min.{column}"][member] == pytest.approx(summary[column]["min"], rel=2e-5)
        assert table["fold_peak.plasma_il6_pg_ml"][member] == pytest.approx(
            summary["plasma_il6_pg_ml"]["fold_peak"], rel=2e-5)
    assert set(table.column_names) >= {f"{m}.{c}" for m in METRICS for c in result.columns}
    assert table.units["fold_peak.plasma_il6_pg_ml"] == "fold" and table.units["peak.plasma_il6_pg_ml"] == "pg/mL"


def test_members_with_different_durations_are_grouped_and_match_single_runs(scenario):
    space = {"names": ["exercise.0.duration_min"], "bounds": [[30, 90]]}
    table = ms.sweep(SCENARIO, space, 3, progress=False)
    for member, duration in enumerate([30.0, 60.0, 90.0]):
        variant = member_scenario(scenario, [(("exercise", 0, "duration_min"), duration)])
        peak = ms.simulate(variant)["plasma_il6_pg_ml"].max()
        assert table["peak.plasma_il6_pg_ml"][member] == pytest.approx(peak, rel=2e-5)


def test_sweeping_an_infusions_dose_replaces_the_plasma_rise_it_was_given_as():
    """A shipped infusion is given as a plasma rise; a sweep of its dose rate gives each member that dose instead."""
    table = ms.sweep("il6_infusion_low", {"names": ["il6_infusion.0.rate_ug_per_h"], "bounds": [[4.0, 8.0]]}, 2,
                     progress=False)
    assert np.all(table.ok)
    base = load_scenario("il6_infusion_low")
    for member, rate in enumerate(table["il6_infusion.0.rate_ug_per_h"]):
        variant = member_scenario(base, [(("il6_infusion", 0, "rate_ug_per_h"), rate)])
        assert variant.il6_infusion[0].plasma_rise_pg_ml is None
        result = ms.simulate(variant)
        assert table["peak.plasma_il6_pg_ml"][member] == pytest.approx(result["plasma_il6_pg_ml"].max(), rel=2e-5)
        assert result["rhil6_infusion_ng_min"].max() == pytest.approx(rate * 1000.0 / 60.0, rel=1e-12)


def test_an_infusions_dose_cannot_be_varied_both_ways_and_a_cv_names_the_field_the_scenario_gives():
    both = {"names": ["il6_infusion.0.rate_ug_per_h", "il6_infusion.0.plasma_rise_pg_ml"],
            "bounds": [[4, 8], [50, 100]]}
    with pytest.raises(InputError, match="give the same dose two ways"):
        plan_sweep("il6_infusion_low", both, 4, "lhs")
    with pytest.raises(InputError, match="gives plasma_rise_pg_ml instead"):
        plan_sweep("il6_infusion_low", None, 10, "population", cv={"il6_infusion.0.rate_ug_per_h": 0.2})
    varied = plan_sweep("il6_infusion_low", None, 10, "population", cv={"il6_infusion.0.plasma_rise_pg_ml": 0.2})
    assert varied is not None


def test_a_failing_member_is_marked_and_the_others_complete(monkeypatch):
    real_integrate = evaluate.integrate

    def integrate(model, parameters, schedules, times, settings):
        clearance = parameters[:, model.parameter_index["plasma_il6.clearance_per_min"]]
        if np.any(np.isclose(clearance, 0.5)):
            raise SimulationError("forced failure for the test")
        return real_integrate(model, parameters, schedules, times, settings)

    monkeypatch.setattr(evaluate, "integrate", integrate)
    # The NumPy path, whose batches are bisected to find a failing member (the compiled kernel reports each
    # member's failure itself: tests/test_kernel.py).
    monkeypatch.setenv("MYOKINE_KERNEL", "numpy")
    space = {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8]]}
    table = ms.sweep(SCENARIO, space, 5, progress=False)
    assert list(table["status"]) == ["ok", "ok", "failed: member 2: forced failure for the test", "ok", "ok"]
    assert np.isnan(table["peak.plasma_il6_pg_ml"][2])
    assert np.all(np.isfinite(np.delete(table["peak.plasma_il6_pg_ml"], 2)))
    text = table.to_csv()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["status"] == "ok"
    failed = list(csv.DictReader(io.StringIO(text)))[2]
    assert failed["peak.plasma_il6_pg_ml"] == "" and failed["status"].startswith("failed")


def test_an_invalid_member_schedule_is_marked_with_its_reason():
    # hiit's second table starts at 5 min: a warm-up longer than 5 min overlaps it.
    space = {"names": ["exercise.0.duration_min"], "bounds": [[3, 7]]}
    table = ms.sweep("hiit_10x1min", space, 3, progress=False)
    assert list(table["status"][:2]) == ["ok", "ok"]
    assert table["status"][2].startswith("invalid scenario: exercise") and "overlaps" in table["status"][2]


def test_trajectories_and_population_bands(tmp_path):
    table = ms.sweep(SCENARIO, None, 300, method="population", trajectories=["plasma_il6_pg_ml"],
                     out=tmp_path / "population", progress=False)
    il6 = table.trajectories["plasma_il6_pg_ml"]
    assert il6.shape == (300, len(table.time_min))
    np.testing.assert_allclose(il6.max(axis=1), table["peak.plasma_il6_pg_ml"])
    bin_width = bands.EDGES[1] / bands.EDGES[0]
    for level, values in table.bands["plasma_il6_pg_ml"].items():
        # Between the order statistics around the quantile, give or take one bin.
        assert np.all(values >= np.quantile(il6, level, axis=0, method="lower") / bin_width)
        assert np.all(values <= np.quantile(il6, level, axis=0, method="higher") * bin_width)
    files = {p.name for p in (tmp_path / "population").iterdir()}
    assert {"sweep.csv", "manifest.json", "bands.png", "trajectories.npz", "chunks"} <= files
    with np.load(tmp_path / "population" / "trajectories.npz") as saved:
        np.testing.assert_array_equal(saved["plasma_il6_pg_ml"], il6)
    manifest = json.loads((tmp_path / "population" / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["seed"] == 0
    assert manifest["sweep"]["method"] == "population" and manifest["sweep"]["members"] == 300
    assert "sweep.csv" in manifest["files"] and "bands.png" in manifest["files"]


# ------------------------------------------------------------------ output folder, resume, parallel


def test_an_interrupted_sweep_resumes_to_the_same_csv(tmp_path):
    arguments = {"n": 40, "method": "lhs", "seed": 11, "chunk_size": 8}
    reference = tmp_path / "reference"
    ms.sweep(SCENARIO, SPACE, out=reference, progress=False, **arguments)

    calls = []

    def interrupt(progress):
        calls.append(progress)
        if progress.chunks_done == 2:
            raise KeyboardInterrupt

    resumed = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        ms.sweep(SCENARIO, SPACE, out=resumed, progress=interrupt, **arguments)
    assert len(list((resumed / "chunks").glob("chunk-*.npz"))) == 2
    assert not (resumed / "sweep.csv").exists()

    calls.clear()
    table = ms.sweep(SCENARIO, SPACE, out=resumed, progress=lambda p: calls.append(p), **arguments)
    assert calls[0].members_resumed == 16 and calls[-1].chunks_done == 5 and len(calls) == 3
    assert (resumed / "sweep.csv").read_bytes() == (reference / "sweep.csv").read_bytes()
    assert len(table) == 40


def test_an_interrupted_parallel_sweep_keeps_its_chunks_and_resumes(tmp_path):
    arguments = {"n": 48, "method": "population", "seed": 3, "chunk_size": 8, "workers": 2}
    out = tmp_path / "parallel"

    def interrupt(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ms.sweep(SCENARIO, None, out=out, progress=interrupt, **arguments)
    assert len(list((out / "chunks").glob("chunk-*.npz"))) >= 1
    resumed = ms.sweep(SCENARIO, None, out=out, progress=False, **arguments)
    fresh = ms.sweep(SCENARIO, None, progress=False, **{**arguments, "workers": 1})
    assert resumed.to_csv() == fresh.to_csv()


def test_an_output_folder_holding_another_sweep_is_refused(tmp_path):
    out = tmp_path / "sweep"
    ms.sweep(SCENARIO, SPACE, 4, method="lhs", out=out, progress=False)
    with pytest.raises(InputError, match="holds a different sweep"):
        ms.sweep(SCENARIO, SPACE, 4, method="lhs", seed=1, out=out, progress=False)


def test_worker_processes_give_the_same_results_as_one_process():
    local = ms.sweep(SCENARIO, None, 96, method="population", seed=2, chunk_size=32, progress=False)
    pooled = ms.sweep(SCENARIO, None, 96, method="population", seed=2, chunk_size=32, workers=2, progress=False)
    for name in local.column_names:
        np.testing.assert_array_equal(local[name], pooled[name])


def test_a_dask_cluster_gives_the_same_results_as_a_local_run():
    distributed = pytest.importorskip("distributed")
    local = ms.sweep(SCENARIO, SPACE, 24, method="sobol", seed=4, chunk_size=8, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = ms.sweep(SCENARIO, SPACE, 24, method="sobol", seed=4, chunk_size=8,
                          scheduler=cluster.scheduler_address, progress=False)
    for name in local.column_names:
        np.testing.assert_array_equal(local[name], remote[name])


def test_a_quantile_sketch_is_exact_to_within_a_bin():
    rng = np.random.default_rng(0)
    values = rng.lognormal(1.0, 0.8, size=(3, 5000))
    counts = bands.histogram(values[:, :2500]).astype(np.int64) + bands.histogram(values[:, 2500:])
    for level, estimate in bands.quantiles(counts).items():
        np.testing.assert_allclose(estimate, np.quantile(values, level, axis=1), rtol=0.01)


# ------------------------------------------------------------------ command line


def test_cli_grid_writes_csv_manifest_and_heat_map(tmp_path):
    out = tmp_path / "map"
    result = runner.invoke(app, ["sweep", SCENARIO, "--vary", "exercise.0.duration_min=30:90:3",
                                 "--vary", "exercise.0.intensity_pct_vo2max=50:80:2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 members" in result.output
    assert {"sweep.csv", "manifest.json", "heatmap.png"} <= {p.name for p in out.iterdir()}
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert len(rows) == 6 and rows[0]["status"] == "ok"
    assert {"member", "exercise.0.duration_min", "fold_peak.plasma_il6_pg_ml", "status"} <= set(rows[0])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sweep"]["space"]["names"] == ["exercise.0.duration_min", "exercise.0.intensity_pct_vo2max"]
    assert manifest["sweep"]["samples"] == [3, 2] and manifest["versions"]["numpy"]
    # Running the same command again resumes (here: nothing left to do) and rewrites the same table.
    again = runner.invoke(app, ["sweep", SCENARIO, "--vary", "exercise.0.duration_min=30:90:3",
                                "--vary", "exercise.0.intensity_pct_vo2max=50:80:2", "--out", str(out)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--vary", "plasma_il6.clearence_per_min=0.2:0.8:3"], "--vary: plasma_il6.clearence_per_min: unknown name"),
        (["--vary", "plasma_il6.clearance_per_min=0.01:0.8:3"], "allowed: 0.05 to 2 1/min"),
        (["--vary", "plasma_il6.clearance_per_min=0.8:0.2:3"], "LO <= HI"),
        (["--vary", "plasma_il6.clearance_per_min=0.2:0.8:0"], "zero samples"),
        (["--vary", "plasma_il6.clearance_per_min=0.2:0.8", "--method", "lhs", "--samples", "0"], "zero samples"),
        (["--vary", "exercise.0.duration_min=0:90:3"], "allowed: >= 0.01 and <= 2880 min"),
        (["--vary", "plasma_il6.clearance_per_min=0.2"], "expected NAME=LO:HI"),
        (["--vary", "plasma_il6.clearance_per_min=0.2:0.8"], "a grid needs points"),
        (["--vary", "plasma_il6.clearance_per_min=0.2:0.8:3", "--method", "halton"], "--method"),
        (["--method", "population", "--samples", "5", "--cv", "subject.body_mass_kg=-1"], "--cv"),
    ],
)
def test_cli_bad_input_exits_2_and_leaves_no_folder(tmp_path, arguments, message):
    out = tmp_path / "never"
    result = runner.invoke(app, ["sweep", SCENARIO, *arguments, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_cli_refuses_a_folder_holding_a_different_sweep(tmp_path):
    out = tmp_path / "sweep"
    first = runner.invoke(app, ["sweep", SCENARIO, "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2",
                                "--out", str(out)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["sweep", SCENARIO, "--vary", "plasma_il6.clearance_per_min=0.2:0.8:3",
                                 "--out", str(out)])
    assert second.exit_code == 2 and "holds a different sweep" in second.output
    assert (out / "sweep.csv").read_text().count("\n") == 3  # the first sweep's table is untouched


def test_cli_sends_chunks_to_a_dask_scheduler(tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "remote"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        result = runner.invoke(app, ["sweep", SCENARIO, "--method", "lhs", "--samples", "4", "--vary",
                                     "plasma_il6.clearance_per_min=0.2:0.8", "--scheduler",
                                     cluster.scheduler_address, "--out", str(out)])
    assert result.exit_code == 0, result.output
    local = ms.sweep(SCENARIO, {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8]]}, 4,
                     method="lhs", progress=False)
    assert (out / "sweep.csv").read_text() == local.to_csv()


def test_docs_list_every_population_cv():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "sweeps.md").read_text()
    for name, entry in population.POPULATION_CV.items():
        assert f"| `{name}` | {entry.cv:g} |" in text and entry.source in text, name
