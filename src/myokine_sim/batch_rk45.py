"""Dormand-Prince 5(4) over a batch in which every member takes its own steps.

scipy's RK45 on a stacked batch shares one step size, so at every moment each
member steps as finely as the hardest one; with a varied population that costs
about eight times the right-hand-side evaluations the members need on their
own. Here every member keeps its own time, step size and error control, with
the coefficients and step-size rules of ``scipy.integrate.RK45`` (a member's
steps are those of its single run), and one vectorised right-hand side serves
all members still running. Finished members are dropped from the arrays as
they accumulate, so the batch shrinks towards the end of a segment. Stage sums
use ``einsum`` rather than BLAS: threaded BLAS on these thin products costs
more in thread hand-offs than the arithmetic (10x on two cores).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.integrate import RK45

#: Step-size control constants, as in scipy's Runge-Kutta solvers.
SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
ERROR_EXPONENT = -1.0 / (RK45.error_estimator_order + 1)
#: Drop finished members once they make up this fraction of the working arrays.
COMPACT_FRACTION = 0.125

#: ``rhs_for(members)`` returns dy/dt for those members: ``f(y[n_states, len(members)], out=None)``.
RhsFactory = Callable[[np.ndarray], Callable[..., np.ndarray]]


def compiled_rhs_for(compiled, P: Sequence, K: Sequence, U: Sequence) -> RhsFactory:
    """A right-hand-side factory over the generated batch function.

    ``P``, ``K`` and ``U`` hold floats (shared by the batch) or ``(batch,)``
    arrays; each bound function sees only its members' entries.
    """

    def bind(members: np.ndarray) -> Callable[..., np.ndarray]:
        def take(values: Sequence) -> list:
            return [v[members] if isinstance(v, np.ndarray) else v for v in values]

        P_, K_, U_ = take(P), take(K), take(U)
        rhs = compiled.batch_rhs

        def fun(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
            return rhs(y, P_, K_, U_, np.empty_like(y) if out is None else out)

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
    ``(n_states, batch, len(times))`` (a transposed view) from each member's dense output, the
    number of vectorised right-hand-side calls, and a mask of members whose
    step size fell below the minimum (their samples are NaN).
    """
    A, B, E, P = RK45.A, RK45.B, RK45.E, RK45.P
    n_states, batch = y0.shape
    n_stages = RK45.n_stages
    # Laid out as the solver's output, (n_states, times, batch): no transposing copy afterwards.
    samples = np.empty((n_states, len(times), batch))
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
    work = [np.empty((n_states, batch)) for _ in range(3)]  # reused per round: no allocations

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

        stage_y, y_new, scale = work
        stages[0] = f
        for s in range(1, n_stages):
            np.einsum("s,snb->nb", A[s, :s], stages[:s], out=stage_y)
            stage_y *= h
            stage_y += y
            fun(stage_y, out=stages[s])
        np.einsum("s,snb->nb", B, stages[:n_stages], out=y_new)
        y_new *= h
        y_new += y
        fun(y_new, out=stages[n_stages])
        calls += n_stages

        error = np.einsum("s,snb->nb", E, stages, out=stage_y)
        error *= h
        np.maximum(np.abs(y, out=scale), np.abs(y_new), out=scale)
        scale *= rtol
        scale += atol
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            error /= scale
            error = _rms(error)
            growth = SAFETY * error**ERROR_EXPONENT
        accepted = error < 1.0
        grow = np.where(error == 0.0, MAX_FACTOR, np.minimum(MAX_FACTOR, growth))
        grow = np.where(retrying, np.minimum(1.0, grow), grow)
        # fmax: a NaN error (non-finite derivative) shrinks the step until the member fails.
        h_abs = np.abs(h) * np.where(accepted, grow, np.fmax(MIN_FACTOR, growth))

        moved = accepted & ~finished
        _sample(samples, times, members, moved, t, t_new, h, y, stages, next_output, P)
        np.copyto(y, y_new, where=moved)
        np.copyto(f, stages[n_stages], where=moved)
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
            work = [np.empty((n_states, len(members))) for _ in range(3)]
            fun = rhs_for(members)

    samples[:, :, failed] = np.nan
    return samples.transpose(0, 2, 1), calls, failed


def _sample(samples, times, members, moved, t_old, t_new, h, y_old, stages, next_output, P) -> None:
    """Write the outputs each accepted step passed, from its dense-output polynomial."""
    due = moved & (next_output < len(times))
    due[due] = times[next_output[due]] <= t_new[due]
    which = np.nonzero(due)[0]
    if which.size == 0:
        return
    reached = np.searchsorted(times, t_new[which], side="right")
    counts = reached - next_output[which]
    column = np.repeat(np.arange(which.size), counts)
    local = which[column]
    first = np.repeat(np.cumsum(counts) - counts, counts)
    output = np.repeat(next_output[which], counts) + np.arange(column.size) - first
    x = (times[output] - t_old[local]) / h[local]
    n_states = y_old.shape[0]
    chosen = stages[:, :, which].reshape(len(stages), -1)
    Q = np.einsum("sj,sm->jm", P, chosen).reshape(P.shape[1], n_states, which.size)[:, :, column]
    poly = Q[3] * x + Q[2]  # Horner: y = y_old + h x (Q0 + Q1 x + Q2 x^2 + Q3 x^3)
    poly = poly * x + Q[1]
    poly = poly * x + Q[0]
    flat = samples.reshape(n_states, -1)
    flat[:, output * samples.shape[2] + members[local]] = y_old[:, local] + h[local] * x * poly
    next_output[which] = reached
