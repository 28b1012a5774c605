"""Human labels with units for every figure, from one place.

The model keeps each quantity's unit and a one-sentence description beside
its definition; this module turns internal names into what a student reads:

* timeseries columns (``plasma_il6_pg_ml`` -> "Plasma IL-6 (pg/mL)"), from
  ``COLUMN_LABELS`` or else the first clause of the model's description;
* summary metrics (``peak.plasma_il6_pg_ml`` -> "Peak plasma IL-6 (pg/mL)");
* model parameters, from their description and unit in the parameter metadata;
* scenario fields a sweep varies (``exercise.0.intensity_pct_vo2max`` ->
  "Bout 1 intensity (%VO2max)");
* scenarios, by the one-line description of the shipped file.
"""

from __future__ import annotations

import re
import textwrap
from functools import cache

#: Short names of timeseries columns (the model's descriptions are sentences, too long for an axis).
COLUMN_LABELS = {
    "time_min": "Time",
    "intensity_pct_vo2max": "Exercise intensity",
    "muscle_glycogen_mmol_kg_dw": "Muscle glycogen",
    "working_muscle_glycogen_mmol_kg_dw": "Working-muscle glycogen",
    "il6_mrna_fold": "Muscle IL-6 mRNA",
    "il6_transcription_fold": "IL-6 gene transcription",
    "plasma_il6_pg_ml": "Plasma IL-6",
    "il1ra_pg_ml": "Plasma IL-1ra",
    "il10_pg_ml": "Plasma IL-10",
    "tnf_alpha_pg_ml": "Plasma TNF-α",
    "glycerol_ra_umol_kg_min": "Glycerol appearance (lipolysis)",
    "plasma_ffa_mmol_l": "Plasma free fatty acids",
    "fat_oxidation_g_min": "Fat oxidation",
    "carbohydrate_oxidation_g_min": "Carbohydrate oxidation",
    "hepatic_glucose_output_mg_kg_min": "Hepatic glucose output",
    "il6_release_ng_min": "Muscle IL-6 release",
    "il6_release_ng_min_kg": "Muscle IL-6 release per kg",
    "adipose_il6_output_pg_100g_min": "Adipose IL-6 output",
    "adipose_il6_output_fold": "Adipose IL-6 output",
    "ffa_ra_umol_kg_min": "FFA appearance",
    "cortisol_nmol_l": "Plasma cortisol",
    "free_cortisol_nmol_l": "Free plasma cortisol (not protein-bound)",
    "catecholamine_drive_rel": "Sympatho-adrenal drive (1 = steady exercise at the reference intensity)",
    "liver_glycogen_g": "Liver glycogen",
    "plasma_glucose_mmol_l": "Plasma glucose",
    "glucose_uptake_mg_kg_min": "Glucose uptake (disposal)",
    "insulin_disposal_rise_mg_kg_min": "Insulin-mediated glucose disposal above rest",
    "exercise_glucose_demand_mg_kg_min": "Working muscle's glucose demand",
    "incretin_amplification_rel": "Gut-hormone (incretin) amplification of insulin's rise",
    "adrenaline_drive_rel": "Adrenal medullary drive (the sympatho-adrenal drive, raised as glucose falls)",
    "vo2_l_min": "Oxygen uptake",
    "exogenous_glucose_ra_g_min": "Ingested glucose appearance",
    "il6_infusion_ng_min": "rhIL-6 infusion rate",
    "il6_infusion_plasma_rise_pg_ml": "rhIL-6 infusion, as the plasma rise it holds",
    "rhil6_infusion_ng_min": "rhIL-6 infused",
    "hydrocortisone_infusion_ug_kg_min": "Hydrocortisone infusion rate",
    "il10_cortisol_signal_umol_l": "Cortisol signal for IL-10 (first stage)",
    "il10_cortisol_cascade_2_umol_l": "Cortisol induction of IL-10 (middle stage)",
    "il10_cortisol_induction_umol_l": "Cortisol induction of IL-10",
    "plasma_endotoxin_ng_kg": "Plasma endotoxin",
    "hepatosplanchnic_il6_uptake_ng_min": "Hepatosplanchnic IL-6 uptake",
    "immune_il6_release_ng_min": "Immune-cell IL-6 release",
    "peritendinous_il6_release_ng_min": "Tendon-tissue IL-6 release",
    "peritendinous_il6_activation_rel": "Tendon-tissue IL-6 activation",
}

#: Units as printed: micro sign, and what a "fold" is relative to.
UNIT_TEXT = {"umol/kg/min": "µmol/kg/min", "ug/h": "µg/h", "ug/kg/min": "µg/kg/min", "umol/L": "µmol/L",
             "fold": "fold over rest", "1": ""}

