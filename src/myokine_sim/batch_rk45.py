"""Dormand-Prince 5(4) over a batch in which every member takes its own steps.

scipy's RK45 on a stacked batch shares one step size, so at every moment each
member steps as finely as the hardest one; with a varied population that costs
about eight times the right-hand-side evaluations the members need on their
own. Here every member keeps its own time, step size and error control, with
the coefficients and step-size rules of ``scipy.integrate.RK45`` (a member's
steps are those of its single run), and one vectorised right-hand side serves
all members still running. Finished members are dropped from the arrays as
they accumulate, so the batch shrinks towards the end of a segment.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from scipy.integrate import RK45

#: Step-size control constants, as in scipy's Runge-Kutta solvers.
SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
ERROR_EXPONENT = -1.0 / (RK45.error_estimator_order + 1)
#: Drop finished members once they make up this fraction of the working arrays.
COMPACT_FRACTION = 0.125

#: ``rhs_for(members)`` returns dy/dt for those members: ``f(y[n_states, len(members)])``.
RhsFactory = Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]]


def compiled_rhs_for(compiled, P: Sequence, K: Sequence, U: Sequence) -> RhsFactory:
    """A right-hand-side factory over the generated batch function.

    ``P``, ``K`` and ``U`` hold floats (shared by the batch) or ``(batch,)``
    arrays; each bound function sees only its members' entries.
    """

    def bind(members: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        def take(values: Sequence) -> list:
            return [v[members] if isinstance(v, np.ndarray) else v for v in values]

        P_, K_, U_ = take(P), take(K), take(U)
        rhs = compiled.batch_rhs

        def fun(y: np.ndarray) -> np.ndarray:
            return rhs(y, P_, K_, U_, np.empty_like(y))

        return fun

    return bind


def _rms(scaled: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean(scaled * scaled, axis=0))


def _initial_step(fun, y0, f0, interval: float, max_step: float, rtol: float, atol: np.ndarray):
    """scipy's ``select_initial_step`` (Hairer, Norsett & Wanner II.4), per member."""
    scale = atol + np.abs(y0) * rtol
    d0 = _rms(y0 / scale)
    d1 = _rms(f0 / scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        h0 = np.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / d1)
        h0 = np.minimum(h0, interval)
        f1 = fun(y0 + h0 * f0)
        d2 = _rms((f1 - f0) / scale) / h0
        flat = (d1 <= 1e-15) & (d2 <= 1e-15)
        h1 = np.where(flat, np.maximum(1e-6, h0 * 1e-3), (0.01 / np.maximum(d1, d2)) ** (-ERROR_EXPONENT))
    h = np.minimum(np.minimum(100.0 * h0, h1), min(interval, max_step))
    # A member whose derivative is not finite starts at the minimum step and fails there.
    return np.where(np.isfinite(h), h, 0.0)


