"""Virtual populations: inter-individual variability around a scenario's values.

Each varied quantity is drawn independently from a lognormal distribution
whose median is the scenario's value and whose coefficient of variation (CV)
comes from ``POPULATION_CV`` (callers may override or extend it), truncated to
the plausible range (or to the bounds a caller gives) by inverse-CDF sampling,
so no draw is rejected and the same seed always gives the same subjects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from myokine_sim.sweeps.space import Space


@dataclass(frozen=True)
class Variability:
    cv: float
    source: str


_ASSUMED = "assumption"

#: Between-subject coefficients of variation (docs/sweeps.md shows this table).
POPULATION_CV: dict[str, Variability] = {
    "subject.body_mass_kg": Variability(0.12, f"{_ASSUMED}: spread of healthy young adults in exercise studies"),
    "subject.vo2max_ml_kg_min": Variability(0.12, f"{_ASSUMED}: spread within a recreationally trained cohort"),
    "subject.muscle_glycogen_mmol_kg_dw": Variability(
        0.20, f"{_ASSUMED}: covers the mixed-diet range 350-600 mmol/kg dw quoted with the parameter"),
    "subject.fat_mass_kg": Variability(0.35, f"{_ASSUMED}: body fat varies more than body mass"),
    "exercise.vo2_rate_per_min": Variability(0.20, f"{_ASSUMED}: VO2 on-kinetics differ with training status"),
    "exercise.catecholamine_rise_rate_per_min": Variability(0.25, _ASSUMED),
    "muscle_glycogen.use_rate_mmol_kg_min": Variability(0.20, _ASSUMED),
    "il6_gene.max_transcription_fold": Variability(
        0.40, f"{_ASSUMED}: the exercise IL-6 mRNA response varies several-fold between subjects"),
    "il6_gene.glycogen_sensor_half_mmol_kg": Variability(0.15, _ASSUMED),
    "il6_gene.mrna_decay_per_min": Variability(0.25, _ASSUMED),
    "muscle_il6.translation_ng_kg_min_per_fold": Variability(0.40, _ASSUMED),
    "muscle_il6.secretion_rate_per_min": Variability(0.25, _ASSUMED),
    "plasma_il6.baseline_pg_ml": Variability(0.40, f"{_ASSUMED}: resting IL-6 of healthy adults spans ~0.5-3 pg/mL"),
    "plasma_il6.clearance_per_min": Variability(0.30, _ASSUMED),
    "plasma_il6.volume_l_per_kg": Variability(0.10, _ASSUMED),
    "adipose.glycerol_ra_rest_umol_kg_min": Variability(0.25, _ASSUMED),
    "adipose.ffa_baseline_mmol_l": Variability(0.30, _ASSUMED),
    "liver.glucose_output_rest_mg_kg_min": Variability(0.15, _ASSUMED),
    "il1ra.baseline_pg_ml": Variability(0.35, _ASSUMED),
    "il10.baseline_pg_ml": Variability(0.40, _ASSUMED),
    "tnf_alpha.baseline_pg_ml": Variability(0.35, _ASSUMED),
}


def sample(space: Space, n: int, seed: int, medians: np.ndarray, cvs: np.ndarray) -> np.ndarray:
    """``n`` subjects ``(n, len(space))``: lognormal around ``medians`` with ``cvs``, truncated to the bounds."""
    medians = np.asarray(medians, dtype=float)
    cvs = np.asarray(cvs, dtype=float)
    lower = np.array([v.lower for v in space.variables])
    upper = np.array([v.upper for v in space.variables])
    quantiles = np.random.default_rng(seed).random((n, len(space)))
    sigma = np.sqrt(np.log1p(cvs**2))
    varies = sigma > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        # A zero lower bound maps to -inf on the log scale: the CDF there is 0.
        low = stats.norm.cdf((np.log(lower) - np.log(medians)) / sigma)
        high = stats.norm.cdf((np.log(upper) - np.log(medians)) / sigma)
        z = stats.norm.ppf(low + quantiles * (high - low))
        values = medians * np.exp(sigma * z)
    values = np.where(varies, values, medians)
    return np.clip(values, lower, upper)
