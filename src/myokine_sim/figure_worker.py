"""Render the teaching figure in a forked process, overlapping start-up work.

Importing matplotlib and drawing take about as long as importing SciPy and
solving. ``myokine run`` forks this worker first; the child imports matplotlib
while the parent imports the solver stack and integrates, then draws the
figure while the parent writes the tables. Where ``fork`` is unavailable, or
the worker fails, the figure is drawn in-process instead.
"""

from __future__ import annotations

import os
import pickle


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def render_in_process(result, panels=None, formats=("png",), title=None) -> dict[str, bytes]:
    from myokine_sim.figures import run_figures

    return run_figures(result, panels, tuple(formats), title)


class FigureWorker:
    """``render(result, panels, formats, title)`` returns {format: bytes}; ``close()`` ends an unused worker."""

    def __init__(self) -> None:
        self.pid: int | None = None
        if not hasattr(os, "fork"):
            return
        to_child_read, self._to_child = os.pipe()
        self._from_child, from_child_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
            os.close(self._to_child)
            os.close(self._from_child)
            status = 1
            try:
                import matplotlib.backends.backend_agg  # noqa: F401
                import matplotlib.figure  # noqa: F401

                from myokine_sim import figures  # noqa: F401 - preload while the parent works

                request = _read_all(to_child_read)
                if request:
                    result, options = pickle.loads(request)
                    _write_all(from_child_write, pickle.dumps(render_in_process(result, **options)))
                status = 0
            finally:
                os._exit(status)
        os.close(to_child_read)
        os.close(from_child_write)
        self.pid = pid

    def render(self, result, panels=None, formats=("png",), title=None) -> dict[str, bytes]:
        options = {"panels": panels, "formats": tuple(formats), "title": title}
        if self.pid is None:
            return render_in_process(result, **options)
        try:
            _write_all(self._to_child, pickle.dumps((result, options), protocol=pickle.HIGHEST_PROTOCOL))
            self._close_input()
            answer = _read_all(self._from_child)
        except OSError:
            answer = b""
        status = self._finish()
        return pickle.loads(answer) if status == 0 and answer else render_in_process(result, **options)

    def close(self) -> None:
        """End the worker if it is still waiting (bad input stopped the run early)."""
        if self.pid is not None:
            self._finish()

    def _close_input(self) -> None:
        if self._to_child >= 0:
            os.close(self._to_child)
            self._to_child = -1  # never close a number the OS may have reused

    def _finish(self) -> int:
        self._close_input()  # end of input: an idle child exits
        os.close(self._from_child)
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
