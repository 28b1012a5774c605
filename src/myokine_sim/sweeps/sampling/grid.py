"""Full factorial grid: ``points[i]`` values per dimension, at equally spaced quantiles.

For uniform variables the values are equally spaced from lower to upper bound;
for log-uniform ones they are geometrically spaced. The last name varies
fastest, as in ``numpy.meshgrid(..., indexing="ij")``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from myokine_sim.sweeps.space import Space


def sample(space: Space, points: Sequence[int], seed: int | None = None) -> np.ndarray:
    """The grid's members ``(prod(points), len(space))``; ``seed`` is unused (a grid is deterministic)."""
    axes = [variable.ppf(np.linspace(0.0, 1.0, count)) for variable, count in zip(space.variables, points)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([axis.ravel() for axis in mesh])
