"""Documented limits on input size, checked when input is loaded (see docs/scenarios.md and docs/sweeps.md).

They keep every valid scenario and sweep within about 1 GB of memory and a
bounded run time, and keep schedule arithmetic exact: times are held as whole
numbers of ``TIME_RESOLUTION_MIN`` ("ticks"), so decimal inputs with up to six
decimals compare exactly (0.1 + 0.2 ends exactly where 0.3 starts).
"""

from __future__ import annotations

#: Schedule times are rounded to this resolution (minutes; 1e-6 min = 60 microseconds).
TIME_RESOLUTION_MIN = 1e-6
#: Ticks per minute: the inverse of TIME_RESOLUTION_MIN, as an exact integer.
TICKS_PER_MIN = 1_000_000

#: Longest simulated span: the end time, given or derived, and every event lie within it (14 days).
MAX_SPAN_MIN = 20160.0
#: Shortest exercise bout, infusion, interval between repeats or drinks, and shortest run.
MIN_DURATION_MIN = 0.01
#: Smallest spacing of output samples.
MIN_OUTPUT_STEP_MIN = 0.01
#: Most regular output samples of one run (breakpoints add at most two per event).
MAX_OUTPUT_SAMPLES = 200_000
#: Most schedule events of one scenario: bouts (each repeat counts), infusions, drinks, meals, endotoxin boluses.
MAX_EVENTS = 2_000
#: Largest scenario or parameter-set file read.
MAX_INPUT_FILE_BYTES = 1_000_000
#: Longest scenario name (it names the default output folder).
MAX_NAME_LENGTH = 100

#: Most members of one sweep (each keeps ~3.5 kB of metrics in memory).
MAX_SWEEP_MEMBERS = 100_000
#: Most trajectory values a sweep keeps (members x samples x columns; 8 bytes each).
MAX_TRAJECTORY_VALUES = 50_000_000


def to_ticks(minutes: float) -> int:
    """``minutes`` as a whole number of TIME_RESOLUTION_MIN."""
    return round(minutes * TICKS_PER_MIN)


def to_minutes(ticks: int) -> float:
    """Ticks back to minutes; equal ticks always give equal floats."""
    return ticks / TICKS_PER_MIN


def on_time_grid(minutes: float) -> float:
    """``minutes`` rounded to TIME_RESOLUTION_MIN (exact for decimals with up to six places)."""
    return to_minutes(to_ticks(minutes))
