"""Read a PEtab-style measurement table: a user's own data for ``myokine fit --data``.

Tab-separated (comma-separated when the file ends in ``.csv``), one measurement per row, with the
columns ``observableId`` (an output column of ``myokine run``, e.g. ``plasma_il6_pg_ml``),
``simulationConditionId`` (a shipped scenario name or a scenario ``.toml`` file, relative to the
table's folder), ``time`` (minutes from the start of the scenario), ``measurement`` (in the
observable's unit) and optionally ``noiseParameters`` (the measurement's standard deviation, same
unit). Other PEtab columns (``datasetId``, ``replicateId``, ...) are read past. Every problem is an
``InputError`` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.limits import MAX_INPUT_FILE_BYTES

REQUIRED_COLUMNS = ("observableId", "simulationConditionId", "time", "measurement")
NOISE_COLUMN = "noiseParameters"
#: At most this many measurements in one table.
MAX_MEASUREMENTS = 10_000


@dataclass(frozen=True)
class Measurement:
    observable: str
    condition: str  # as written in the table
    time_min: float
    value: float
    sigma: float | None
    line: int


@dataclass(frozen=True)
class MeasurementTable:
    path: Path
    measurements: list[Measurement]
    conditions: dict  # condition id -> Scenario

    @property
    def observables(self) -> list[str]:
        return list(dict.fromkeys(m.observable for m in self.measurements))


def observable_names() -> list[str]:
    """The columns a measurement may name: every output column of ``myokine run``."""
    from myokine_sim.model import build_model
    from myokine_sim.simulation import column_order

    return column_order(build_model())


def _number(text: str, path: Path, line: int, column: str, what: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(str(path), f"line {line}, column {column}", f"{text!r} is not a number; allowed: {what}") \
            from None
    if not math.isfinite(value):
        raise InputError(str(path), f"line {line}, column {column}", f"{text!r} is not a finite number; "
                                                                    f"allowed: {what}")
    return value


def _condition(text: str, path: Path, line: int, cache: dict):
    """The scenario of a condition id: a shipped name, or a .toml path relative to the table (or absolute)."""
    from myokine_sim.paths import shipped_scenarios
    from myokine_sim.scenario import load_scenario

    if text in cache:
        return cache[text]
    candidate = Path(text)
    try:
        if candidate.suffix == ".toml":
            resolved = candidate if candidate.is_absolute() else path.parent / candidate
            if not resolved.is_file():
                raise InputError(str(path), f"line {line}, column simulationConditionId",
                                 f"scenario file {text!r} not found (looked in {path.parent}/); allowed: a shipped "
                                 "scenario name (`myokine list`) or a scenario .toml file")
            cache[text] = load_scenario(resolved)
        elif text in shipped_scenarios():
            cache[text] = load_scenario(text)
        else:
            raise InputError(str(path), f"line {line}, column simulationConditionId",
                             f"unknown condition {text!r}; allowed: a shipped scenario name (`myokine list`) or a "
                             "scenario .toml file")
    except InputError as error:
        if error.source == str(path):
            raise
        raise InputError(str(path), f"line {line}, column simulationConditionId",
                         f"scenario {text!r} cannot be loaded: {error}") from None
    return cache[text]


def read_measurements(path: Path | str) -> MeasurementTable:
    """Parse and check a measurement table; raises ``InputError`` naming file, line and column."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError(source, None, "measurement table not found")
    if path.stat().st_size > MAX_INPUT_FILE_BYTES:
        raise InputError(source, None, f"file of {path.stat().st_size} bytes; allowed: at most "
                                       f"{MAX_INPUT_FILE_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(source, None, "not a UTF-8 text file") from None
    lines = [line for line in text.splitlines()]
    if not any(line.strip() for line in lines):
        raise InputError(source, None, f"empty; allowed: a tab-separated table with the columns "
                                       f"{', '.join(REQUIRED_COLUMNS)} (and optionally {NOISE_COLUMN})")
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    reader = csv.reader(lines, delimiter=delimiter)
    header = [name.strip() for name in next(reader)]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        hint = " (is the file tab-separated?)" if len(header) == 1 else ""
        raise InputError(source, f"line 1, column {missing[0]}", f"missing column{hint}; the header has "
                                                                f"{', '.join(header) or 'nothing'}; required: "
                                                                f"{', '.join(REQUIRED_COLUMNS)}")
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, NOISE_COLUMN) if name in header}
    allowed = set(observable_names())
    conditions: dict = {}
    measurements = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InputError(source, f"line {line}", f"{len(row)} fields; the header has {len(header)}")
        cell = {name: row[i].strip() for name, i in index.items()}
        observable = cell["observableId"]
        if observable not in allowed:
            import difflib

            close = difflib.get_close_matches(observable, sorted(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(source, f"line {line}, column observableId",
                             f"unknown observable {observable!r}{hint}; allowed: an output column of `myokine run` "
                             "(e.g. plasma_il6_pg_ml, muscle_glycogen_mmol_kg_dw; see timeseries.csv)")
        scenario = _condition(cell["simulationConditionId"], path, line, conditions)
        time = _number(cell["time"], path, line, "time", "minutes from the start of the scenario, >= 0")
        if time < 0:
            raise InputError(source, f"line {line}, column time", f"{time:g} is negative; allowed: minutes from "
                                                                  "the start of the scenario, >= 0")
        if time > scenario.t_end_min:
            raise InputError(source, f"line {line}, column time", f"{time:g} min is after the end of "
                                                                  f"{scenario.name} ({scenario.t_end_min:g} min)")
        value = _number(cell["measurement"], path, line, "measurement", "a finite number in the observable's unit")
        sigma = None
        if NOISE_COLUMN in cell and cell[NOISE_COLUMN] != "":
            sigma = _number(cell[NOISE_COLUMN], path, line, NOISE_COLUMN,
                            "the standard deviation of the measurement, > 0, in its unit")
            if sigma <= 0:
                raise InputError(source, f"line {line}, column {NOISE_COLUMN}", f"{sigma:g}; allowed: a standard "
                                                                                "deviation > 0")
        measurements.append(Measurement(observable, cell["simulationConditionId"], time, value, sigma, line))
        if len(measurements) > MAX_MEASUREMENTS:
            raise InputError(source, f"line {line}", f"more than {MAX_MEASUREMENTS} measurements")
    if not measurements:
        raise InputError(source, None, "no measurements below the header")
    return MeasurementTable(path, measurements, conditions)
