"""The numbers the lessons quote from the model are what the model gives now.

Every refit moves the model's outputs a little, and a lesson's "about 8 against 16 pg/mL"
does not move with them (docs/make_lessons.py prints the numbers; nothing read them back).
Each row below ties a phrase of a lesson, found verbatim (whitespace aside) and showing the
number it quotes, to the runs of the page's own `myokine run` commands and to the quantity
the phrase quotes. A quoted "about X" holds while the model is within a tenth of X (or
within a stated absolute tolerance, for ratios near 1 and small rises); past that the test
fails and names the phrase to rewrite from `make lessons`' printout. Not every number on
the pages has a row: the rows cover each lesson's main quantitative claims.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import myokine_sim as ms
from myokine_sim.results import column_metrics
from myokine_sim.scenario import load_scenario, with_settings

TEACHING = Path(__file__).resolve().parents[1] / "docs" / "teaching"
IL6 = "plasma_il6_pg_ml"
GLYCOGEN = "muscle_glycogen_mmol_kg_dw"
#: A quoted "about X" holds while the model is within this fraction of X.
ABOUT = 0.1


@cache
def run(command: str) -> ms.Result:
    """The result of a lesson's ``myokine run SCENARIO [--set NAME=VALUE ...]`` (output options aside)."""
    words = shlex.split(command)
    assignments = [words[i + 1] for i, word in enumerate(words) if word == "--set"]
    return ms.simulate(with_settings(load_scenario(words[0]), assignments))


def peak(command: str, column: str = IL6, start: float = 0.0, end: float = np.inf) -> float:
    """The largest value of ``column`` over ``[start, end)`` minutes."""
    result = run(command)
    window = (result.time_min >= start) & (result.time_min < end)
    return float(result[column][window].max())


def at(command: str, time: float, column: str = IL6) -> float:
    return float(run(command).at(column, time))


def fold(command: str, column: str = IL6) -> float:
    """Peak over the resting value, as the run summary gives it (``fold_peak``)."""
    result = run(command)
    return column_metrics(result.time_min, result[column])["fold_peak"]


def bout_mean(command: str, column: str, end: float) -> float:
    result = run(command)
    return float(np.mean(result[column][result.time_min <= end]))


@dataclass(frozen=True)
class Quote:
    page: str
    phrase: str
    quoted: float
    commands: tuple[str, ...]
    model: Callable[[tuple[str, ...]], float]  # the quoted quantity, from the commands' runs
    shown: str | None = None  # how the phrase writes the number, if not as f"{quoted:g}"
    tolerance: float | None = None  # absolute, in place of ABOUT * quoted

    def __str__(self) -> str:
        return f"{self.page}: {self.phrase!r} ({self.quoted:g})"


def both(page: str, phrase: str, first: tuple[float, str], second: tuple[float, str],
         model: Callable[[tuple[str, ...]], float]) -> list[Quote]:
    """The two quotes of a phrase "about A against B": A from the first run, B from the second, each by ``model``."""
    return [Quote(page, phrase, quoted, (command,), model) for quoted, command in (first, second)]