def solve_members(
    rhs_for: RhsFactory,
    y0: np.ndarray,
    t_start: float,
    t_end: float,
    times: np.ndarray,
    rtol: float,
    atol: np.ndarray,
    max_step: float,
) -> tuple[np.ndarray, int, np.ndarray]:
    """Integrate ``y0`` (``(n_states, batch)``) from ``t_start`` to ``t_end``.

    ``times`` are sorted output samples within the interval, ending at
    ``t_end``; ``atol`` is ``(n_states, 1)``. Returns the samples
    ``(n_states, batch, len(times))`` from each member's dense output, the
    number of vectorised right-hand-side calls, and a mask of members whose
    step size fell below the minimum (their samples are NaN).
    """
    A, B, E, P = RK45.A, RK45.B, RK45.E, RK45.P
    n_states, batch = y0.shape
    n_stages = RK45.n_stages
    samples = np.full((n_states, batch, len(times)), np.nan)
    failed = np.zeros(batch, dtype=bool)

    members = np.arange(batch)  # batch index of each working column
    fun = rhs_for(members)
    y = y0.copy()
    f = fun(y)
    h_abs = _initial_step(fun, y, f, t_end - t_start, max_step, rtol, atol)
    calls = 2
    t = np.full(batch, float(t_start))
    next_output = np.zeros(batch, dtype=np.intp)
    retrying = np.zeros(batch, dtype=bool)  # the last attempt was rejected
    finished = np.zeros(batch, dtype=bool)
    stages = np.empty((n_stages + 1, n_states, batch))

    while True:
        min_step = 10.0 * np.abs(np.nextafter(t, np.inf) - t)
        # A new step starts within [min_step, max_step]; a retry must not fall below min_step.
        h_abs = np.where(retrying, h_abs, np.minimum(np.maximum(h_abs, min_step), max_step))
        too_small = retrying & (h_abs < min_step)
        if too_small.any():
            failed[members[too_small]] = True
            finished |= too_small
        t_new = np.minimum(t + h_abs, t_end)
        h = np.where(finished, 0.0, t_new - t)

        stages[0] = f
        for s in range(1, n_stages):
            stages[s] = fun(y + h * np.tensordot(A[s, :s], stages[:s], axes=1))
        y_new = y + h * np.tensordot(B, stages[:n_stages], axes=1)
        f_new = fun(y_new)
        stages[n_stages] = f_new
        calls += n_stages

        scale = atol + np.maximum(np.abs(y), np.abs(y_new)) * rtol
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            error = _rms(h * np.tensordot(E, stages, axes=1) / scale)
            growth = SAFETY * error**ERROR_EXPONENT
        accepted = error < 1.0
        grow = np.where(error == 0.0, MAX_FACTOR, np.minimum(MAX_FACTOR, growth))
        grow = np.where(retrying, np.minimum(1.0, grow), grow)
        # fmax: a NaN error (non-finite derivative) shrinks the step until the member fails.
        h_abs = np.abs(h) * np.where(accepted, grow, np.fmax(MIN_FACTOR, growth))

        moved = accepted & ~finished
        _sample(samples, times, members, moved, t, t_new, h, y, stages, next_output, P)
        y = np.where(moved, y_new, y)
        f = np.where(moved, f_new, f)
        t = np.where(moved, t_new, t)  # t_new, not t + h: the last step lands exactly on t_end
        retrying = ~accepted
        finished |= accepted & (t >= t_end)

        done = int(finished.sum())
        if done == len(members):
            break
        if done >= COMPACT_FRACTION * len(members):
            keep = ~finished
            members, y, f, t, h_abs = members[keep], y[:, keep], f[:, keep], t[keep], h_abs[keep]
            next_output, retrying = next_output[keep], retrying[keep]
            finished = np.zeros(len(members), dtype=bool)
            stages = np.empty((n_stages + 1, n_states, len(members)))
            fun = rhs_for(members)

    samples[:, failed, :] = np.nan
    return samples, calls, failed


def _sample(samples, times, members, moved, t_old, t_new, h, y_old, stages, next_output, P) -> None:
    """Write the outputs each accepted step passed, from its dense-output polynomial."""
    reached = np.searchsorted(times, t_new, side="right")
    which = np.nonzero(moved & (reached > next_output))[0]
    if which.size == 0:
        return
    counts = reached[which] - next_output[which]
    column = np.repeat(np.arange(which.size), counts)
    local = which[column]
    first = np.repeat(np.cumsum(counts) - counts, counts)
    output = np.repeat(next_output[which], counts) + np.arange(column.size) - first
    x = (times[output] - t_old[local]) / h[local]
    Q = np.einsum("snb,sj->jnb", stages[:, :, which], P)  # polynomial coefficients in x
    poly = Q[3][:, column]
    for j in (2, 1, 0):
        poly = poly * x + Q[j][:, column]
    samples[:, members[local], output] = y_old[:, local] + h[local] * poly * x
    next_output[which] = reached[which]
