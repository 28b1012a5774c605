"""The result of a sensitivity analysis, and the files it is written to.

``DIR/sensitivity.csv`` has one row per parameter (in the problem's order),
``DIR/sensitivity.json`` the same rows with what produced them, ``DIR/manifest.json``
everything needed to reproduce the run, and a figure: ``tornado.png`` for local
coefficients, ``indices.png`` for Morris or Sobol indices.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from myokine_sim.io import manifest, output_directory, write_bytes_atomic, write_json_atomic, write_text_atomic
from myokine_sim.model import build_model
from myokine_sim.scenario import Scenario
from myokine_sim.sensitivity.metric import Metric
from myokine_sim.simulation import resolve_parameters

CSV_FILE = "sensitivity.csv"
JSON_FILE = "sensitivity.json"
MANIFEST_FILE = "manifest.json"
FIGURE_FILES = {"local": "tornado.png", "morris": "indices.png", "sobol": "indices.png"}
#: The column that ranks parameters by importance, per method.
IMPORTANCE = {"local": "coefficient", "morris": "mu_star", "sobol": "ST"}
#: Confidence level of the global methods' bootstrap intervals.
CONFIDENCE_LEVEL = 0.95


@dataclass
class SensitivityResult:
    """Per-parameter results (``rows``, in the problem's order) and what produced them.

    ``result["ST"]`` is one column as a NumPy array; ``result.ranked()`` the
    rows from most to least important.
    """

    method: str  # "local", "morris" or "sobol"
    scenario: Scenario
    source: str | None  # the scenario's file, when loaded by name or path
    metric: Metric
    rows: list[dict]
    problem: dict  # what varied and how (bounds and distributions, or local steps)
    options: dict  # the method's own settings
    solver: dict
    runs: int  # model runs integrated
    elapsed_s: float
    seed: int | None = None
    samples: int | None = None  # Morris trajectories or Sobol base samples
    nominal: float | None = None  # the metric at the scenario's parameter values (local)
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [row["parameter"] for row in self.rows]

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self.rows[0]:
            raise KeyError(f"no column {column!r}; columns: {', '.join(self.rows[0])}")
        return np.array([row[column] for row in self.rows])

    def ranked(self) -> list[dict]:
        """Rows from the most to the least important parameter."""
        key = IMPORTANCE[self.method]
        return sorted(self.rows, key=lambda row: -abs(row[key]))

    def to_csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(self.rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({key: f"{value:.8g}" if isinstance(value, float) else value for key, value in row.items()})
        return buffer.getvalue()

    def document(self) -> dict:
        """The contents of sensitivity.json."""
        return {
            "method": self.method,
            "metric": {"name": self.metric.name, "unit": self.metric.unit, "definition": self.metric.definition},
            "scenario": self.scenario.name,
            "scenario_source": self.source,
            "seed": self.seed,
            "samples": self.samples,
            "runs": self.runs,
            "nominal": self.nominal,
            "confidence": _confidence_note(self.method),
            "results": [{key: _json_value(value) for key, value in row.items()} for row in self.rows],
            "problem": self.problem,
            "options": self.options,
            "notes": self.notes,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def _confidence_note(method: str) -> str:
    if method == "local":
        return ("error: estimated truncation error of the coefficient (difference of the last two step sizes / 3); "
                "conf_low and conf_high = coefficient -/+ error")
    columns = "mu_star_conf" if method == "morris" else "S1_conf and ST_conf"
    return f"{columns}: half-width of the {CONFIDENCE_LEVEL:.0%} bootstrap confidence interval"


def _json_value(value):
    """JSON has no NaN: an undefined number is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_outputs(result: SensitivityResult, directory: str | Path) -> list[Path]:
    """sensitivity.csv, sensitivity.json, the figure, then manifest.json listing them all.

    A folder this call creates is removed again if writing fails.
    """
    from myokine_sim.figures import figure_png
    from myokine_sim.sensitivity.plots import sensitivity_figure

    with output_directory(Path(directory)) as folder:
        files = [folder / CSV_FILE, folder / JSON_FILE, folder / FIGURE_FILES[result.method]]
        write_text_atomic(files[0], result.to_csv_text())
        write_json_atomic(files[1], result.document())
        write_bytes_atomic(files[2], figure_png(sensitivity_figure(result)))
        model = build_model()
        document = manifest(
            kind="sensitivity",
            scenario={"source": result.source, **result.scenario.model_dump(mode="json"),
                      "t_end_min": result.scenario.t_end_min},
            parameters=resolve_parameters(result.scenario, model=model),
            units={p.name: p.unit for p in model.parameters},
            solver=result.solver,
            seed=result.seed,
            extra={"sensitivity": {"method": result.method, "metric": result.metric.name,
                                   "samples": result.samples, "runs": result.runs, "problem": result.problem,
                                   "options": result.options}},
            files=files,
        )
        files.append(folder / MANIFEST_FILE)
        write_json_atomic(files[-1], document)
    return files
