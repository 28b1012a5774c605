"""Simulation results that know their units."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

#: The timeseries.csv columns of the user-facing contract, in order.
CONTRACT_COLUMNS: tuple[str, ...] = (
    "time_min",
    "intensity_pct_vo2max",
    "muscle_glycogen_mmol_kg_dw",
    "il6_mrna_fold",
    "plasma_il6_pg_ml",
    "il1ra_pg_ml",
    "il10_pg_ml",
    "tnf_alpha_pg_ml",
    "glycerol_ra_umol_kg_min",
    "plasma_ffa_mmol_l",
    "fat_oxidation_g_min",
    "hepatic_glucose_output_mg_kg_min",
)

#: Summary statistics of every column, as in summary.json.
METRICS: tuple[str, ...] = ("baseline", "peak", "time_of_peak_min", "min", "time_of_min_min", "end", "fold_peak")
#: The headline peak of plasma IL-6 looks at exercise and this long after each bout (the muscle's response);
#: later rises (meals, endotoxin, the adipose tail) are not the exercise peak.
HEADLINE_AFTER_BOUT_MIN = 60.0
HEADLINE_COLUMNS = ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw")


def column_metrics(time_min: np.ndarray, values: np.ndarray) -> dict[str, float | None]:
    """Summary statistics of one column (the first sample is the resting baseline)."""
    baseline = float(values[0])
    peak_index = int(np.argmax(values))
    min_index = int(np.argmin(values))
    peak = float(values[peak_index])
    return {
        "baseline": baseline,
        "peak": peak,
        "time_of_peak_min": float(time_min[peak_index]),
        "min": float(values[min_index]),
        "time_of_min_min": float(time_min[min_index]),
        "end": float(values[-1]),
        "fold_peak": peak / baseline if baseline > 0.0 else None,
    }


@dataclass
class Result:
    """One simulated run: columns by name, each with its unit.

    ``result["plasma_il6_pg_ml"]`` is a NumPy array over ``result.time_min``.
    """

    scenario_name: str
    time_min: np.ndarray
    columns: dict[str, np.ndarray]
    units: dict[str, str]
    parameters: dict[str, float] = field(default_factory=dict)
    exercise_periods: list[tuple[float, float]] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        if name == "time_min":
            return self.time_min
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"no column {name!r}; columns: {', '.join(self.column_names)}") from None

    def __contains__(self, name: str) -> bool:
        return name == "time_min" or name in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.column_names)

    @property
    def column_names(self) -> list[str]:
        return ["time_min", *self.columns]

    def at(self, name: str, time_min: float) -> float:
        """Value of a column at a time, linearly interpolated between samples."""
        return float(np.interp(time_min, self.time_min, self[name]))

    def summary(self) -> dict:
        """The dictionary written to summary.json: per-column ``metrics``, ``units`` and the ``headline``."""
        return {
            "scenario": self.scenario_name,
            "metrics": {name: column_metrics(self.time_min, values) for name, values in self.columns.items()},
            "units": {name: self.units[name] for name in self.column_names},
            **({"headline": self.headline()} if set(HEADLINE_COLUMNS) <= set(self.columns) else {}),
        }

    def headline(self) -> dict:
        """What ``myokine run`` prints: the exercise peak of plasma IL-6 and the glycogen nadir.

        The peak is taken during exercise and up to ``HEADLINE_AFTER_BOUT_MIN`` after each bout
        (over the whole run when there is no exercise); ``window`` says which.
        """
        time, il6 = self.time_min, self.columns["plasma_il6_pg_ml"]
        if self.exercise_periods:
            inside = np.zeros(time.shape, dtype=bool)
            for start, end in self.exercise_periods:
                inside |= (time >= start) & (time <= end + HEADLINE_AFTER_BOUT_MIN)
            window = f"during exercise and up to {HEADLINE_AFTER_BOUT_MIN:g} min after each bout"
        else:
            inside = np.ones(time.shape, dtype=bool)
            window = "over the whole run: no exercise"
        peak_index = int(np.argmax(np.where(inside, il6, -np.inf)))
        baseline = float(il6[0])
        peak = float(il6[peak_index])
        glycogen = column_metrics(time, self.columns["muscle_glycogen_mmol_kg_dw"])
        return {
            "plasma_il6_pg_ml": {
                "peak": peak,
                "time_of_peak_min": float(time[peak_index]),
                "baseline": baseline,
                "fold_peak": peak / baseline if baseline > 0.0 else None,
                "window": window,
                "window_after_bout_min": HEADLINE_AFTER_BOUT_MIN if self.exercise_periods else None,
            },
            "muscle_glycogen_mmol_kg_dw": {
                "baseline": glycogen["baseline"],
                "min": glycogen["min"],
                "time_of_min_min": glycogen["time_of_min_min"],
            },
        }

    def __repr__(self) -> str:
        """Short: scenario, size, time span and a few columns with units (``result.units`` has them all)."""
        shown = ", ".join(f"{name} [{self.units.get(name, '?')}]" for name in list(self.columns)[:4])
        more = len(self.columns) - 4
        return (f"<Result {self.scenario_name!r}: {len(self.time_min)} samples over "
                f"{_span(self.time_min)}, {len(self.columns)} columns: {shown}"
                f"{f', ... ({more} more)' if more > 0 else ''}>")

    def to_csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.column_names)
        data = np.column_stack([self.time_min, *self.columns.values()])
        for row in data:
            writer.writerow([_format(v) for v in row])
        return buffer.getvalue()

    def to_pandas(self):
        """A pandas DataFrame: ``time_min`` and every column; ``attrs["units"]`` maps each to its unit.

        Needs the ``myokine_sim[data]`` extra; ``Result.from_pandas`` turns it back.
        """
        from myokine_sim.frames import result_to_pandas

        return result_to_pandas(self)

    to_frame = to_pandas  # the earlier name

    @classmethod
    def from_pandas(cls, frame) -> Result:
        """The result held by a DataFrame from ``to_pandas`` (units from ``frame.attrs["units"]``)."""
        from myokine_sim.frames import result_from_pandas

        return result_from_pandas(frame)

    def to_xarray(self):
        """An xarray Dataset over ``time_min``; each variable has CF ``units`` and ``long_name`` attributes."""
        from myokine_sim.frames import result_to_xarray

        return result_to_xarray(self)


def _format(value: float) -> str:
    if value == 0.0:
        return "0"
    if not math.isfinite(value):  # never expected: the solver raises first
        raise ValueError("non-finite value in results")
    return f"{value:.8g}"


def _span(time_min: np.ndarray) -> str:
    return f"{time_min[0]:g}-{time_min[-1]:g} min" if len(time_min) else "no time"
