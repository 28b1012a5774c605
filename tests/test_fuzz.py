"""Fuzz suite (issue 13): generated scenario files, --set values and sweep specifications through the CLI.

Runs in-process (typer's CliRunner) under a memory cap (resource.setrlimit) with a per-example time budget
(hypothesis' deadline). Together the tests try 1,000+ examples. For every example: no traceback, exit code
0, 1 or 2, exit 2 names a field, nothing left behind on failure, and no NaN or infinity written.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import resource
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from myokine_sim.cli import app

runner = CliRunner()
#: Headroom the memory cap leaves above the process's current address space (the issue's ~1 GB per run).
MEMORY_HEADROOM_BYTES = 1536 * 2**20
def fuzz(examples: int) -> settings:
    """Deterministic examples (reproducible in CI), a 60-s budget per example."""
    return settings(max_examples=examples, deadline=60_000, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def memory_cap():
    """Cap the address space for the module; restored afterwards (only the soft limit moves)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        current = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = current + MEMORY_HEADROOM_BYTES
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# ------------------------------------------------------------------ generated values

def mostly(plausible, hostile):
    """Two parts plausible to one part hostile, so that valid runs are tried too."""
    return st.one_of(plausible, plausible, hostile)


HOSTILE_NUMBERS = st.sampled_from([0, -1, 1e-200, 5e-324, 1e-7, 1e9, 1e300, math.inf, -math.inf, math.nan, 20160,
                                   20160.000001, 2880, 0.01, 0.009999])
PLAIN_NUMBERS = st.one_of(st.integers(0, 300), st.floats(0, 300, allow_nan=False).map(lambda v: round(v, 3)))
VALUES = st.one_of(PLAIN_NUMBERS, PLAIN_NUMBERS, HOSTILE_NUMBERS, st.booleans(), st.text(max_size=8),
                   st.just("0.5"))


def table(fields: dict, values=VALUES):
    """A TOML table of some of ``fields`` (name: plausible strategy), sometimes with a hostile value."""
    return st.fixed_dictionaries({}, optional={name: st.one_of(strategy, strategy, values)
                                               for name, strategy in fields.items()})


EXERCISE = table({"start_min": PLAIN_NUMBERS, "duration_min": st.floats(0.01, 90).map(lambda v: round(v, 2)),
                  "intensity_pct_vo2max": st.integers(0, 150), "repeat": st.integers(1, 5),
                  "every_min": st.floats(0.01, 120).map(lambda v: round(v, 2)),
                  "modality": st.sampled_from(["cycling", "running", "knee_extension_one_leg", "swimming"])})
CARBOHYDRATE = table({"start_min": PLAIN_NUMBERS, "every_min": st.sampled_from([0.001, 1e-300, 5, 15, 30]),
                      "until_min": PLAIN_NUMBERS, "grams": st.integers(1, 100)})
SIMULATION = table({"t_end_min": st.sampled_from([30, 60, 120, 240, 1e-200, 20160, 1e9]),
                    "output_step_min": st.sampled_from([1, 5, 10, 0.001, 5e-324, 60]),
                    "rtol": st.sampled_from([1e-6, 1e-4, 1e-12]),
                    "parameter_set": st.sampled_from(["default", "nope", "../x.toml"])})
NAMES = st.sampled_from(["fuzz", "../escaped", "..", "/srv/x", "a\u0000b", "x" * 300, "ok.name-1", ""])

