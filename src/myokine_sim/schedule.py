"""The protocol: exercise bouts and interventions on the time axis (minutes).

Intervals follow exact ``[start, end)`` semantics: a bout from 0 to 60 is
active at 0 and 59.999 but not at 60. Boluses act at an instant. The solver
integrates piecewise between the breakpoints this object lists, so no step in
an input is ever smoothed over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from myokine_sim.model.inputs import INPUTS

#: Legs in knee extension, whole-leg flag and running flag for each exercise modality.
MODALITY_INPUTS: dict[str, tuple[float, float, float]] = {
    "cycling": (0.0, 1.0, 0.0),
    "running": (0.0, 1.0, 1.0),
    "knee_extension_one_leg": (1.0, 0.0, 0.0),
    "knee_extension_two_leg": (2.0, 0.0, 0.0),
}

#: ug/h of rhIL-6 to ng/min.
UG_PER_H_TO_NG_PER_MIN = 1000.0 / 60.0

#: Each infused drug by the model input its dose sets: its scenario table and its dose's key in the manifest.
#: rhIL-6 has two: a dose rate, or the plasma rise the model doses for with the subject's own clearance.
INFUSION_TABLES: dict[str, tuple[str, str]] = {
    "il6_infusion_ng_min": ("il6_infusion", "rate_ng_min"),
    "il6_infusion_plasma_rise_pg_ml": ("il6_infusion", "plasma_rise_pg_ml"),
    "hydrocortisone_infusion_ug_kg_min": ("hydrocortisone_infusion", "rate_ug_kg_min"),
}
#: The scenario's infusion tables, one per drug.
INFUSION_DRUG_TABLES: tuple[str, ...] = tuple(dict.fromkeys(table for table, _ in INFUSION_TABLES.values()))


class ScheduleError(ValueError):
    """Overlapping or out-of-range events; ``field`` names the offending table."""

    def __init__(self, field: str, problem: str):
        self.field = field
        super().__init__(problem)


@dataclass(frozen=True)
class Bout:
    """One exercise bout, active on ``[start_min, end_min)``."""

    start_min: float
    end_min: float
    intensity_pct_vo2max: float
    modality: str
    label: str

    def active(self, t: float) -> bool:
        return self.start_min <= t < self.end_min


@dataclass(frozen=True)
class Infusion:
    """A constant intravenous infusion on ``[start_min, end_min)``; ``rate`` is its dose in the unit of ``input``
    (a rate, or for rhIL-6 given as the plasma rise it holds, that rise)."""

    start_min: float
    end_min: float
    rate: float
    label: str
    input: str  # a key of INFUSION_TABLES

    def __post_init__(self) -> None:
        if self.input not in INFUSION_TABLES:
            allowed = ", ".join(INFUSION_TABLES)
            raise ScheduleError(self.label, f"unknown infusion input {self.input!r}; allowed: {allowed}")

    def active(self, t: float) -> bool:
        return self.start_min <= t < self.end_min


@dataclass(frozen=True)
class Bolus:
    """An instantaneous dose added to a state at ``time_min``."""

    time_min: float
    kind: str  # a key of BOLUS_STATES
    amount: float  # in the unit of the target state
    label: str


@dataclass(frozen=True)
class Segment:
    """A stretch ``[start_min, end_min)`` with constant inputs.

    ``boluses`` are applied at ``start_min`` before integrating the segment.
    """

    start_min: float
    end_min: float
    inputs: tuple[float, ...]
    boluses: tuple[Bolus, ...]


@dataclass(frozen=True)
class Schedule:
    bouts: tuple[Bout, ...]
    infusions: tuple[Infusion, ...]
    boluses: tuple[Bolus, ...]
    t_end_min: float

    def __post_init__(self) -> None:
        self._reject_overlaps(self.bouts, "exercise")
        # One drug's infusions must not overlap, however each gives its dose.
        for table in INFUSION_DRUG_TABLES:
            self._reject_overlaps([i for i in self.infusions if INFUSION_TABLES[i.input][0] == table], table)
        seen: dict[tuple[str, float], str] = {}
        for bolus in self.boluses:
            key = (bolus.kind, bolus.time_min)
            if key in seen:
                raise ScheduleError(
                    bolus.kind,
                    f"{bolus.label} at {bolus.time_min:g} min coincides with {seen[key]}; "
                    "give one dose per instant",
                )
            seen[key] = bolus.label
        last = max(
            [b.end_min for b in self.bouts]
            + [i.end_min for i in self.infusions]
            + [b.time_min for b in self.boluses],
            default=0.0,
        )
        if self.t_end_min < last:
            raise ScheduleError(
                "simulation.t_end_min",
                f"{self.t_end_min:g} min is before the end of the last event ({last:g} min); "
                f"allowed: t_end_min >= {last:g}",
            )

    @staticmethod
    def _reject_overlaps(intervals: Iterable, field: str) -> None:
        ordered = sorted(intervals, key=lambda item: item.start_min)
        for earlier, later in zip(ordered, ordered[1:]):
            if later.start_min < earlier.end_min:
                raise ScheduleError(
                    field,
                    f"{later.label} ({later.start_min:g}-{later.end_min:g} min) overlaps "
                    f"{earlier.label} ({earlier.start_min:g}-{earlier.end_min:g} min); "
                    "intervals are [start, end) and must not overlap",
                )

    @property
    def breakpoints(self) -> list[float]:
        """Every time at which an input changes or a bolus acts, with 0 and the end."""
        times = {0.0, self.t_end_min}
        for item in (*self.bouts, *self.infusions):
            times.update((item.start_min, item.end_min))
        times.update(b.time_min for b in self.boluses)
        return sorted(t for t in times if 0.0 <= t <= self.t_end_min)

    def bout_at(self, t: float) -> Bout | None:
        return next((b for b in self.bouts if b.active(t)), None)

    def inputs_at(self, t: float) -> tuple[float, ...]:
        """Input values on the segment starting at ``t`` (right-continuous)."""
        bout = self.bout_at(t)
        # Between bouts the working muscle is still the last bout's (it keeps releasing IL-6).
        recent = bout or max(
            (b for b in self.bouts if b.end_min <= t), key=lambda b: b.end_min, default=None
        ) or (min(self.bouts, key=lambda b: b.start_min) if self.bouts else None)
        legs, whole_leg, running = MODALITY_INPUTS[recent.modality] if recent else (0.0, 0.0, 0.0)
        values = {
            "intensity_pct_vo2max": bout.intensity_pct_vo2max if bout else 0.0,
            "knee_extension_legs": legs,
            "whole_leg_exercise": whole_leg,
            "running": running,
        }
        for drug in INFUSION_TABLES:
            values[drug] = sum(i.rate for i in self.infusions if i.input == drug and i.active(t))
        return tuple(values[q.name] for q in INPUTS)

    def segments(self) -> list[Segment]:
        points = self.breakpoints
        return [
            Segment(
                start,
                end,
                self.inputs_at(start),
                tuple(b for b in self.boluses if b.time_min == start),
            )
            for start, end in zip(points, points[1:])
        ]

    def final_boluses(self) -> tuple[Bolus, ...]:
        """Boluses given exactly at the end time (they change only the last sample)."""
        return tuple(b for b in self.boluses if b.time_min == self.t_end_min)

    def exercise_periods(self) -> list[tuple[float, float]]:
        return [(b.start_min, b.end_min) for b in sorted(self.bouts, key=lambda b: b.start_min)]
