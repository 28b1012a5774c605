"""Morris screening: elementary effects along random one-at-a-time trajectories (SALib).

Each of r trajectories moves every parameter once by 2/3 of its range (on a
4-level grid over the unit hypercube, mapped through the parameter's
distribution); the elementary effect is the metric's change divided by that
step. Per parameter: ``mu`` (mean effect, signs may cancel), ``mu_star``
(mean absolute effect: overall importance), ``sigma`` (spread: interactions
or non-linearity) and ``mu_star_conf`` (half-width of mu_star's 95 % bootstrap
interval). Effects are in the metric's unit per full range of the parameter.
r (D + 1) runs for D parameters.
"""

from __future__ import annotations

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

DEFAULT_TRAJECTORIES = 10
#: Fewer than two trajectories give no spread (sigma) and no confidence interval.
MIN_TRAJECTORIES = 2
LEVELS = 4
RESAMPLES = 1000


def morris(
    scenario: Scenario | str | Path,
    metric: str,
    params: Sequence[str] | None = None,
    *,
    problem: dict | None = None,
    factor: float = DEFAULT_FACTOR,
    trajectories: int = DEFAULT_TRAJECTORIES,
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | ProgressCallback | None = None,
) -> SensitivityResult:
    """Morris elementary effects of ``metric`` over ``params`` (each value / ``factor`` to * ``factor``)
    or over an explicit SALib ``problem``; the same ``seed`` gives the same trajectories and intervals."""
    check_trajectories(trajectories)
    sample = salib("sample.morris", "morris")
    analyze = salib("analyze.morris", "morris")

    def design(unit: dict, seed: int) -> tuple[np.ndarray, list[str]]:
        return sample.sample(unit, int(trajectories), num_levels=LEVELS, seed=seed), []

    def analyse(unit: dict, points: np.ndarray, values: np.ndarray, space: Space) -> list[dict]:
        indices = analyze.analyze(unit, points, values, num_resamples=RESAMPLES, conf_level=CONFIDENCE_LEVEL,
                                  num_levels=LEVELS, seed=seed)
        return [{"parameter": name, "mu": float(indices["mu"][i]), "mu_star": float(indices["mu_star"][i]),
                 "sigma": float(indices["sigma"][i]), "mu_star_conf": float(indices["mu_star_conf"][i])}
                for i, name in enumerate(space.names)]

    return run_global("morris", scenario, metric, params, problem, factor, seed, int(trajectories), design, analyse,
                      {"levels": LEVELS, "resamples": RESAMPLES, "confidence_level": CONFIDENCE_LEVEL},
                      workers, scheduler, progress)


def check_trajectories(trajectories) -> None:
    """Raise ``InputError`` unless ``trajectories`` is a whole number of at least ``MIN_TRAJECTORIES``."""
    if isinstance(trajectories, bool) or not isinstance(trajectories, (int, np.integer)) \
            or trajectories < MIN_TRAJECTORIES:
        raise InputError("samples", str(trajectories), f"Morris needs at least {MIN_TRAJECTORIES} trajectories "
                                                       "(10 to 50 are usual)")
