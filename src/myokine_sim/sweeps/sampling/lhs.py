"""Latin hypercube sampling (scipy.stats.qmc.LatinHypercube), mapped through each variable's distribution."""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from myokine_sim.sweeps.space import Space


def sample(space: Space, n: int, seed: int) -> np.ndarray:
    """``n`` members ``(n, len(space))``; the same seed gives the same members."""
    quantiles = qmc.LatinHypercube(d=len(space), seed=seed).random(n)
    return space.ppf(quantiles)