QUOTES = [
    Quote("01_intensity_duration.md", "At 40% of VO2max plasma IL-6 rises about 3.5-fold", 3.5,
          ("cycling_120min_40pct",), lambda c: fold(c[0])),
    Quote("01_intensity_duration.md", "at 70% it rises about 18-fold", 18.0,
          ("cycling_120min_70pct",), lambda c: fold(c[0])),
    Quote("01_intensity_duration.md", "gives an IL-6 peak about five times higher", 5.0,
          ("cycling_120min_70pct", "cycling_120min_40pct"), lambda c: peak(c[0]) / peak(c[1]), shown="five"),
    Quote("01_intensity_duration.md", "roughly 16-fold over rest", 16.0,
          ("cycling_120min_placebo",), lambda c: fold(c[0])),
    Quote("01_intensity_duration.md", "against about 4.6-fold after one hour", 4.6,
          ("cycling_60min_65pct",), lambda c: fold(c[0])),
    Quote("01_intensity_duration.md", "(about 4.5- against 4.6-fold over rest)", 4.5,
          ("cycling_20min_89pct",), lambda c: fold(c[0])),
    Quote("02_glycogen.md", "plasma IL-6 ends about 1.7 times as high (roughly 23-fold", 23.0,
          ("knee_extension_3h_low_glycogen",), lambda c: at(c[0], 180.0) / at(c[0], 0.0)),
    Quote("02_glycogen.md", "rest against about 13-fold)", 13.0,
          ("knee_extension_3h_normal_glycogen",), lambda c: at(c[0], 180.0) / at(c[0], 0.0)),
    Quote("02_glycogen.md", "the mRNA about one and a half times as high", 1.5,
          ("cycling_60min_65pct --set subject.muscle_glycogen_mmol_kg_dw=250", "cycling_60min_65pct"),
          lambda c: peak(c[0], "il6_mrna_fold") / peak(c[1], "il6_mrna_fold"), shown="one and a half"),
    Quote("02_glycogen.md", "roughly 18-fold over rest against about 4.5-fold", 18.0,
          ("cycling_60min_65pct --set subject.muscle_glycogen_mmol_kg_dw=250",), lambda c: fold(c[0])),
    Quote("02_glycogen.md", "Glycogen goes down to about 92", 92.0,
          ("cycling_60min_65pct --set subject.muscle_glycogen_mmol_kg_dw=250",),
          lambda c: float(run(c[0])[GLYCOGEN].min())),
    *both("03_carbohydrate.md", "(about 8 against 14 pg/mL)",
          (8.0, "cycling_120min_glucose"), (14.0, "cycling_120min_placebo"), lambda c: peak(c[0])),
    Quote("03_carbohydrate.md", "(about 27-fold in both)", 27.0,
          ("cycling_120min_glucose",), lambda c: peak(c[0], "il6_mrna_fold")),
    Quote("03_carbohydrate.md", "the peak is about 0.7 of placebo", 0.7,
          ("running_150min_75pct_carbohydrate", "running_150min_75pct"), lambda c: peak(c[0]) / peak(c[1])),
    Quote("03_carbohydrate.md", "about 30% of the placebo value over the bout", 0.3,
          ("cycling_120min_glucose", "cycling_120min_placebo"), shown="30%",
          model=lambda c: bout_mean(c[0], "hepatic_glucose_output_mg_kg_min", 120.0)
          / bout_mean(c[1], "hepatic_glucose_output_mg_kg_min", 120.0)),
    *both("03_carbohydrate.md", "ends at about 8.2 instead of 11 umol/kg/min",
          (8.2, "cycling_120min_glucose"), (11.0, "cycling_120min_placebo"),
          lambda c: at(c[0], 120.0, "glycerol_ra_umol_kg_min")),
    *both("03_carbohydrate.md", "(0.45 against 0.49 g/min, 0.92 of placebo)",
          (0.45, "cycling_120min_glucose"), (0.49, "cycling_120min_placebo"),
          lambda c: at(c[0], 120.0, "fat_oxidation_g_min")),
    Quote("03_carbohydrate.md", "(0.45 against 0.49 g/min, 0.92 of placebo)", 0.92,
          ("cycling_120min_glucose", "cycling_120min_placebo"), tolerance=0.05,
          model=lambda c: at(c[0], 120.0, "fat_oxidation_g_min") / at(c[1], 120.0, "fat_oxidation_g_min")),
    *both("03_carbohydrate.md", "FFA at 1.4 instead of 1.8 mmol/L",
          (1.4, "cycling_120min_glucose"), (1.8, "cycling_120min_placebo"),
          lambda c: at(c[0], 120.0, "plasma_ffa_mmol_l")),
    Quote("04_il6_infusion.md", "by roughly 90% at the low dose", 0.9,
          ("il6_infusion_low",), lambda c: fold(c[0], "glycerol_ra_umol_kg_min") - 1.0, shown="90%"),
    Quote("04_il6_infusion.md", "115% at the high dose", 1.15,
          ("il6_infusion_high",), lambda c: fold(c[0], "glycerol_ra_umol_kg_min") - 1.0, shown="115%"),
    Quote("04_il6_infusion.md", "IL-1ra climbs about 7-fold at the low dose", 7.0,
          ("il6_infusion_low",), lambda c: fold(c[0], "il1ra_pg_ml")),
    *both("04_il6_infusion.md", "further (50- to 80-fold)",
          (50.0, "il6_infusion_low"), (80.0, "il6_infusion_high"), lambda c: fold(c[0], "il10_pg_ml")),
    Quote("04_il6_infusion.md", "and 9-fold at the high dose", 9.0,
          ("il6_infusion_high",), lambda c: fold(c[0], "il1ra_pg_ml")),
    Quote("04_il6_infusion.md", "the default is about 0.51 per minute", 0.51,
          ("il6_infusion_low",), lambda c: ms.resolve_parameters(load_scenario(c[0]))["plasma_il6.clearance_per_min"]),
    Quote("04_il6_infusion.md", "Plasma IL-6 stays at about 143 pg/mL", 143.0,
          ("il6_infusion_low --set plasma_il6.clearance_per_min=0.26",), lambda c: peak(c[0])),
    *both("04_il6_infusion.md", "`rhil6_infusion_ng_min` about 110 against about 220 ng/min)",
          (110.0, "il6_infusion_low --set plasma_il6.clearance_per_min=0.26"), (220.0, "il6_infusion_low"),
          lambda c: peak(c[0], "rhil6_infusion_ng_min")),
    Quote("05_anti_inflammatory.md", "plasma IL-6 at the bolus is the cycling trial's (about 29 pg/mL in both)", 29.0,
          ("endotoxin_il6_infusion",), lambda c: at(c[0], 150.0)),
    Quote("05_anti_inflammatory.md", "plasma IL-6 at the bolus is the cycling trial's (about 29 pg/mL in both)", 29.0,
          ("endotoxin_exercise",), lambda c: at(c[0], 150.0)),
    *both("05_anti_inflammatory.md", "(about 410 against 680 pg/mL)",
          (410.0, "endotoxin_il6_infusion"), (680.0, "endotoxin_exercise"), lambda c: at(c[0], 150.0, "il1ra_pg_ml")),
    Quote("05_anti_inflammatory.md", "it climbs to about 4,000 pg/mL as cycling goes on", 4000.0,
          ("endotoxin_exercise",), lambda c: peak(c[0], "il1ra_pg_ml"), shown="4,000"),
    Quote("05_anti_inflammatory.md", "peaks near 470 with the infusion", 470.0,
          ("endotoxin_il6_infusion",), lambda c: peak(c[0], "il1ra_pg_ml")),
    Quote("05_anti_inflammatory.md", "(to about 1,850 nmol/L, five", 1850.0,
          ("endotoxin_exercise",), lambda c: peak(c[0], "cortisol_nmol_l"), shown="1,850"),
    Quote("05_anti_inflammatory.md", "falls to about 2.3 mmol/L by the end of the ride", 2.3,
          ("endotoxin_exercise",), lambda c: at(c[0], 180.0, "plasma_glucose_mmol_l")),
    *both("06_muscle_mass_mode.md", "(about 7.8 against about 0.28 ng/min/kg)",
          (7.8, "knee_extension_one_leg_5h"), (0.28, "cycling_60min_lactate_threshold"),
          lambda c: peak(c[0], "il6_release_ng_min_kg")),
    *both("06_muscle_mass_mode.md", "(roughly 26 against 12 pg/mL)",
          (26.0, "knee_extension_two_leg_5h_control_leg"), (12.0, "knee_extension_one_leg_5h"), lambda c: peak(c[0])),
    Quote("06_muscle_mass_mode.md", "about 15% higher in running (about 6.0 against 5.2 pg/mL)", 0.15,
          ("running_60min_lactate_threshold", "cycling_60min_lactate_threshold"),
          lambda c: peak(c[0]) / peak(c[1]) - 1.0, shown="15%", tolerance=0.05),
    *both("06_muscle_mass_mode.md", "about 15% higher in running (about 6.0 against 5.2 pg/mL)",
          (6.0, "running_60min_lactate_threshold"), (5.2, "cycling_60min_lactate_threshold"), lambda c: peak(c[0])),
    Quote("07_training_days.md", "the second IL-6 peak is about 1.4 times the first", 1.4,
          ("cycling_2x75min_3h_apart",), lambda c: peak(c[0], start=255.0) / peak(c[0], end=255.0)),
    Quote("07_training_days.md", "with 6 hours, only about 1.1 times", 1.1,
          ("cycling_2x75min_6h_apart",), lambda c: peak(c[0], start=435.0) / peak(c[0], end=435.0),
          tolerance=0.05),
    Quote("07_training_days.md", "(about 325 mmol/kg after 3 hours", 325.0,
          ("cycling_2x75min_3h_apart",), lambda c: at(c[0], 255.0, GLYCOGEN)),
    Quote("07_training_days.md", "against about 390 after 6 hours", 390.0,
          ("cycling_2x75min_6h_apart",), lambda c: at(c[0], 435.0, GLYCOGEN)),
    Quote("07_training_days.md", "(about 6 pg/mL) to day 6 (about 30 pg/mL)", 30.0,
          ("training_7days_moderate_carbohydrate --set subject.training_status=recreational",),
          lambda c: peak(c[0], start=7200.0, end=8640.0)),
    Quote("07_training_days.md", "(about 6 pg/mL) to day 6 (about 30 pg/mL)", 6.0,
          ("training_7days_moderate_carbohydrate --set subject.training_status=recreational",),
          lambda c: peak(c[0], end=1440.0)),
    Quote("07_training_days.md", "from 450 to about 120 mmol/kg", 120.0,
          ("training_7days_moderate_carbohydrate --set subject.training_status=recreational",),
          lambda c: at(c[0], 7200.0, GLYCOGEN)),
]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("quote", QUOTES, ids=str)
def test_a_number_a_lesson_quotes_is_what_the_model_gives(quote):
    page = flat((TEACHING / quote.page).read_text())
    assert flat(quote.phrase) in page, f"{quote}: the phrase is no longer on the page"
    assert (quote.shown or f"{quote.quoted:g}") in quote.phrase, f"{quote}: the phrase does not show the number"
    for command in quote.commands:
        assert f"myokine run {command}" in page, f"{quote}: the page does not run {command!r}"
    value = quote.model(quote.commands)
    tolerance = quote.tolerance if quote.tolerance is not None else ABOUT * quote.quoted
    assert abs(value - quote.quoted) <= tolerance, (
        f"{quote} quotes {quote.quoted:g}; the model gives {value:.3g}: rewrite it from `make lessons`")