#: Summary statistics (results.METRICS) in words; ``{}`` is the column's label.
METRIC_LABELS = {
    "baseline": "Resting {}",
    "peak": "Peak {}",
    "time_of_peak_min": "Time of peak {}",
    "min": "Lowest {}",
    "time_of_min_min": "Time of lowest {}",
    "end": "{} at the end",
    "fold_peak": "Peak {}",
    "suppression": "Suppression of the {} rise",
}

#: Scenario tables a sweep may vary: how one table is named (``{}`` is its number from 1).
TABLE_LABELS = {"exercise": "Bout {}", "carbohydrate": "Drink {}", "il6_infusion": "rhIL-6 infusion {}",
                "hydrocortisone_infusion": "Hydrocortisone infusion {}", "endotoxin": "Endotoxin bolus {}"}
#: Numeric fields of those tables, in words.
FIELD_LABELS = {"start_min": "start", "duration_min": "duration", "intensity_pct_vo2max": "intensity",
                "every_min": "spacing", "until_min": "last time", "grams": "carbohydrate", "time_min": "time",
                "rate_ug_per_h": "rate", "plasma_rise_pg_ml": "plasma rise held", "rate_ug_kg_min": "rate",
                "dose_ng_per_kg": "dose"}

_FIELD_NAME = re.compile(r"^(?P<table>[a-z0-9_]+)\.(?P<index>\d+)\.(?P<field>[a-z0-9_]+)$")
#: Characters of a parameter label per line, and lines at most (tick labels of a slide).
WRAP_WIDTH = 34
MAX_LINES = 2


def unit_text(unit: str) -> str:
    return UNIT_TEXT.get(unit, unit)


def with_unit(text: str, unit: str) -> str:
    """``text (unit)``; a dimensionless unit adds nothing."""
    shown = unit_text(unit)
    return f"{text} ({shown})" if shown else text


def column_name(column: str) -> str:
    """What a timeseries column is, without its unit: ``plasma_il6_pg_ml`` -> "Plasma IL-6"."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    return _first_clause(_model().descriptions.get(column) or column.replace("_", " "))


def column_label(column: str, unit: str | None = None) -> str:
    """A column with its unit, for an axis: "Plasma IL-6 (pg/mL)"."""
    return with_unit(column_name(column), _model().units.get(column, "") if unit is None else unit)


def metric_name(metric: str) -> str:
    """``peak.plasma_il6_pg_ml`` -> "Peak plasma IL-6" (no unit)."""
    statistic, _, column = metric.partition(".")
    name = column_name(column)
    template = METRIC_LABELS.get(statistic, statistic + " of {}")
    return template.format(_lower_first(name) if not template.startswith("{") else name)


def metric_unit(metric: str, column_unit: str) -> str:
    """A metric's unit: times in min, ratios and suppression in fold or none."""
    statistic = metric.partition(".")[0]
    if statistic.startswith("time_of_"):
        return "min"
    if statistic == "fold_peak":
        return "fold"
    if statistic == "suppression":
        return "fraction"
    return column_unit


def parameter_name(name: str) -> str:
    """A model parameter in words, from its description: the first clause, wrapped for a tick label."""
    description = _model().parameter(name).description
    return "\n".join(textwrap.wrap(_first_clause(description), WRAP_WIDTH, max_lines=MAX_LINES, placeholder=" …"))


def label(name: str, unit: str | None = None) -> str:
    """Human label with unit of any name a figure shows: column, METRIC.COLUMN, parameter or table.N.field."""
    model = _model()
    if name in model.parameter_index:
        return with_unit(parameter_name(name), model.parameter(name).unit if unit is None else unit)
    field = _FIELD_NAME.match(name)
    if field and field["table"] in TABLE_LABELS:
        table = TABLE_LABELS[field["table"]].format(int(field["index"]) + 1)
        return with_unit(f"{table} {FIELD_LABELS.get(field['field'], field['field'].replace('_', ' '))}", unit or "")
    statistic, dot, column = name.partition(".")
    if dot and statistic in METRIC_LABELS:
        column_unit = model.units.get(column, "") if unit is None else unit
        return with_unit(metric_name(name), metric_unit(name, column_unit))
    return column_label(name, unit)


@cache
def scenario_label(name: str) -> str:
    """A shipped scenario's one-line description (else its name in words)."""
    import tomllib

    from myokine_sim.paths import shipped_scenarios

    path = shipped_scenarios().get(name)
    description = tomllib.loads(path.read_text(encoding="utf-8")).get("description", "") if path else ""
    return description or name.replace("_", " ")


def _first_clause(text: str) -> str:
    """A description up to its first ';' or ':', without parentheses: the part that names the thing."""
    named = re.split(r"\s*[;:]", text, maxsplit=1)[0]
    return re.sub(r"\s*\([^)]*\)", "", named).rstrip(" ,.")


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym (IL-6, FFA)."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _model():
    from myokine_sim.model import build_model

    return build_model()