SCENARIOS = st.fixed_dictionaries(
    {"name": st.one_of(st.just("fuzz"), NAMES)},
    optional={"exercise": st.lists(EXERCISE, max_size=3), "carbohydrate": st.lists(CARBOHYDRATE, max_size=2),
              "endotoxin": st.lists(table({"time_min": PLAIN_NUMBERS, "dose_ng_per_kg": st.just(1.0)}), max_size=1),
              "il6_infusion": st.lists(table({"start_min": PLAIN_NUMBERS, "duration_min": PLAIN_NUMBERS}),
                                       max_size=1),
              "hydrocortisone_infusion": st.lists(table({"start_min": PLAIN_NUMBERS, "duration_min": PLAIN_NUMBERS,
                                                         "rate_ug_kg_min": PLAIN_NUMBERS}), max_size=2),
              "simulation": SIMULATION,
              "parameters": st.dictionaries(st.sampled_from(["plasma_il6.clearance_per_min", "nope.x"]), VALUES,
                                            max_size=1)},
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a TOML basic string: JSON's escapes are valid TOML


def to_toml(document: dict) -> str:
    lines = []
    for key, value in document.items():
        if not isinstance(value, (dict, list)):
            lines.append(f"{key} = {toml_value(value)}")
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            for entry in value:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the assertions

def check_outcome(result, workdir: Path, expected: set[str], out: Path) -> None:
    event(f"exit {result.exit_code}")  # the counts by outcome appear in --hypothesis-show-statistics
    assert "Traceback" not in result.output, result.output
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        # "error: SOURCE: FIELD: problem", or "error: --OPTION: problem" where the option is the field.
        message = result.output.strip().split("\n")[0]
        assert message.startswith("error: ") and (message.count(": ") >= 3 or message.startswith("error: --")), message
    if result.exit_code != 0:
        assert set(os.listdir(workdir)) == expected, "output left behind after a failure"
        return
    for path in out.rglob("*.csv"):
        with path.open() as stream:
            rows = list(csv.reader(stream))[1:]
        for row in rows:
            for cell in row:
                with contextlib.suppress(ValueError):  # text cells (a status) are not numbers
                    assert math.isfinite(float(cell)), (path, cell)
    for path in out.rglob("*.json"):
        json.loads(path.read_text(), parse_constant=_no_constant)


def _no_constant(name: str):
    raise AssertionError(f"{name} written to JSON")


def fresh(tmp_path: Path, name: str) -> Path:
    workdir = tmp_path / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir()
    return workdir


# ------------------------------------------------------------------ the fuzz tests

@fuzz(600)
@given(document=SCENARIOS)
def test_fuzzed_scenario_files(tmp_path, document):
    workdir = fresh(tmp_path, "scenario")
    (workdir / "s.toml").write_text(to_toml(document), encoding="utf-8")
    out = workdir / "out"
    result = runner.invoke(app, ["run", str(workdir / "s.toml"), "--out", str(out)])
    check_outcome(result, workdir, {"s.toml"}, out)


PARAMETERS = mostly(st.sampled_from(["plasma_il6.clearance_per_min", "muscle_glycogen.use_glycogen_exponent"]),
                    st.sampled_from(["subject.body_mass_kg", "subject.training_status", "nope", ""]))
SET_VALUES = mostly(st.floats(0.3, 2).map(lambda v: f"{v:.4g}"),
                    st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.text(max_size=6),
                              st.sampled_from(["true", "1e-400", "trained", "70"])))


@fuzz(300)
@given(assignments=st.lists(st.tuples(PARAMETERS, SET_VALUES).map(lambda p: f"{p[0]}={p[1]}"), min_size=1,
                            max_size=3))
def test_fuzzed_set_values(tmp_path, assignments):
    workdir = fresh(tmp_path, "set")
    (workdir / "s.toml").write_text('name = "s"\n[simulation]\nt_end_min = 60\noutput_step_min = 5\n')
    out = workdir / "out"
    arguments = [item for assignment in assignments for item in ("--set", assignment)]
    result = runner.invoke(app, ["run", str(workdir / "s.toml"), "--out", str(out), *arguments])
    check_outcome(result, workdir, {"s.toml"}, out)


VARY = mostly(st.sampled_from(["plasma_il6.clearance_per_min=0.2:0.8", "exercise.0.duration_min=10:90",
                               "exercise.0.start_min=0:20"]),
              st.tuples(st.sampled_from(["plasma_il6.clearance_per_min", "exercise.0.duration_min",
                                         "exercise.3.duration_min", "nope", ""]),
                        st.sampled_from(["0:90", "1e-300:1", "0.3:0.2", "nan:1", "a:b", "1:2:3:4", "0:1e300"]))
              .map("=".join))
POINTS = mostly(st.sampled_from([":2", ":3"]), st.sampled_from(["", ":0", ":-1", ":99999999999", ":x"]))


@fuzz(150)
@given(vary=st.lists(st.tuples(VARY, POINTS).map("".join), min_size=1, max_size=2, unique_by=lambda v: v.split("=")[0]),
       method=mostly(st.just("grid"), st.sampled_from(["lhs", "nope"])),
       samples=mostly(st.none(), st.sampled_from([0, 2, 3, 10**12])),
       layout=st.sampled_from(["wide", "long"]))
def test_fuzzed_sweep_specifications(tmp_path, vary, method, samples, layout):
    workdir = fresh(tmp_path, "sweep")
    (workdir / "s.toml").write_text('name = "s"\n[[exercise]]\nduration_min = 20\n[simulation]\n'
                                    'output_step_min = 5\n')
    out = workdir / "out"
    arguments = ["sweep", str(workdir / "s.toml"), "--out", str(out), "--method", method, "--layout", layout]
    arguments += [item for spec in vary for item in ("--vary", spec)]
    if samples is not None:
        arguments += ["--samples", str(samples)]
    result = runner.invoke(app, arguments)
    check_outcome(result, workdir, {"s.toml"}, out)
