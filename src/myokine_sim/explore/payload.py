"""What the page draws: its panels, and one run as JSON.

A run's JSON carries only the columns the panels plot, each value with 7
significant digits (the page plots them; the CSV download has them all).
A run with a prediction band (``uncertainty`` > 0) adds ``bands: {column: [p05, p95]}`` beside
``series`` for every plotted column with band columns, and ``uncertainty`` (the draws, the seed and
the 5/50/95% of the peak plasma IL-6); the page draws panels from ``series`` by column name.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from myokine_sim.labels import column_name, unit_text
from myokine_sim.results import Result

#: Significant digits of plotted values: far below a pixel, and the response stays small.
SIGNIFICANT_DIGITS = 7


@dataclass(frozen=True)
class PanelSpec:
    """One plot of the page: columns sharing a unit, on a log axis when they span decades."""

    id: str
    title: str
    columns: tuple[str, ...]
    log: bool = False


#: The page's panels, in reading order (the schedule is drawn from ``intensity_pct_vo2max``).
PANELS = (
    PanelSpec("schedule", "Exercise schedule", ("intensity_pct_vo2max",)),
    PanelSpec("il6", "Plasma IL-6", ("plasma_il6_pg_ml",)),
    PanelSpec("mrna", "Muscle IL-6 mRNA", ("il6_mrna_fold",)),
    # Two curves after running, where the biopsied thigh works less than the rest; else the browser draws one.
    PanelSpec("glycogen", "Muscle glycogen", ("muscle_glycogen_mmol_kg_dw", "working_muscle_glycogen_mmol_kg_dw")),
    PanelSpec("cytokines", "IL-1ra, IL-10 and TNF-α", ("il1ra_pg_ml", "il10_pg_ml", "tnf_alpha_pg_ml"), log=True),
    PanelSpec("lipolysis", "Lipolysis (glycerol Ra)", ("glycerol_ra_umol_kg_min",)),
    PanelSpec("ffa", "Plasma free fatty acids", ("plasma_ffa_mmol_l",)),
    # Output above uptake is what raises plasma glucose (intense exercise); below it, what lowers it.
    PanelSpec("glucose", "Glucose turnover", ("hepatic_glucose_output_mg_kg_min", "glucose_uptake_mg_kg_min")),
)
PLOTTED_COLUMNS = tuple(dict.fromkeys(column for panel in PANELS for column in panel.columns))
#: Short legend names of panels with several curves.
LEGEND_NAMES = {"il1ra_pg_ml": "IL-1ra", "il10_pg_ml": "IL-10", "tnf_alpha_pg_ml": "TNF-α",
                "muscle_glycogen_mmol_kg_dw": "thigh (biopsy)",
                "working_muscle_glycogen_mmol_kg_dw": "all working muscle",
                "hepatic_glucose_output_mg_kg_min": "liver output", "glucose_uptake_mg_kg_min": "uptake"}


def page_config() -> dict:
    """The panels with their axis labels (units from the model, words from labels.py)."""
    from myokine_sim.model import build_model

    units = build_model().units
    return {"panels": [{**asdict(panel), "y_label": unit_text(units[panel.columns[0]]),
                        "names": [LEGEND_NAMES.get(column, column_name(column)) for column in panel.columns]}
                       for panel in PANELS]}


def _numbers(values) -> str:
    return "[" + ",".join(f"{value:.{SIGNIFICANT_DIGITS}g}" for value in values.tolist()) + "]"


def run_json(result: Result, scenario, changed: bool, kept: list[str], evidence: dict | None = None) -> bytes:
    """One run for the page: the plotted columns, exercise, interventions, the headline, the scenario's name and,
    when given, the calibration study nearest to it (``evidence``: study, distance, within_range,
    known_failures)."""
    from myokine_sim.figures import _load_unit

    headline = result.headline()
    document = {
        "scenario": {"name": scenario.name, "description": scenario.description, "changed": changed,
                     "t_end_min": scenario.t_end_min, "kept": kept},
        "exercise_periods": result.exercise_periods,
        "interventions": result.metadata.get("interventions", []),
        "headline": headline,
        "load_unit": _load_unit(result) if result.exercise_periods else "%VO2max",
        "units": {column: result.units[column] for column in PLOTTED_COLUMNS},
    }
    if evidence is not None:
        document["evidence"] = evidence
    uncertainty = result.metadata.get("uncertainty")
    if uncertainty:
        document["uncertainty"] = {"draws": uncertainty["draws"], "seed": uncertainty["seed"],
                                   "peak_il6_pg_ml": uncertainty["headline"]["plasma_il6_pg_ml"]["peak"]}
    head = json.dumps(document, allow_nan=False)[:-1]
    series = ",".join(f'"{column}":{_numbers(result[column])}' for column in PLOTTED_COLUMNS)
    tail = ""
    if uncertainty:
        # The schedule has no band columns: it is an input, the same in every draw.
        banded = [column for panel in PANELS for column in panel.columns if f"{column}_p05" in result.columns]
        bands = ",".join(f'"{column}":[{_numbers(result[column + "_p05"])},{_numbers(result[column + "_p95"])}]'
                         for column in banded)
        tail = f',"bands":{{{bands}}}'
    return f'{head},"time_min":{_numbers(result.time_min)},"series":{{{series}}}{tail}}}'.encode()
