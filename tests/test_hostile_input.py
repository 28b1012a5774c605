"""Issue 13: hostile input, faults and interruption (directed cases; the fuzz suite is test_fuzz.py)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim import io as myokine_io
from myokine_sim import solver
from myokine_sim.cli import app
from myokine_sim.errors import SimulationError
from myokine_sim.limits import MAX_SPAN_MIN
from myokine_sim.runner import run_scenario
from myokine_sim.scenario import load_scenario, scenario_from_dict
from myokine_sim.sweeps import evaluate

runner = CliRunner()
UNWRITABLE = "/proc/myokine-no-such-place/out"  # nothing can be created under /proc, not even by root


@contextlib.contextmanager
def time_budget(seconds: int):
    """A timeout (not a timing assertion): a hang fails the test instead of stalling the suite."""
    def expire(signum, frame):
        raise TimeoutError(f"no result within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args):
    with time_budget(60):
        result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def scenario_file(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SHORT = 'name = "short"\n[simulation]\nt_end_min = 30\noutput_step_min = 5\n'


# ------------------------------------------------------------------ items 1-3: tiny and huge times, drinks

def assert_refused_naming(tmp_path, text: str, field: str) -> None:
    """``myokine run`` on a scenario with ``text`` exits 2 and names the file and ``field``."""
    path = scenario_file(tmp_path, 'name = "x"\n' + text)
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{path}: {field}" in result.output


@pytest.mark.parametrize("text, field", [
    ('[simulation]\nt_end_min = 1e-200\n', "simulation.t_end_min"),
    ('[[exercise]]\nduration_min = 5e-324\n', "exercise[0].duration_min"),
    ('[[exercise]]\nstart_min = 1e300\n', "exercise[0].start_min"),
    ('[[exercise]]\nstart_min = 1e9\n', "exercise[0].start_min"),
    ('[[exercise]]\nduration_min = 2880\nrepeat = 1000\nevery_min = 2880\n', "exercise[0]"),
    ('[simulation]\nt_end_min = 20160\noutput_step_min = 0.001\n', "simulation.output_step_min"),
    ('[simulation]\noutput_step_min = 5e-324\n', "simulation.output_step_min"),
    ('[[carbohydrate]]\nevery_min = 0.001\nuntil_min = 100\n', "carbohydrate[0]"),
    ('[[carbohydrate]]\nevery_min = 1e-300\nuntil_min = 100\n', "carbohydrate[0].every_min"),
    ('[[meal]]\ntime_min = 20000\nrepeat = 3\nevery_min = 1440\n', "meal[0]"),
])
def test_out_of_limit_times_are_refused_at_load_naming_the_field(tmp_path, text, field):
    assert_refused_naming(tmp_path, text, field)
    assert not (tmp_path / "out").exists()


def test_a_tiny_event_time_rounds_to_the_time_grid_and_runs(tmp_path):
    path = scenario_file(tmp_path, 'name = "x"\n[[endotoxin]]\ntime_min = 1e-200\n[simulation]\nt_end_min = 30\n')
    assert load_scenario(path).endotoxin[0].time_min == 0.0
    assert invoke("run", path, "--out", tmp_path / "out").exit_code == 0


def test_the_default_end_is_cut_to_the_longest_span():
    scenario = scenario_from_dict({"name": "x", "exercise": [{"start_min": 20000.0, "duration_min": 100.0}]})
    assert scenario.t_end_min == MAX_SPAN_MIN


# ------------------------------------------------------------------ item 4: touching intervals are exact

@pytest.mark.parametrize("text", [
    '[[exercise]]\nstart_min = 5\nduration_min = 0.1\nrepeat = 3\nevery_min = 0.1\n',
    '[[exercise]]\nduration_min = 0.3\nrepeat = 7\nevery_min = 0.3\n',
    '[[exercise]]\nstart_min = 0.1\nduration_min = 0.2\n[[exercise]]\nstart_min = 0.3\nduration_min = 1\n',
])
def test_touching_bouts_from_the_issue_run(tmp_path, text):
    path = scenario_file(tmp_path, 'name = "x"\n' + text + '[simulation]\nt_end_min = 20\n')
    assert invoke("run", path, "--out", tmp_path / "out").exit_code == 0


decimals = st.integers(10, 10**6).map(lambda n: n / 1000)  # 0.01 to 1000 with three decimals


@settings(max_examples=150, deadline=None)
@given(start=st.integers(0, 10**6).map(lambda n: n / 1000), duration=decimals, repeat=st.integers(1, 12),
       gap=st.integers(0, 10**5).map(lambda n: n / 1000))
def test_decimal_schedules_touch_exactly(start, duration, repeat, gap):
    every = round(duration + gap, 3)
    bouts = [{"start_min": start, "duration_min": duration, "repeat": repeat, "every_min": every},
             # A second table starting exactly where the first one's last bout ends, written as a decimal.
             {"start_min": round(start + (repeat - 1) * every + duration, 3), "duration_min": duration}]
    scenario = scenario_from_dict({"name": "x", "exercise": bouts})
    schedule = scenario.schedule()  # raises on a false overlap
    ordered = sorted(schedule.bouts, key=lambda b: b.start_min)
    for earlier, later in zip(ordered, ordered[1:]):
        if gap == 0 or later is ordered[-1]:
            assert later.start_min == earlier.end_min
    assert min(b - a for a, b in zip(schedule.breakpoints, schedule.breakpoints[1:])) >= 0.001 - 1e-9


# ------------------------------------------------------------------ items 5-6: strict numbers, parameter sets

@pytest.mark.parametrize("text, field", [
    ('[[exercise]]\nintensity_pct_vo2max = true\n', "exercise[0].intensity_pct_vo2max"),
    ('[parameters]\n"plasma_il6.clearance_per_min" = "0.5"\n', "parameters.plasma_il6.clearance_per_min"),
    ('[[exercise]]\nrepeat = 2.5\nevery_min = 90\n', "exercise[0].repeat"),
])
def test_loose_types_are_refused(tmp_path, text, field):
    assert_refused_naming(tmp_path, text, field)


@pytest.mark.parametrize("content", [b'values = "x"\n', b'[values]\n"a" = \xff\xfe\n', b"\xff\xfe\x00garbage"])
def test_bad_parameter_set_files_name_the_scenario_the_field_and_the_set(tmp_path, content):
    (tmp_path / "set.toml").write_bytes(content)
    path = scenario_file(tmp_path, f'name = "x"\n[simulation]\nparameter_set = "{tmp_path / "set.toml"}"\n')
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{path}: simulation.parameter_set: {tmp_path / 'set.toml'}" in result.output
    assert invoke("params", "--parameter-set", tmp_path / "set.toml").exit_code == 2


@pytest.mark.parametrize("text, field", [
    ('"plasma_il6.clearance_per_min" = 0.5\n', "plasma_il6.clearance_per_min"),  # the [values] header forgotten
    ('[value]\n"plasma_il6.clearance_per_min" = 0.5\n', "value"),  # a misspelt table
    ('[provenance]\nnote = "no values"\n', "values"),
])
def test_parameter_set_values_outside_values_are_refused_not_ignored(tmp_path, text, field):
    (tmp_path / "set.toml").write_text(text)
    result = invoke("run", "rest", "--parameter-set", tmp_path / "set.toml", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'set.toml'}: {field}:" in result.output and "[values]" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_an_unknown_parameter_set_names_the_scenario_file_and_field(tmp_path):
    path = scenario_file(tmp_path, 'name = "x"\n[simulation]\nparameter_set = "nope"\n')
    result = invoke("run", path)
    assert result.exit_code == 2 and f"{path}: simulation.parameter_set: nope" in result.output


# ------------------------------------------------------------------ item 7: the name never becomes a path

@pytest.mark.parametrize("name", ["../escaped", "..", ".", "/srv/x", "a\\u0000b", "x" * 300, "a/b", ".hidden", ""])
def test_names_that_would_leave_out_are_refused(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    scenario_file(tmp_path, f'name = "{name}"\n[simulation]\nt_end_min = 30\n')
    result = invoke("run", "s.toml")
    assert result.exit_code == 2 and "s.toml: name" in result.output
    assert sorted(os.listdir(tmp_path)) == ["s.toml"]
    assert not Path("/srv/x").exists()


@pytest.mark.parametrize("out", ["", ".", ".."])
def test_run_refuses_the_current_folder_as_out(tmp_path, monkeypatch, out):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    scenario_file(tmp_path / "work", SHORT)
    result = invoke("run", "s.toml", "--out", out)
    assert result.exit_code == 2 and "--out" in result.output
    assert sorted(os.listdir(".")) == ["s.toml"] and sorted(os.listdir("..")) == ["work"]


# ------------------------------------------------------------------ item 8: output folders are atomic

def _consistent(folder: Path) -> bool:
    document = json.loads((folder / "manifest.json").read_text())
    return all(myokine_io.sha256(folder / name) == digest for name, digest in document["files"].items())


def _run_collecting_errors(scenario, out: Path, errors: list[BaseException]) -> None:
    try:
        run_scenario(scenario, out, render_figures=lambda *_: {"png": b"png"})
    except BaseException as error:  # noqa: BLE001 - reported by the caller
        errors.append(error)


def test_concurrent_runs_into_one_folder_leave_one_complete_run(tmp_path):
    variants = [scenario_from_dict({"name": "a", "simulation": {"t_end_min": 30.0, "output_step_min": 5.0}}),
                scenario_from_dict({"name": "b", "simulation": {"t_end_min": 45.0, "output_step_min": 3.0}})]
    for attempt in range(6):
        out = tmp_path / f"out{attempt}"
        errors: list[BaseException] = []
        threads = [threading.Thread(target=_run_collecting_errors, args=(s, out, errors)) for s in variants]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        assert _consistent(out)
        assert sorted(os.listdir(tmp_path)) == sorted(f"out{k}" for k in range(attempt + 1))  # no staging left


def test_a_failed_rerun_keeps_the_previous_run_whole(tmp_path, monkeypatch):
    path = scenario_file(tmp_path, SHORT)
    out = tmp_path / "out"
    assert invoke("run", path, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_fsync = os.fsync
    calls = []

    def full_disk(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second file of the run
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(myokine_io.os, "fsync", full_disk)
    result = invoke("run", path, "--out", out)
    assert result.exit_code == 1 and "summary.json" in result.output and "No space left" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(os.listdir(tmp_path)) == ["out", "s.toml"]


def test_run_refuses_a_folder_holding_other_files(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    result = invoke("run", scenario_file(tmp_path, SHORT), "--out", tmp_path / "mine")
    assert result.exit_code == 2 and os.listdir(tmp_path / "mine") == ["thesis.tex"]


# ------------------------------------------------------------------ item 9: a bad --out is exit 2 everywhere

BAD_OUTS = ["file", "file/below", UNWRITABLE]


@pytest.mark.parametrize("bad", BAD_OUTS)
@pytest.mark.parametrize("command", [
    ["run", "rest"],
    ["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2"],
    ["sensitivity", "rest", "--metric", "peak.plasma_il6_pg_ml", "--params", "plasma_il6.clearance_per_min"],
    ["validate"],
    ["fit", "--max-evaluations", "1"],
    ["export-sbml", "rest"],
    ["crossvalidate", "--study", "x"],
])
def test_a_bad_out_is_exit_2_naming_the_path_before_any_work(tmp_path, monkeypatch, command, bad):
    monkeypatch.chdir(tmp_path)
    Path("file").write_text("not a folder")
    if bad == "file" and command[0] in ("export-sbml", "crossvalidate"):
        bad = str(tmp_path)  # file outputs: an existing folder is the bad case
    result = invoke(*command, "--out", bad)
    assert result.exit_code == 2, result.output
    assert f"--out: {bad}" in result.output
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_validate_checks_report_before_writing_out(tmp_path):
    result = invoke("validate", "--out", tmp_path / "v", "--report", UNWRITABLE + "/report.md")
    assert result.exit_code == 2 and "--report" in result.output
    assert not (tmp_path / "v").exists()


# ------------------------------------------------------------------ items 12-15: sweeps

SPACE = {"names": ["plasma_il6.clearance_per_min"], "bounds": [[0.2, 0.8]]}


def test_a_swapped_chunk_is_detected_and_computed_again(tmp_path):
    out = tmp_path / "sweep"
    first = ms.sweep("rest", SPACE, 6, out=out, chunk_size=3, progress=False)
    expected = (out / "sweep.csv").read_bytes()
    chunks = out / "chunks"
    zero, one = (chunks / "chunk-00000.npz").read_bytes(), (chunks / "chunk-00001.npz").read_bytes()
    (chunks / "chunk-00000.npz").write_bytes(one)
    (chunks / "chunk-00001.npz").write_bytes(zero)
    (out / "sweep.csv").unlink()
    again = ms.sweep("rest", SPACE, 6, out=out, chunk_size=3, progress=False)
    assert again.metadata["chunks_recomputed"] == 2
    assert (out / "sweep.csv").read_bytes() == expected
    assert np.array_equal(first["peak.plasma_il6_pg_ml"], again["peak.plasma_il6_pg_ml"])


def test_a_failed_member_is_named_by_its_own_number(monkeypatch):
    real_integrate = evaluate.integrate

    def integrate(model, parameters, schedules, times, settings):
        clearance = parameters[:, model.parameter_index["plasma_il6.clearance_per_min"]]
        hit = np.nonzero(np.isclose(clearance, 0.2 + 0.6 * 3 / 5))[0]
        if hit.size:
            raise SimulationError(f"state x of member {hit[0]} went negative", member=int(hit[0]),
                                  detail="state x went negative")
        return real_integrate(model, parameters, schedules, times, settings)

    monkeypatch.setattr(evaluate, "integrate", integrate)
    # The NumPy path, whose integrate is patched: with numba's kernel already on disk, a sweep takes the kernel.
    monkeypatch.setenv("MYOKINE_KERNEL", "numpy")
    table = ms.sweep("rest", SPACE, 6, chunk_size=2, progress=False)
    assert list(table["status"]) == ["ok"] * 3 + ["failed: member 3: state x went negative"] + ["ok"] * 2


def test_a_sweep_failing_before_its_first_chunk_leaves_no_plan(tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("worker fault")

    monkeypatch.setattr("myokine_sim.sweeps.run.evaluate_chunk", broken)
    (tmp_path / "sweep").mkdir()
    result = invoke("sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2", "--out", tmp_path / "sweep")
    assert result.exit_code == 1 and "worker fault" in result.output
    assert os.listdir(tmp_path / "sweep") == []


@pytest.mark.parametrize("args, option", [
    (["--vary", "plasma_il6.clearance_per_min=0.2:0.8:99999999999"], "--vary"),
    (["--vary", "plasma_il6.clearance_per_min=0.2:0.8", "--method", "lhs", "--samples", "10000000000"], "--samples"),
    (["--method", "population", "--samples", "10000000000"], "--samples"),
    (["--vary", "plasma_il6.clearance_per_min=0.2:0.8:10", "--scheduler", "not an address"], "--scheduler"),
])
def test_oversized_sweeps_and_bad_schedulers_are_exit_2(tmp_path, args, option):
    result = invoke("sweep", "rest", *args, "--out", tmp_path / "sweep")
    assert result.exit_code == 2 and option in result.output
    assert not (tmp_path / "sweep").exists()


def test_an_unreachable_scheduler_is_exit_2(tmp_path):
    pytest.importorskip("distributed")
    result = invoke("sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2", "--scheduler",
                    "tcp://127.0.0.1:9", "--out", tmp_path / "sweep")
    assert result.exit_code == 2 and "--scheduler" in result.output and "Exception ignored" not in result.output
    assert not (tmp_path / "sweep").exists()


def test_too_many_trajectory_values_are_refused():
    with pytest.raises(ms.InputError if hasattr(ms, "InputError") else Exception) as error:
        ms.sweep("marathon", SPACE, 100_000, method="lhs", trajectories=True, progress=False)
    assert "trajectories" in str(error.value)


# ------------------------------------------------------------------ items 16-17: the solver

def test_a_solver_failure_is_exit_1_with_a_message_and_no_output(tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise SimulationError("state muscle_glycogen_mmol_kg_dw of member 0 went negative (-0.00154)", member=0)

    monkeypatch.setattr("myokine_sim.simulation.integrate", failing)
    result = invoke("run", scenario_file(tmp_path, SHORT), "--out", tmp_path / "out")
    assert result.exit_code == 1 and "went negative" in result.output
    assert sorted(os.listdir(tmp_path)) == ["s.toml"]


def test_the_solver_uses_no_private_scipy_internals():
    source = Path(solver.__file__).read_text()
    assert "_lsoda_solver" not in source and "_integrator" not in source and ".iwork" not in source


def test_lsoda_sampling_matches_solve_ivp():
    from scipy.integrate import solve_ivp

    def fun(t, y):
        return np.array([-0.5 * y[0] + np.sin(t), -0.01 * y[1] * y[0]])

    times = np.linspace(0.0, 40.0, 81)
    settings_ = solver.SolverSettings(rtol=1e-8)
    atol = np.array([1e-10, 1e-10])
    sampled, _ = solver._lsoda_single(fun, 0.0, 40.0, np.array([1.0, 2.0]), times, settings_, atol)
    reference = solve_ivp(fun, (0.0, 40.0), [1.0, 2.0], method="LSODA", t_eval=times, rtol=1e-8, atol=atol,
                          max_step=settings_.max_step_min)
    np.testing.assert_allclose(sampled, reference.y, rtol=1e-12, atol=1e-14)


def test_an_existing_report_file_may_be_replaced(tmp_path):
    from myokine_sim.io import check_output_path

    report = tmp_path / "validation.md"
    report.write_text("old report\n", encoding="utf-8")
    assert check_output_path(report, "--report", folder=False) == report
    assert report.read_text(encoding="utf-8") == "old report\n"  # checking writes nothing
