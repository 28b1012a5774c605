"""The ``myokine`` command line, driven through typer's CliRunner."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim.cli import app
from myokine_sim.results import CONTRACT_COLUMNS

runner = CliRunner()


def test_run_writes_the_four_files_and_a_three_line_summary(tmp_path):
    out = tmp_path / "marathon"
    result = runner.invoke(app, ["run", "marathon", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["figure.png", "manifest.json", "summary.json", "timeseries.csv"]
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"wrote {out}")
    assert len(lines) == 4 and "peak plasma IL-6" in lines[1] and "fold" in lines[2] and "glycogen nadir" in lines[3]

    header = (out / "timeseries.csv").read_text().splitlines()[0].split(",")
    assert tuple(header[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert "il6_release_ng_min" in header

    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "marathon"
    il6 = summary["metrics"]["plasma_il6_pg_ml"]
    assert set(il6) >= {"baseline", "peak", "time_of_peak_min", "min", "end", "fold_peak"}
    assert il6["fold_peak"] == pytest.approx(il6["peak"] / il6["baseline"])
    assert set(summary["metrics"]) == set(header) - {"time_min"}

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "marathon"
    assert manifest["parameters"]["plasma_il6.clearance_per_min"]["unit"] == "1/min"
    assert {"numpy", "scipy", "matplotlib", "pydantic", "typer", "python"} <= set(manifest["versions"])
    assert manifest["solver"]["rtol"] > 0 and "seed" in manifest
    assert (out / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob(".*.tmp"))


def test_set_overrides_reach_the_simulation(tmp_path):
    slow, fast = tmp_path / "slow", tmp_path / "fast"
    assert runner.invoke(app, ["run", "cycling_60min_65pct", "--out", str(slow),
                               "--set", "plasma_il6.clearance_per_min=0.2"]).exit_code == 0
    assert runner.invoke(app, ["run", "cycling_60min_65pct", "--out", str(fast),
                               "--set", "plasma_il6.clearance_per_min=0.8"]).exit_code == 0
    peak = lambda d: json.loads((d / "summary.json").read_text())["metrics"]["plasma_il6_pg_ml"]["peak"]  # noqa: E731
    assert peak(slow) > 2 * peak(fast)


def test_default_output_folder_is_out_slash_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["run", "rest"]).exit_code == 0
    assert (tmp_path / "out" / "rest" / "timeseries.csv").is_file()


def test_a_scenario_path_works(tmp_path, example_scenario_path):
    out = tmp_path / "example"
    result = runner.invoke(app, ["run", str(example_scenario_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = np.genfromtxt(out / "timeseries.csv", delimiter=",", names=True)
    assert data["time_min"][-1] == 720.0


def test_list_and_params():
    listing = runner.invoke(app, ["list"])
    assert listing.exit_code == 0 and "marathon" in listing.output and "default" in listing.output
    table = runner.invoke(app, ["params"])
    assert table.exit_code == 0
    assert "plasma_il6.clearance_per_min" in table.output and "1/min" in table.output


BAD_FILES = {
    "malformed": 'name = "x"\n[[exercise]\n',
    "unknown_field": 'name = "x"\ncolour = "red"\n',
    "unknown_parameter": 'name = "x"\n[parameters]\n"plasma_il6.nonsense" = 1\n',
    "negative_duration": 'name = "x"\n[[exercise]]\nduration_min = -1\n',
    "nan_duration": 'name = "x"\n[[exercise]]\nduration_min = nan\n',
    "intensity_300": 'name = "x"\n[[exercise]]\nintensity_pct_vo2max = 300\n',
    "overlap": 'name = "x"\n[[exercise]]\nduration_min = 60\n[[exercise]]\nstart_min = 30\n',
    "end_too_early": 'name = "x"\n[[exercise]]\nduration_min = 60\n[simulation]\nt_end_min = 10\n',
    "supramaximal_too_long": 'name = "x"\n[[exercise]]\nduration_min = 60\nintensity_pct_vo2max = 150\n',
    "unknown_training_status": 'name = "x"\n[subject]\ntraining_status = "elite"\n',
    "meal_without_interval": 'name = "x"\n[[meal]]\nrepeat = 3\n',
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_exit_2_with_one_message_and_no_output(tmp_path, case):
    path = tmp_path / f"{case}.toml"
    path.write_text(BAD_FILES[case])
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {path}")
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run", "no_such_scenario"], "unknown scenario"),
        (["run", "rest", "--set", "plasma_il6.nonsense=1"], "unknown parameter"),
        (["run", "rest", "--set", "plasma_il6.clearance_per_min=99"], "allowed: 0.05 to 2"),
        (["run", "rest", "--set", "novalue"], "expected NAME=VALUE"),
    ],
)
def test_bad_names_and_values_exit_2(tmp_path, args, fragment):
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 2
    assert fragment in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_failure_while_writing_leaves_no_new_folder(tmp_path, monkeypatch):
    from myokine_sim import runner as run_module

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device", "figure.png")

    monkeypatch.setattr(run_module, "write_bytes_atomic", broken)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "rest", "--out", str(out)])
    assert result.exit_code == 1
    assert "No space left" in result.output
    assert not out.exists()
