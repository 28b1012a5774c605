"""Sobol' variance-based indices from Saltelli's design (SALib).

``S1``: the share of the metric's variance explained by the parameter alone;
``ST``: its share including every interaction (``ST - S1`` is the part due to
interactions). A parameter with ``ST`` near 0 can be fixed anywhere in its
range. ``S1_conf`` and ``ST_conf`` are half-widths of 95 % bootstrap intervals.
N (D + 2) runs for N base samples and D parameters (no second-order indices);
N should be a power of 2, for the balance of the Sobol' sequence.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.scenario import Scenario
from myokine_sim.sensitivity.design import run_global, salib
from myokine_sim.sensitivity.problem import DEFAULT_FACTOR
from myokine_sim.sensitivity.result import CONFIDENCE_LEVEL, SensitivityResult
from myokine_sim.sweeps.progress import ProgressCallback
from myokine_sim.sweeps.space import Space

DEFAULT_SAMPLES = 256
#: Below this the bootstrap intervals are as wide as the indices themselves.
MIN_SAMPLES = 16
#: Fewer base samples than this per varied parameter gives intervals about as wide as the indices.
SAMPLES_PER_PARAMETER = 10
RESAMPLES = 1000


def sobol(
    scenario: Scenario | str | Path,
    metric: str,
    params: Sequence[str] | None = None,
    *,
    problem: dict | None = None,
    factor: float = DEFAULT_FACTOR,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | ProgressCallback | None = None,
) -> SensitivityResult:
    """First-order and total Sobol' indices of ``metric`` over ``params`` (each value / ``factor`` to
    * ``factor``) or an explicit SALib ``problem``, from ``samples`` base samples; reproducible by ``seed``."""
    check_samples(samples)
    sample = salib("sample.sobol", "sobol")
    analyze = salib("analyze.sobol", "sobol")

    def design(unit: dict, seed: int) -> tuple[np.ndarray, list[str]]:
        notes = []
        needed = SAMPLES_PER_PARAMETER * unit["num_vars"]
        if samples < needed:
            notes.append(f"warning: {samples} base samples for {unit['num_vars']} parameters is too few (fewer than "
                         f"{SAMPLES_PER_PARAMETER} per parameter): expect intervals about as wide as the indices; "
                         f"use at least {1 << (needed - 1).bit_length()} samples or fewer parameters")
        if samples & (samples - 1):
            notes.append(f"{samples} base samples is not a power of 2: the Sobol' sequence loses its balance; "
                         f"{1 << int(samples).bit_length()} or {1 << (int(samples).bit_length() - 1)} is better")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # scipy's power-of-2 warning: reported in the notes
            points = sample.sample(unit, int(samples), calc_second_order=False, scramble=True, seed=seed)
        return points, notes

    def analyse(unit: dict, points: np.ndarray, values: np.ndarray, space: Space) -> list[dict]:
        if np.ptp(values) == 0.0:
            return [{"parameter": name, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0} for name in space.names]
        # SALib ignores a seed of 0 (``if seed:``) and would bootstrap unseeded: shift it by one.
        indices = analyze.analyze(unit, values, calc_second_order=False, num_resamples=RESAMPLES,
                                  conf_level=CONFIDENCE_LEVEL, seed=seed + 1)
        return [{"parameter": name, "S1": float(indices["S1"][i]), "S1_conf": float(indices["S1_conf"][i]),
                 "ST": float(indices["ST"][i]), "ST_conf": float(indices["ST_conf"][i])}
                for i, name in enumerate(space.names)]

    result = run_global("sobol", scenario, metric, params, problem, factor, seed, int(samples), design, analyse,
                        {"calc_second_order": False, "resamples": RESAMPLES, "confidence_level": CONFIDENCE_LEVEL},
                        workers, scheduler, progress)
    leading = result.ranked()[:5]
    if leading and sum(row["ST_conf"] >= abs(row["ST"]) for row in leading) > len(leading) // 2:
        result.notes.append("warning: the intervals of most leading ST indices are as wide as the indices: "
                            "more --samples or fewer --params")
    return result


def check_samples(samples) -> None:
    """Raise ``InputError`` unless ``samples`` is a whole number of at least ``MIN_SAMPLES``."""
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < MIN_SAMPLES:
        raise InputError("samples", str(samples), f"Sobol' indices need at least {MIN_SAMPLES} base samples; "
                                                  "a power of 2 such as 256 or 1024 is recommended")
