"""Posterior populations: members drawn from the shipped posterior sample of the fitted parameters.

A virtual population that reflects parameter uncertainty (what the calibration data leave open), not
differences between people. Draws are taken without replacement (with replacement beyond the
sample's size) by ``seed``.
"""

from __future__ import annotations

import numpy as np


def sample(names: list[str], n: int, seed: int, posterior) -> np.ndarray:
    """``n`` members ``(n, len(names))``: the posterior draws' values of ``names``."""
    rows = posterior.rows(n, seed)
    columns = [posterior.names.index(name) for name in names]
    return rows[:, columns]
