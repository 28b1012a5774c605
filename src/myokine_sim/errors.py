"""Errors users can act on. The CLI maps ``InputError`` to exit code 2."""

from __future__ import annotations


class MyokineError(Exception):
    """Base class of the package's own errors."""


class InputError(MyokineError, ValueError):
    """Bad input: names the source, the field and what is allowed."""

    def __init__(self, source: str, field: str | None, problem: str):
        self.source = source
        self.field = field
        self.problem = problem
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")


class SimulationError(MyokineError, RuntimeError):
    """The solver could not integrate the model; never hidden as NaN.

    ``member`` is the failing member's position in the integrated batch (None
    when unknown) and ``detail`` the reason without it, so a sweep can name
    the member by its own number.
    """

    def __init__(self, message: str, member: int | None = None, detail: str | None = None):
        super().__init__(message)
        self.member = member
        self.detail = detail or message


class Terminated(BaseException):
    """SIGTERM arrived: stop like Ctrl-C, keeping finished work (a BaseException, like KeyboardInterrupt)."""
