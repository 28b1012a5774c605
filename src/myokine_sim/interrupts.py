"""Ctrl-C and SIGTERM during long work: stop promptly and reliably, keeping finished work.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be,
including inside a finaliser or a weakref callback, where it is printed as
"Exception ignored" and lost. Inside ``stop_on_signals()`` the first SIGINT or
SIGTERM is also recorded, and loops call ``raise_if_stopped()`` between units
of work, so a lost exception is raised again at the next check.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from myokine_sim.errors import Terminated

#: Signals that stop the work: SIGINT raises KeyboardInterrupt, SIGTERM Terminated.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: list[int] = []  # the first stop signal of the active block, if any


def _exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated()


def _handler(signum, frame) -> None:
    if _received:  # a second Ctrl-C during cleanup must not cut the cleanup short
        return
    _received.append(signum)
    raise _exception(signum)


@contextlib.contextmanager
def _stop_handler(handler):
    """``handler`` for SIGINT and SIGTERM during the block, the previous handlers after it."""
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)


@contextlib.contextmanager
def stop_on_signals():
    """Record and raise SIGINT/SIGTERM for the block (only the main thread may install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    try:
        with _stop_handler(_handler):
            yield
    finally:
        _received.clear()


def raise_if_stopped() -> None:
    """Raise the stop signal's exception if one arrived (e.g. after its first raise was swallowed)."""
    if _received:
        raise _exception(_received[0])


@contextlib.contextmanager
def stop_signals_blocked():
    """Hold SIGINT/SIGTERM back for the block; processes started inside inherit the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a held-back signal is delivered now


@contextlib.contextmanager
def stop_deferred():
    """Let the block finish before SIGINT/SIGTERM acts: one that arrives meanwhile is raised again after it.

    Masking the signal is not enough here: the kernel hands a process-directed signal to any thread that does
    not block it (numpy's and numba's threads), and Python then raises it in the main thread at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    try:
        with _stop_handler(lambda signum, frame: arrived.append(signum)):
            yield
    finally:
        if arrived:
            signal.raise_signal(arrived[0])  # now handled as it would have been: raised, recorded or fatal
