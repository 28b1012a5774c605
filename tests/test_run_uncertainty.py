"""``myokine run --uncertainty N``: posterior draws as one batch, band columns, intervals, the band figure."""

import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim.calibration.posterior_files import PosteriorSample
from myokine_sim.cli import app
from myokine_sim.model import build_model
from myokine_sim.prediction_bands import headline_with_intervals, with_bands
from myokine_sim.results import CONTRACT_COLUMNS
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import simulate

runner = CliRunner()
SCENARIO = "cycling_60min_65pct"
#: The contract columns the model computes (the schedule's inputs, such as the intensity, have no band).
OUTPUT_COLUMNS = tuple(c for c in CONTRACT_COLUMNS[1:] if c not in build_model().input_names)


def _posterior(spread: float) -> PosteriorSample:
    """Draws of two parameters, lognormal about the default set's values."""
    base = simulate(SCENARIO).parameters
    names = ("plasma_il6.clearance_per_min", "muscle_glycogen.use_rate_mmol_kg_min")
    rng = np.random.default_rng(0)
    draws = np.array([base[n] for n in names]) * np.exp(spread * rng.standard_normal((400, 2)))
    return PosteriorSample(names, draws, base, {"sample_sha256": "test"})


def test_bands_bracket_the_median_widen_with_the_spread_and_collapse_without_it():
    scenario = load_scenario(SCENARIO)
    point = simulate(scenario)
    banded = with_bands(point, scenario, 64, seed=1, posterior=_posterior(0.2))
    for column in OUTPUT_COLUMNS:
        low, mid, high = (banded[f"{column}_{s}"] for s in ("p05", "p50", "p95"))
        assert np.all(low <= mid + 1e-12) and np.all(mid <= high + 1e-12)
        assert banded.units[f"{column}_p95"] == point.units[column]
    width = banded["plasma_il6_pg_ml_p95"] - banded["plasma_il6_pg_ml_p05"]
    assert width.max() > 0.1 * point["plasma_il6_pg_ml"].max()
    # Draws that all equal the set's values give a band of zero width on the point run.
    # (batched and single solves take different steps: equal to the solver's tolerance)
    flat = with_bands(point, scenario, 8, posterior=_posterior(0.0))
    np.testing.assert_allclose(flat["plasma_il6_pg_ml_p05"], point["plasma_il6_pg_ml"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(flat["plasma_il6_pg_ml_p95"], point["plasma_il6_pg_ml"], rtol=1e-4, atol=1e-6)
    u = banded.metadata["uncertainty"]
    peak = u["headline"]["plasma_il6_pg_ml"]["peak"]
    assert peak[0] < peak[1] < peak[2] and u["draws"] == 64
    lines = headline_with_intervals(banded)
    assert len(lines) == 3 and all("90%" in line for line in lines)


def test_bands_leave_out_the_schedule_inputs_and_keep_to_the_columns_asked_for():
    """The intensity is set by the schedule, so a band of it would only repeat it; validate asks for the columns
    its targets read, and only those are banded."""
    scenario = load_scenario(SCENARIO)
    point = simulate(scenario)
    banded = with_bands(point, scenario, 8, posterior=_posterior(0.2))
    assert "intensity_pct_vo2max_p05" not in banded.columns
    assert "plasma_il6_pg_ml_p05" in banded.columns
    asked = with_bands(point, scenario, 8, posterior=_posterior(0.2), columns=("plasma_il6_pg_ml",))
    assert [c for c in asked.columns if c.endswith("_p05")] == ["plasma_il6_pg_ml_p05"]


def test_band_figure_draws(tmp_path):
    from myokine_sim.figures import figure_png, slide_figure, teaching_figure

    scenario = load_scenario(SCENARIO)
    banded = with_bands(simulate(scenario), scenario, 32, posterior=_posterior(0.2))
    for figure in (teaching_figure(banded), slide_figure(banded, ("il6", "glycogen"))):
        png = figure_png(figure)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_run_uncertainty_writes_interval_columns_summary_and_figure(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", SCENARIO, "--uncertainty", "24", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 4 and all("90%" in line for line in lines[1:])
    with open(out / "timeseries.csv") as handle:
        header = next(csv.reader(handle))
    for column in ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw"):
        assert {f"{column}_p05", f"{column}_p50", f"{column}_p95"} <= set(header)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["uncertainty"]["draws"] == 24 and summary["uncertainty"]["sampled_parameters"]
    assert summary["units"]["plasma_il6_pg_ml_p95"] == "pg/mL"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["uncertainty"]["draws"] == 24 and manifest["seed"] == 0
    assert (out / "figure.png").stat().st_size > 20_000


@pytest.mark.parametrize("n", ["-1", "100000"])
def test_run_uncertainty_out_of_range_exits_2_without_output(tmp_path, n):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", SCENARIO, "--uncertainty", n, "--out", str(out)])
    assert result.exit_code == 2 and "--uncertainty" in result.output
    assert not out.exists()


def test_run_uncertainty_with_another_parameter_set_is_refused(tmp_path):
    other = tmp_path / "mine.toml"
    other.write_text('[values]\n"plasma_il6.clearance_per_min" = 0.5\n')
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", SCENARIO, "--uncertainty", "8", "--parameter-set", str(other), "--out",
                                 str(out)])
    assert result.exit_code == 2 and "default parameter set" in result.output
    assert not out.exists()


def test_a_posterior_population_draws_its_members_from_the_shipped_sample():
    import myokine_sim as ms
    from myokine_sim.calibration.posterior_files import load_posterior

    sample = load_posterior()
    table = ms.sweep(SCENARIO, None, 12, method="posterior", seed=4, progress=False)
    frame_names = [name for name in sample.names if name in table.columns]
    assert frame_names == list(sample.names)  # the scenario sets none of them
    drawn = np.column_stack([table.columns[name] for name in sample.names])
    np.testing.assert_allclose(drawn, sample.rows(12, 4))
    assert table.metadata["members_ok"] == 12
    with pytest.raises(Exception, match="give no names"):
        ms.sweep(SCENARIO, {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.1, 1]]}, 4, method="posterior",
                 progress=False)


def test_validation_figures_carry_a_posterior_predictive_band_and_error_bars():
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.calibration.validate import study_figures, validate

    targets = [t for t in load_targets() if t.study == "Ostrowski 1998b"]
    validation = validate("default", targets, uncertainty=8)
    marathon = validation.results["marathon"]
    for column in ("plasma_il6_pg_ml", "il1ra_pg_ml"):
        assert np.all(marathon[f"{column}_p05"] <= marathon[f"{column}_p95"])
    plain = validate("default", targets)
    assert [row.simulated for row in validation.rows] == [row.simulated for row in plain.rows]  # bands add only
    figures = study_figures(validation)
    assert list(figures) == ["ostrowski_1998b.png"] and len(figures["ostrowski_1998b.png"]) > 20_000
