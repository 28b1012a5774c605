"""``myokine fit --data``: synthetic measurements made by the model with known parameters are fitted back."""

import json
import tomllib

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim.calibration.datafit import DataProblem, fit_data
from myokine_sim.calibration.petab import read_measurements
from myokine_sim.cli import app
from myokine_sim.simulation import simulate

runner = CliRunner()
SCENARIO = "cycling_60min_65pct"
TRUE = {"plasma_il6.clearance_per_min": None, "muscle_glycogen.use_rate_mmol_kg_min": None}
TIMES = (0, 20, 40, 60, 75, 90, 120, 150)
CV = 0.05


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A table of plasma IL-6 and glycogen from known parameter values (0.7x and 1.25x the set's), 5% noise."""
    base = simulate(SCENARIO).parameters
    truth = {"plasma_il6.clearance_per_min": 0.7 * base["plasma_il6.clearance_per_min"],
             "muscle_glycogen.use_rate_mmol_kg_min": 1.25 * base["muscle_glycogen.use_rate_mmol_kg_min"]}
    result = simulate(SCENARIO, parameters=truth)
    rng = np.random.default_rng(7)
    lines = ["observableId\tsimulationConditionId\ttime\tmeasurement\tnoiseParameters"]
    for column in ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw"):
        for t in TIMES:
            exact = result.at(column, t)
            lines.append(f"{column}\t{SCENARIO}\t{t}\t{exact * (1 + CV * rng.standard_normal()):.6g}\t{CV * exact:.6g}")
    path = tmp_path_factory.mktemp("data") / "synthetic.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path, truth, base


def test_known_values_fall_within_the_reported_90_percent_intervals(synthetic):
    path, truth, base = synthetic
    problem = DataProblem(read_measurements(path), tuple(truth))
    result = fit_data(problem, max_evaluations=40)
    for name, value in truth.items():
        low, mid, high = result.intervals[name]
        assert low <= value <= high, (name, value, result.intervals[name])
        # The interval is informative: narrower than the distance the fit travelled from the start.
        assert high / low < base[name] / value or value / base[name] > high / low or high / low < 1.5
    assert result.cost < 2.0 * len(problem.measured)  # about one sd per point, not a failed fit


def test_fit_data_cli_writes_a_usable_set_residuals_and_a_figure(synthetic, tmp_path):
    path, truth, _base = synthetic
    out = tmp_path / "fit"
    args = ["fit", "--data", str(path), "--out", str(out)]
    for name in truth:
        args += ["--fit-parameter", name]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"fitted.toml", "residuals.tsv", "figure.png", "report.txt",
                                                "manifest.json"}
    fitted = tomllib.loads((out / "fitted.toml").read_text())
    assert set(fitted["values"]) == set(truth)
    for name, value in truth.items():
        low, _mid, high = fitted["provenance"]["interval_90"][name]
        assert low <= value <= high
    rows = (out / "residuals.tsv").read_text().splitlines()
    assert rows[0].split("\t")[:5] == ["observableId", "simulationConditionId", "time_min", "measurement", "simulation"]
    assert len(rows) == 1 + 2 * len(TIMES)
    assert json.loads((out / "manifest.json").read_text())["kind"] == "fit-data"
    run = runner.invoke(app, ["run", SCENARIO, "--parameter-set", str(out / "fitted.toml"), "--out",
                              str(tmp_path / "run")])
    assert run.exit_code == 0, run.output


def test_posterior_sampling_of_user_data_covers_the_truth(synthetic, tmp_path):
    path, truth, _base = synthetic
    problem = DataProblem(read_measurements(path), tuple(truth))
    result = fit_data(problem, max_evaluations=40, posterior=True, walkers=8, steps=60, seed=3)
    d = result.posterior["diagnostics"]
    assert 0.1 < d["acceptance_fraction"] < 0.9
    assert result.posterior["draws"].shape == (8 * (60 - d["burn_in_steps"]), 2)
    for name, value in truth.items():
        low, _mid, high = result.intervals[name]
        assert low <= value <= high, (name, value, result.intervals[name])
