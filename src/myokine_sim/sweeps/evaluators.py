"""Evaluators run chunk evaluations somewhere and hand back results as they finish.

Parallelism lives here, not in the samplers: in this process, in local worker
processes (each integrates whole chunks), or on an existing Dask distributed
cluster. All share one interface::

    with evaluator:
        for result in evaluator.run(function, shared, tasks):
            ...

``function(shared, *task)`` is called once per task; results arrive in
completion order. ``shared`` (the sweep context) is sent to each worker once
where the backend allows it.
"""

from __future__ import annotations

import ctypes
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Self

from myokine_sim.errors import InputError, MyokineError


class SequentialEvaluator:
    """Evaluate in this process, one task after another."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def run(self, function: Callable, shared: Any, tasks: Iterable[tuple]) -> Iterator:
        for task in tasks:
            yield function(shared, *task)


_worker_shared: Any = None


#: glibc ``mallopt`` parameters, and the values worker processes use.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_BYTES = 32 * 2**20  # glibc's largest allowed value on 64-bit systems
_TRIM_THRESHOLD_BYTES = 512 * 2**20


def _keep_freed_memory() -> None:
    """Let the C allocator reuse freed megabyte-sized blocks instead of returning them to the kernel.

    A chunk allocates and frees NumPy temporaries of a few MB thousands of
    times; by default glibc maps each afresh until its adaptive thresholds
    catch up, and the page faults cost a process's first chunk ~15% more time.
    Worker processes are the sweep's own, so they may keep the memory. Does
    nothing where ``mallopt`` is unavailable (non-glibc platforms).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)


def _start_worker(shared: Any) -> None:
    global _worker_shared
    # Ctrl-C is the parent's to handle: it keeps finished chunks and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _keep_freed_memory()
    _worker_shared = shared


def _call_with_shared(function: Callable, *task):
    return function(_worker_shared, *task)


class ProcessEvaluator:
    """Evaluate on ``workers`` local processes (``concurrent.futures``)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.shutdown()
            return
        # Ctrl-C or an error: nobody will collect the chunks in flight, so stop them instead of waiting.
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()

    def run(self, function: Callable, shared: Any, tasks: Iterable[tuple]) -> Iterator:
        self._pool = ProcessPoolExecutor(self.workers, initializer=_start_worker, initargs=(shared,))
        # No list of futures is kept: a finished future's result is freed once handed on.
        for future in as_completed([self._pool.submit(_call_with_shared, function, *task) for task in tasks]):
            yield future.result()


class DaskEvaluator:
    """Evaluate on the Dask distributed cluster whose scheduler listens at ``address``."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("scheduler", address, "needs Dask: pip install 'myokine_sim[dask]'") from None
        self.address = address
        self._client_class = Client
        self._client = None

    def __enter__(self) -> Self:
        try:
            self._client = self._client_class(self.address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise MyokineError(f"cannot reach the Dask scheduler at {self.address}: {error}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()

    def run(self, function: Callable, shared: Any, tasks: Iterable[tuple]) -> Iterator:
        from distributed import as_completed as dask_completed

        shared_future = self._client.scatter(shared, broadcast=True)
        futures = [self._client.submit(function, shared_future, *task, pure=False) for task in tasks]
        completed = dask_completed(futures, loop=self._client.loop)
        del futures  # results are freed as they are handed on
        for future in completed:
            yield future.result()
            future.release()


def make_evaluator(workers: int = 1, scheduler: str | None = None):
    """Dask when a scheduler address is given, else local processes when ``workers > 1``, else in-process."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError("workers", str(workers), "must be a whole number of at least 1")
    if scheduler:
        return DaskEvaluator(scheduler)
    if workers > 1:
        return ProcessEvaluator(workers)
    return SequentialEvaluator()
