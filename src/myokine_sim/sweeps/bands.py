"""Population bands over time, accumulated chunk by chunk.

Exact quantiles would need every member's trajectory at once. Instead each
chunk adds its members to a histogram per time sample with logarithmic bins
(about 0.6% wide); histograms of chunks add up, and quantiles are read off the
summed counts. Memory is fixed (samples x bins) whatever the population size,
and a quantile is exact to within one bin (about 0.6%).
"""

from __future__ import annotations

import numpy as np

#: Columns the band figure shows.
BAND_COLUMNS: tuple[str, ...] = ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw")
#: Quantiles of the bands: 90% and 50% intervals and the median.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Bin edges: 1e-3 to 1e4 in the column's unit; values outside fall in the end bins.
EDGES = np.geomspace(1e-3, 1e4, 2801)
_LOG_WIDTH = np.log(EDGES[1] / EDGES[0])


def histogram(values: np.ndarray) -> np.ndarray:
    """Counts ``(samples, bins)`` of ``values`` ``(samples, members)``."""
    samples = values.shape[0]
    with np.errstate(divide="ignore"):
        # Equal widths on the log scale: the bin follows from the logarithm, no search needed.
        position = np.log(np.maximum(values, 0.0) / EDGES[0]) / _LOG_WIDTH
    bins = np.clip(np.nan_to_num(position, nan=0.0, neginf=0.0), 0, len(EDGES) - 2).astype(np.intp)
    flat = bins + (len(EDGES) - 1) * np.arange(samples)[:, None]
    counts = np.bincount(flat.ravel(), minlength=samples * (len(EDGES) - 1))
    return counts.reshape(samples, len(EDGES) - 1).astype(count_dtype(values.shape[1]))


def count_dtype(members: int) -> type:
    """16-bit counts when the members fit: a chunk's counts travel between processes and to disk."""
    return np.uint16 if members < 2**16 else np.int64


def quantiles(counts: np.ndarray, levels: tuple[float, ...] = QUANTILES) -> dict[float, np.ndarray]:
    """Quantiles over time from summed counts, interpolated geometrically within a bin."""
    cumulative = np.cumsum(counts, axis=1, dtype=np.int64)
    total = cumulative[:, -1]
    result: dict[float, np.ndarray] = {}
    for level in levels:
        target = level * total
        index = np.array([np.searchsorted(row, goal, side="left") for row, goal in zip(cumulative, target)])
        index = np.clip(index, 0, counts.shape[1] - 1)
        rows = np.arange(len(index))
        below = np.where(index > 0, cumulative[rows, np.maximum(index - 1, 0)], 0)
        inside = counts[rows, index]
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = np.where(inside > 0, (target - below) / inside, 0.5)
        low, high = np.log(EDGES[index]), np.log(EDGES[index + 1])
        result[level] = np.where(total > 0, np.exp(low + np.clip(fraction, 0.0, 1.0) * (high - low)), np.nan)
    return result
