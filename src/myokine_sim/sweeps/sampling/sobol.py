"""Scrambled Sobol' sequence (scipy.stats.qmc.Sobol), mapped through each variable's distribution.

A power of two for ``n`` keeps the sequence's balance properties; other counts
take the first ``n`` points of the next power of two.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import qmc

from myokine_sim.sweeps.space import Space


def sample(space: Space, n: int, seed: int) -> np.ndarray:
    """``n`` members ``(n, len(space))``; the same seed gives the same members."""
    engine = qmc.Sobol(d=len(space), scramble=True, seed=seed)
    quantiles = engine.random_base2(math.ceil(math.log2(n)))[:n]
    return space.ppf(quantiles)
