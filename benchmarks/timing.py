"""The timing rule every benchmark script here shares: the median wall time over repeats."""

from __future__ import annotations

import statistics
import time


def median_time(action, repeats: int = 5) -> tuple[float, object]:
    """Median seconds of ``action()`` over ``repeats`` calls, and the value the last call returned."""
    timings, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), value
