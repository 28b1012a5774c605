"""The results of a sweep: one row per member, as plain NumPy columns."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

#: Rows formatted per block when writing CSV (bounds the text held in memory).
CSV_BLOCK_ROWS = 2000


@dataclass
class SweepTable:
    """Columns by name: ``member``, the varied inputs, every metric, ``status``.

    Metric columns are named ``METRIC.COLUMN`` (``peak.plasma_il6_pg_ml``);
    a failed member has NaN metrics and its reason in ``status``.
    ``trajectories`` (when requested) maps a timeseries column to a
    ``(members, samples)`` array over ``time_min``; ``bands`` (populations)
    maps a column to its quantiles over time.
    """

    columns: dict[str, np.ndarray]
    units: dict[str, str]
    time_min: np.ndarray
    trajectories: dict[str, np.ndarray] = field(default_factory=dict)
    bands: dict[str, dict[float, np.ndarray]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"no column {name!r}; columns: {', '.join(self.columns)}") from None

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns["member"])

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    def __repr__(self) -> str:
        """Short: members, status, input and metric columns with units; never the arrays."""
        ok = int(np.count_nonzero(self.ok)) if "status" in self.columns else len(self)
        inputs = list(self.metadata.get("inputs", []))
        metrics = [name for name in self.columns if name not in ("member", "status", *inputs)]
        shown = ", ".join(f"{name} [{self.units.get(name, '?')}]" for name in metrics[:3])
        more = f", ... ({len(metrics) - 3} more)" if len(metrics) > 3 else ""
        span = f"{self.time_min[0]:g}-{self.time_min[-1]:g} min" if len(self.time_min) else "no time"
        extras = "".join(f", {label}: {len(part)} columns" for label, part in
                         (("trajectories", self.trajectories), ("bands", self.bands)) if part)
        scenario = f" {self.metadata['scenario']!r}" if "scenario" in self.metadata else ""
        return (f"<SweepTable{scenario}: {len(self)} members ({ok} ok) over {span}; "
                f"inputs: {', '.join(inputs) or 'none'}; {len(metrics)} metrics: {shown}{more}{extras}>")

    @property
    def ok(self) -> np.ndarray:
        """Mask of the members that completed."""
        return self.columns["status"] == "ok"

    def write_csv(self, stream: TextIO) -> None:
        """Write the table as CSV: numbers with 8 significant digits, missing values empty."""
        numeric = [name for name in self.columns if name not in ("member", "status")]
        stream.write(",".join(["member", *numeric, "status"]) + "\n")
        row_format = ",".join(["%d"] + ["%.8g"] * len(numeric))
        for start in range(0, len(self), CSV_BLOCK_ROWS):
            block = slice(start, start + CSV_BLOCK_ROWS)
            values = np.column_stack([self.columns[name][block] for name in numeric]).tolist()
            members = self.columns["member"][block].tolist()
            statuses = self.columns["status"][block].tolist()
            lines = []
            for member, row, status in zip(members, values, statuses):
                # "%g" spells a missing value "nan"; a CSV cell is simply left empty.
                text = (row_format % (member, *row)).replace("nan", "")
                lines.append(f"{text},{_csv_text(status)}\n")
            stream.write("".join(lines))

    def to_csv(self, path: str | Path | None = None) -> str | None:
        """The CSV text, or write it to ``path`` (atomically) and return None."""
        if path is None:
            buffer = io.StringIO()
            self.write_csv(buffer)
            return buffer.getvalue()
        from myokine_sim.sweeps.store import open_atomic

        with open_atomic(Path(path)) as stream:
            self.write_csv(stream)
        return None

    def to_pandas(self, layout: str = "wide"):
        """A pandas DataFrame with units in ``attrs["units"]`` (needs ``myokine_sim[data]``).

        ``layout="wide"``: the columns of sweep.csv, one row per member.
        ``layout="long"``: one row per member and metric (tidy, for seaborn):
        ``member``, the varied inputs, ``status``, ``metric``, ``column``,
        ``value`` and its ``unit``.
        """
        from myokine_sim.frames import sweep_to_pandas

        return sweep_to_pandas(self, layout)

    to_frame = to_pandas  # the earlier name

    def to_xarray(self):
        """An xarray Dataset over ``member`` (see ``frames.sweep_to_xarray``)."""
        from myokine_sim.frames import sweep_to_xarray

        return sweep_to_xarray(self)


def _csv_text(text: str) -> str:
    if any(character in text for character in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
