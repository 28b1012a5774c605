"""The ``myokine`` command line, driven through typer's CliRunner."""

import json
import re
from pathlib import Path

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
    "hydrocortisone_too_fast": 'name = "x"\n[[hydrocortisone_infusion]]\nrate_ug_kg_min = 5000\n',
    "hydrocortisone_overlap": 'name = "x"\n[[hydrocortisone_infusion]]\nduration_min = 60\n'
                              '[[hydrocortisone_infusion]]\nstart_min = 30\n',
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


# ------------------------------------------------------------------ help, version and usage errors

COMMANDS = ["run", "list", "params", "export-sbml", "export-omex", "sweep", "sensitivity", "fit", "validate",
            "crossvalidate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_keeps_square_brackets_and_shows_no_markup(command):
    import typer.main

    result = runner.invoke(app, [command, "--help"], terminal_width=400)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    click_command = typer.main.get_command(app).commands[command]
    texts = [click_command.help or "", *(getattr(param, "help", None) or "" for param in click_command.params)]
    for text in texts:  # every [...] written in a help text is printed as written
        for bracketed in re.findall(r"\[[^\]]*\]", " ".join(text.split())):
            assert bracketed in shown, bracketed
    assert "\\[" not in result.output  # an escape meant for Rich would show as a backslash


@pytest.mark.parametrize("command, fragment", [
    ("export-sbml", "myokine_sim[sbml]"),
    ("export-omex", "myokine_sim[sbml]"),
    ("sweep", "myokine_sim[dask]"),
    ("run", "[default: out/<scenario name>/]"),
    ("sweep", "[default: out/<scenario name>-sweep-<fingerprint>/"),
    ("sensitivity", "[default: out/<scenario name>-<method>-<metric>/]"),
    ("fit", "[default: out/fit/]"),
    ("run", "--parameter-set"),
])
def test_help_names_the_extras_and_default_folders(command, fragment):
    result = runner.invoke(app, [command, "--help"], terminal_width=400)
    assert fragment in " ".join(result.output.split())


def test_version_prints_the_package_version():
    from myokine_sim import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"myokine_sim {__version__}"


@pytest.mark.parametrize("args, fragment", [
    (["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8", "--samples", "abc"],
     "error: --samples: Input should be a valid integer"),
    (["sweep", "rest", "--sampels", "3"], "error: --sampels: no such option; did you mean --samples?"),
    (["sensitivity", "rest"], "error: --metric: required option, not given"),
    (["run"], "error: SCENARIO: required argument, not given"),
    (["params", "--format"], "error: --format: requires an argument"),
    (["no-such-command"], "error: No such command 'no-such-command'"),
])
def test_usage_errors_are_one_line_with_exit_2(args, fragment):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.output
    assert "Usage:" not in result.output and "╭" not in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ consistent options: --out and --parameter-set


def test_sweep_and_sensitivity_default_to_folders_under_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    (folder,) = (tmp_path / "out").iterdir()
    assert folder.name.startswith("rest-sweep-") and (folder / "sweep.csv").is_file()
    assert runner.invoke(app, args).exit_code == 0  # the same sweep resumes in the same folder
    other = runner.invoke(app, ["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:3"])
    assert other.exit_code == 0, other.output
    assert len(list((tmp_path / "out").iterdir())) == 2  # a different sweep gets its own folder

    local = runner.invoke(app, ["sensitivity", "rest", "--metric", "peak.plasma_il6_pg_ml",
                                "--params", "plasma_il6.clearance_per_min"])
    assert local.exit_code == 0, local.output
    assert (tmp_path / "out" / "rest-local-peak.plasma_il6_pg_ml" / "sensitivity.csv").is_file()


def test_run_takes_a_parameter_set_and_refuses_a_missing_one(tmp_path):
    shipped = tmp_path / "shipped"
    assert runner.invoke(app, ["run", "rest", "-o", str(shipped), "-p", "default"]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "rest", "--out", str(out), "--parameter-set", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and result.output.startswith("error: --parameter-set: ")
    assert "not found" in result.output and not out.exists()


def test_a_missing_extra_names_the_install_command_that_works_from_a_clone(monkeypatch):
    import sys

    from myokine_sim.extras import MissingExtraError, require

    monkeypatch.setitem(sys.modules, "pandas", None)  # None in sys.modules makes the import fail
    with pytest.raises(MissingExtraError) as caught:
        require("pandas", "to_pandas")
    assert "pip install '.[data]'" in str(caught.value) and "myokine_sim[data]" in str(caught.value)
    assert "pip install 'myokine_sim[" not in str(caught.value)  # not on PyPI: that spelling fails


# ------------------------------------------------------------------ the headline peak and short reprs

LATE_RISE = """name = "late_rise"
[[exercise]]
start_min = 0
duration_min = 30
intensity_pct_vo2max = 60
[[endotoxin]]
time_min = 240
dose_ng_per_kg = 2.0
"""


def test_headline_peak_is_the_exercise_peak_and_says_so(tmp_path):
    path = tmp_path / "late_rise.toml"
    path.write_text(LATE_RISE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    whole_run = summary["metrics"]["plasma_il6_pg_ml"]
    headline = summary["headline"]["plasma_il6_pg_ml"]
    assert whole_run["time_of_peak_min"] > 240  # the endotoxin rise, hours after the bout
    assert headline["time_of_peak_min"] <= 30 + 60 and headline["peak"] < whole_run["peak"]
    assert headline["window"] == "during exercise and up to 60 min after each bout"
    assert headline["window_after_bout_min"] == 60
    assert headline["fold_peak"] == pytest.approx(headline["peak"] / headline["baseline"])
    assert set(summary["metrics"]["plasma_il6_pg_ml"]) == {"baseline", "peak", "time_of_peak_min", "min",
                                                           "time_of_min_min", "end", "fold_peak"}  # unchanged
    line = result.output.splitlines()[1]
    assert f"at {headline['time_of_peak_min']:.0f} min (during exercise and up to 60 min after each bout)" in line
    nadir = summary["headline"]["muscle_glycogen_mmol_kg_dw"]
    assert f"{nadir['min']:.0f} mmol/kg dw" in result.output.splitlines()[3]


def test_headline_without_exercise_covers_the_whole_run():
    import myokine_sim as ms

    headline = ms.simulate(ms.load_scenario("rest")).summary()["headline"]["plasma_il6_pg_ml"]
    assert headline["window"] == "over the whole run: no exercise" and headline["window_after_bout_min"] is None


def test_result_and_sweep_table_reprs_are_short():
    import myokine_sim as ms

    result = ms.simulate(ms.load_scenario("marathon"))
    text = repr(result)
    assert len(text) < 400 and "'marathon'" in text and "0-600 min" in text and "plasma_il6_pg_ml [pg/mL]" in text
    table = ms.sweep("rest", {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8]]}, 4,
                     progress=False, trajectories=True)
    text = repr(table)
    assert len(text) < 400 and "4 members (4 ok)" in text and "inputs: plasma_il6.clearance_per_min" in text
    assert "[pg/mL]" in text or "[%VO2max]" in text


# ------------------------------------------------------------------ output fitted to the terminal; csv and json


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [80, 100, 160])
def test_list_and_params_fit_the_terminal_width(columns):
    env = {"COLUMNS": str(columns)}
    for args in (["list"], ["params"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert _widest(result.output) <= columns, args


def test_params_keeps_whole_names_when_there_is_room_and_lists_every_parameter():
    from myokine_sim.model import build_model

    names = [p.name for p in build_model().parameters]
    for columns in ("60", "80", "160"):  # narrow: the sources go below each row, the names stay whole
        lines = runner.invoke(app, ["params"], env={"COLUMNS": columns}).output.splitlines()
        assert all(any(line.startswith(name + " ") for line in lines) for name in names), columns
    listing = runner.invoke(app, ["list"], env={"COLUMNS": "100"}).output
    scenario_lines = [line for line in listing.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    starts = {re.match(r"  \S+\s+", line).end() for line in scenario_lines if len(line.split()) > 1}
    assert len(starts) == 1  # every description starts in the same column, long names included


def test_params_as_csv_and_json():
    import csv as csv_module
    import io

    from myokine_sim.model import build_model

    model = build_model()
    rows = list(csv_module.DictReader(io.StringIO(runner.invoke(app, ["params", "--format", "csv"]).output)))
    assert [row["name"] for row in rows] == [p.name for p in model.parameters]
    assert set(rows[0]) == {"name", "value", "unit", "lower", "upper", "source"}
    records = json.loads(runner.invoke(app, ["params", "--format", "json", "-p", "default"]).output)
    clearance = next(r for r in records if r["name"] == "plasma_il6.clearance_per_min")
    assert clearance["unit"] == "1/min" and isinstance(clearance["value"], float)
    bad = runner.invoke(app, ["params", "--format", "xml"])
    assert bad.exit_code == 2
    assert bad.output.strip() == "error: --format: xml: unknown format; allowed: table, csv, json"


def test_validate_table_fits_and_csv_goes_alone_to_stdout(tmp_path):
    table = runner.invoke(app, ["validate", "--out", str(tmp_path / "v")], env={"COLUMNS": "100"})
    assert table.exit_code in (0, 1), table.output
    table_part = table.stdout.split("\n\n")[0]
    assert _widest(table_part) <= 100
    shown = set(table_part.split())
    for record in json.loads((tmp_path / "v" / "validation.json").read_text()):  # no cell is cut short
        assert record["id"] in shown and record["quantity"].split()[-1] in shown, record["id"]
    as_csv = runner.invoke(app, ["validate", "--out", str(tmp_path / "c"), "--format", "csv"])
    assert as_csv.exit_code == table.exit_code
    rows = list(__import__("csv").reader(as_csv.stdout.splitlines()))
    assert rows[0] == ["id", "study", "quantity", "observed", "simulated", "ratio or direction", "pass"]
    assert len(rows) == 1 + len(json.loads((tmp_path / "c" / "validation.json").read_text()))
    assert "scored targets pass" in as_csv.stderr and "scored targets pass" not in as_csv.stdout


# ------------------------------------------------------------------ progress bars (rich.progress)


def test_sweep_bar_is_rich_with_an_eta_counting_only_this_runs_members():
    import io

    from rich.progress import Progress

    from myokine_sim.sweeps.progress import ProgressBar, SweepProgress

    stream = io.StringIO()
    bar = ProgressBar(stream=stream)
    bar(SweepProgress(chunks_done=3, chunks_total=10, members_done=300, members_total=1000, members_resumed=300,
                      elapsed_s=0.0))
    bar(SweepProgress(4, 10, 400, 1000, 300, 1.0))
    bar(SweepProgress(5, 10, 500, 1000, 300, 2.0))
    bar.close()
    assert isinstance(bar.progress, Progress)
    task = bar.progress.tasks[0]
    assert task.total == 1000 and task.completed == 500
    # The speed (and so the ETA) comes from this run's 200 members; the 300 resumed ones took no time here.
    assert sum(sample.completed for sample in task._progress) == 200 and task.time_remaining is not None
    assert "500/1000" in stream.getvalue() and "members" in stream.getvalue() and "ETA" in stream.getvalue()


def test_commands_print_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    result = runner.invoke(app, ["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:3",
                                 "--out", str(tmp_path / "s")])
    assert result.exit_code == 0 and result.stderr == ""


def test_validate_drives_a_bar_over_its_scenarios_on_a_terminal(tmp_path, monkeypatch):
    from myokine_sim.sweeps import progress

    calls = []

    class Recorder(progress.ProgressBar):
        def advance_to(self, done, total):
            calls.append((done, total))

    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(progress, "ProgressBar", Recorder)
    result = runner.invoke(app, ["validate", "--out", str(tmp_path / "v")])
    assert result.exit_code in (0, 1), result.output
    assert calls and calls[-1][0] == calls[-1][1] and len(calls) == calls[-1][1]


def test_fit_drives_a_bar_over_its_evaluations_on_a_terminal(tmp_path, monkeypatch):
    from myokine_sim.sweeps import progress

    updates, lines = [], []

    class Recorder(progress.ProgressBar):
        def update(self, completed):
            updates.append(completed)

        def log(self, line):
            lines.append(line)

    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(progress, "ProgressBar", Recorder)
    result = runner.invoke(app, ["fit", "--out", str(tmp_path / "fit"), "--max-evaluations", "1"])
    assert result.exit_code == 0, result.output
    assert updates and updates[0] == 1 and any(line.startswith("evaluation") for line in lines)
    assert not any(line.startswith("evaluation ") for line in result.stderr.splitlines())  # they went to the bar


@pytest.mark.parametrize("command, suffix", [("export-sbml", ".xml"), ("export-omex", ".omex")])
def test_exports_default_to_a_file_under_out(tmp_path, monkeypatch, command, suffix):
    pytest.importorskip("libsbml")
    if command == "export-omex":
        pytest.importorskip("libsedml")
        pytest.importorskip("libcombine")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [command, "rest"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"rest{suffix}").is_file() and f"out/rest{suffix}" in result.output


# ------------------------------------------------------------------ the README says what the code does


def test_breakpoints_insert_extra_rows_so_the_grid_is_irregular(tmp_path):
    import myokine_sim as ms
    from myokine_sim.scenario import scenario_from_dict

    scenario = scenario_from_dict({"name": "x", "exercise": [{"start_min": 10.5, "duration_min": 20}]})
    time = ms.simulate(scenario).time_min
    assert 10.5 in time and 30.5 in time and len(np.unique(np.diff(time))) > 1
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "extra row inserted at each breakpoint" in readme and "Breakpoints are samples" not in readme


def test_readme_gives_install_commands_that_work_from_a_clone_and_puts_units_in_result_units():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "pip install '.[dask]'" in readme and "pip install 'myokine_sim[" not in readme
    assert "carries its unit" not in readme and "the units are in result.units" in readme
    assert "--parameter-set out/fit/fitted.toml" in readme and "--write-default" in readme
