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
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import process as futures_process
from typing import Any, Self

from myokine_sim.errors import InputError
from myokine_sim.extras import install_hint
from myokine_sim.interrupts import raise_if_stopped, stop_signals_blocked

#: How often the parent looks for a stop signal while waiting for chunks, and a worker for its parent (s).
POLL_S = 0.1
#: How long stopped workers get to exit after SIGTERM before SIGKILL (s).
WORKER_EXIT_S = 0.5
#: Seconds to wait for a Dask scheduler; a bad address is reported quickly.
DASK_CONNECT_TIMEOUT_S = 5
#: A Dask scheduler address: PROTOCOL://HOST:PORT, HOST:PORT, or inproc://... (an in-process cluster).
_DASK_ADDRESS = re.compile(
    r"^(?:inproc://\S+|(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5})$"
)


class SequentialEvaluator:
    """Evaluate in this process, one task after another."""

    #: Where the tasks run, for progress messages.
    place = "this process"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def run(self, function: Callable, shared: Any, tasks: Iterable[tuple]) -> Iterator:
        for task in tasks:
            raise_if_stopped()
            result = function(shared, *task)
            raise_if_stopped()
            yield result


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


#: Linux prctl option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """End this worker when the sweep process ends, however it ends (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # where prctl is missing, or the forking thread is not the parent's last
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="myokine-parent-watch", daemon=True).start()


def _start_worker(shared: Any, parent: int | None = None) -> None:
    global _worker_shared
    # Ctrl-C is the parent's to handle: it keeps finished chunks and stops the pool. SIGTERM ends a worker
    # plainly. The parent starts workers with both signals blocked; they are unblocked once set.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM))
    if parent is not None:
        _die_with_parent(parent)
    _keep_freed_memory()
    # Parallelism is across the workers: each runs the compiled kernel on one thread.
    os.environ["MYOKINE_KERNEL_THREADS"] = "1"
    _worker_shared = shared


def _call_with_shared(function: Callable, *task):
    return function(_worker_shared, *task)


class ProcessEvaluator:
    """Evaluate on ``workers`` local processes (``concurrent.futures``)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.place = f"{workers} processes"
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
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + WORKER_EXIT_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(WORKER_EXIT_S)
        # A worker stopped while sending a result leaves half a message, on which the pool's manager thread
        # would wait for ever (this process holds the pipe's write end too): closing that end ends the wait.
        writer = getattr(getattr(self._pool, "_result_queue", None), "_writer", None)
        if writer is not None:
            writer.close()
        manager = getattr(self._pool, "_executor_manager_thread", None)  # read first: shutdown() clears it
        self._pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            manager.join(WORKER_EXIT_S)
            # shutdown() has woken the manager; Python 3.11 wakes it again at exit without the pool's lock, which
            # races the manager closing that pipe ("Exception ignored ... Bad file descriptor" on a clean stop).
            getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)

    def run(self, function: Callable, shared: Any, tasks: Iterable[tuple]) -> Iterator:
        self._pool = ProcessPoolExecutor(self.workers, initializer=_start_worker, initargs=(shared, os.getpid()))
        with stop_signals_blocked():  # workers start (on the first submit) with Ctrl-C held back
            pending = {self._pool.submit(_call_with_shared, function, *task) for task in tasks}
        while pending:
            # Polling, not blocking: a stop signal whose exception was swallowed is still acted on.
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            raise_if_stopped()
            while done:
                yield done.pop().result()  # popped: a finished chunk is freed once handed on


class DaskEvaluator:
    """Evaluate on the Dask distributed cluster whose scheduler listens at ``address``."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("scheduler", address, f"needs Dask; install {install_hint('dask')}") from None
        self.address = address
        self.place = f"the Dask cluster at {address}"
        self._client_class = Client
        self._client = None

    def __enter__(self) -> Self:
        import gc

        failure = None
        try:
            self._client = self._client_class(self.address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            failure = str(error) or type(error).__name__
        if failure is None:
            return self
        # The half-made Client complains again from __del__ when collected; its reason is in our message already.
        hook = sys.unraisablehook
        sys.unraisablehook = lambda unraisable: None
        try:
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise InputError("scheduler", self.address, f"cannot reach a Dask scheduler there within "
                                                    f"{DASK_CONNECT_TIMEOUT_S} s: {failure}")

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
    if scheduler is not None:
        if not _DASK_ADDRESS.match(scheduler.strip()):
            raise InputError("scheduler", scheduler, "not a scheduler address; allowed: tcp://HOST:PORT (or "
                                                     "HOST:PORT, tls://, ws://, wss://, ucx://)")
        return DaskEvaluator(scheduler.strip())
    if workers > 1:
        return ProcessEvaluator(workers)
    return SequentialEvaluator()
