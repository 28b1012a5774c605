"""Progress reports of a running sweep, and a small text progress bar for stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class SweepProgress:
    """Passed to a progress callback after every finished chunk."""

    chunks_done: int
    chunks_total: int
    members_done: int
    members_total: int
    members_resumed: int  # finished by an earlier, interrupted run
    elapsed_s: float


ProgressCallback = Callable[[SweepProgress], None]


class ProgressBar:
    """``sweep [#######.............] 3/10 chunks  3000/10000 members  4 s, ~9 s left``"""

    def __init__(self, stream: TextIO | None = None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, progress: SweepProgress) -> None:
        fraction = progress.members_done / max(progress.members_total, 1)
        filled = round(fraction * self.width)
        elapsed = time.monotonic() - self.started
        # Resumed chunks took no time in this run: estimate from this run's members only.
        this_run = progress.members_done - progress.members_resumed
        remaining = progress.members_total - progress.members_done
        left = f", ~{elapsed / this_run * remaining:.0f} s left" if this_run and remaining else ""
        self.stream.write(
            f"\rsweep [{'#' * filled}{'.' * (self.width - filled)}] {progress.chunks_done}/{progress.chunks_total} "
            f"chunks  {progress.members_done}/{progress.members_total} members  {elapsed:.0f} s{left}   "
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def resolve_progress(progress: bool | ProgressCallback | None) -> tuple[ProgressCallback | None, ProgressBar | None]:
    """The callback to call and the bar to close: a bar when ``progress`` is True, or None and stderr is a terminal."""
    if callable(progress):
        return progress, None
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return None, None
    bar = ProgressBar()
    return bar, bar
