"""Progress reports of a running sweep, and a Rich progress bar on stderr with an ETA."""

from __future__ import annotations

import sys
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


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class ProgressBar:
    """``sweep ━━━━━━━━━╸━━━━━━ 3000/10000 members 0:00:04 ETA 0:00:09`` (rich.progress) on stderr.

    Call it with a ``SweepProgress`` (sweeps), or use ``start``/``update``/``log`` (fit, validate).
    """

    def __init__(self, label: str = "sweep", unit: str = "members", stream: TextIO | None = None):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                 console=self.console, transient=False)
        self.task = None

    def start(self, total: int, completed: int = 0) -> None:
        # Work finished before this run (resumed chunks) is the starting point, so the ETA uses this run's speed.
        self.progress.start()
        self.task = self.progress.add_task("", total=total, completed=completed)

    def update(self, completed: int) -> None:
        self.progress.update(self.task, completed=completed)

    def advance_to(self, done: int, total: int) -> None:
        """``done`` of ``total`` (starting the bar at the first call)."""
        if self.task is None:
            self.start(total)
        self.update(done)

    def log(self, line: str) -> None:
        """A line printed above the bar."""
        self.console.print(line, markup=False, highlight=False)

    def __call__(self, progress: SweepProgress) -> None:
        if self.task is None:
            self.start(progress.members_total, progress.members_resumed)
        self.update(progress.members_done)

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def resolve_progress(progress: bool | ProgressCallback | None, label: str = "sweep",
                     unit: str = "members") -> tuple[ProgressCallback | None, ProgressBar | None]:
    """The callback to call and the bar to close: a bar when ``progress`` is True, or None and stderr is a terminal."""
    if callable(progress):
        return progress, None
    show = stderr_is_terminal() if progress is None else bool(progress)
    if not show:
        return None, None
    bar = ProgressBar(label, unit)
    return bar, bar
