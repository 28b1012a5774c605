"""The solver core: integrate a batch of parameter sets through a schedule.

States are laid out as a ``(n_states, batch)`` array and integrated segment by
segment, restarting exactly at every breakpoint (a step in intensity, an
infusion switching on or off, a bolus). A single run is a batch of one and
uses float arithmetic instead of NumPy, which is several times faster for one
parameter set.

Method. The Jacobian's eigenvalues span 0.8/min (oxygen-uptake kinetics;
IL-6 clearance and FFA turnover 0.3-0.7/min) down to 1.5e-4/min (glycogen
resynthesis): a stiffness ratio of ~5000. On a 600-min run an explicit
Runge-Kutta step is bound by stability (h < ~3.3/0.8 min), not by accuracy:
RK45 takes about as many steps at rtol 1e-5 as at 1e-6. So the default
``"auto"`` method integrates a single run with scipy's LSODA (stepped through
its public ``OdeSolver`` interface), which switches between Adams and BDF as the stiffness asks and
is the fastest of scipy's methods here. LSODA's dense Jacobian would be
(18 B)^2 for a batch, so batches use RK45 (``benchmarks/solver_methods.py``
measures the choice).

Batched RK45. Stacked into one ``solve_ivp`` call, a batch would share one
step size and every member would step at the pace of the hardest one.
``batch_rk45`` runs scipy's RK45 tableau and step-size rules with a step size
per member and one vectorised right-hand side per stage; each member's steps
are those of its own ``solve_ivp(method="RK45")`` run (the tests check this
to rounding). The other methods (``RK23``, ``BDF``, ``Radau``, ``LSODA``) go
through ``solve_ivp`` on the stacked batch; for RK23 the error norm is the
worst member's RMS error, so no member's error hides among the others.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.integrate import LSODA, RK23, solve_ivp

from myokine_sim import kernel as compiled_kernel
from myokine_sim.batch_rk45 import compiled_rhs_for, solve_members
from myokine_sim.errors import SimulationError
from myokine_sim.limits import TICKS_PER_MIN, TIME_RESOLUTION_MIN, to_ticks
from myokine_sim.model import Model
from myokine_sim.model.inputs import BOLUS_STATES
from myokine_sim.schedule import Schedule

#: Absolute tolerance as a fraction of each state's typical magnitude.
ATOL_FRACTION = 1e-6
#: Undershoots below -NEGATIVE_SLACK * (atol + rtol * |y|max) count as a solver failure.
NEGATIVE_SLACK = 100.0


@dataclass(frozen=True)
class SolverSettings:
    method: str = "auto"
    rtol: float = 1e-6
    atol_fraction: float = ATOL_FRACTION
    max_step_min: float = 30.0

    def as_dict(self) -> dict:
        return asdict(self)


def _per_member(base):
    """A Runge-Kutta class whose error norm is the worst member's RMS error."""

    class PerMember(base):
        def __init__(self, fun, t0, y0, t_bound, n_states=None, **options):
            self.n_states = n_states or len(y0)
            super().__init__(fun, t0, y0, t_bound, **options)

        def _estimate_error_norm(self, K, h, scale):
            scaled = (self._estimate_error(K, h) / scale).reshape(self.n_states, -1)
            return float(np.sqrt(np.max(np.mean(scaled * scaled, axis=0))))

    PerMember.__name__ = f"PerMember{base.__name__}"
    return PerMember


# Batched RK45 runs in batch_rk45 with a step size per member (see the module docstring).
_BATCHED_METHODS = {"RK23": _per_member(RK23)}
METHODS = ("auto", "RK45", "RK23", "BDF", "Radau", "LSODA")


def member_columns(matrix: np.ndarray, trailing_axes: int = 0) -> list:
    """Columns of a ``(members, n)`` matrix: a float where every member agrees, else an array.

    A value shared by the batch stays a float, which is cheaper in the generated
    code; ``trailing_axes`` appends singleton axes so arrays broadcast over time.
    """
    shape = (-1,) + (1,) * trailing_axes
    return [float(column[0]) if np.all(column == column[0]) else column.reshape(shape).copy() for column in matrix.T]


def resolved_method(method: str, batch: int) -> str:
    """The scipy method used for ``method`` and a batch of ``batch`` members."""
    if method == "auto":
        return "LSODA" if batch == 1 else "RK45"
    return method


@dataclass
class BatchSolution:
    """Trajectories of a batch: ``states[i, b, k]`` is state i of member b at ``time_min[k]``."""

    time_min: np.ndarray
    states: np.ndarray
    n_rhs_evaluations: int
    method: str


def output_times(schedule: Schedule, step_min: float) -> np.ndarray:
    """Regular samples from 0 to the end, plus every breakpoint.

    The grid is built in whole ticks (``limits.TIME_RESOLUTION_MIN``), as the
    schedule is, so a sample and a breakpoint at the same decimal time are the
    same float and never two samples an ulp apart.
    """
    t_end_ticks, step_ticks = to_ticks(schedule.t_end_min), to_ticks(step_min)
    if step_ticks < 1:
        raise ValueError(f"output step {step_min!r} min is below the time resolution {TIME_RESOLUTION_MIN:g} min")
    grid = np.arange(t_end_ticks // step_ticks + 1, dtype=np.int64) * step_ticks / TICKS_PER_MIN
    return np.unique(np.concatenate([grid[grid <= schedule.t_end_min], schedule.breakpoints]))


#: A batch at least this large is worth compiling the kernel for (a few seconds, once per model and machine).
KERNEL_COMPILE_MIN_MEMBERS = 256
#: Kernels: ``numba``, ``numpy`` or ``auto`` (environment ``MYOKINE_KERNEL``), see ``use_kernel``.
KERNELS = ("auto", "numba", "numpy")


def use_kernel(model: Model, method: str, batch: int, kernel: str | None = None) -> bool:
    """Whether a run uses the compiled kernel (``myokine_sim.kernel``, RK45) rather than NumPy or scipy.

    ``kernel`` (else ``$MYOKINE_KERNEL``, else ``auto``): ``numpy`` never, ``numba`` always (RK45 and
    ``auto`` only), ``auto`` when numba is installed and
    - a batch (two or more members, ``auto`` or ``RK45``): the kernel is compiled already (numba's cache
      on disk) or the batch has ``KERNEL_COMPILE_MIN_MEMBERS`` members (worth compiling);
    Single runs keep LSODA: importing numba (0.25-0.4 s) costs more than a run of up to a week takes
    (``benchmarks/long_run.py``), and LSODA, stiff-aware, keeps a resting run flatter than RK45 does.
    """
    choice = kernel or os.environ.get("MYOKINE_KERNEL", "auto")
    if choice not in KERNELS:
        raise ValueError(f"unknown kernel {choice!r}; allowed: {', '.join(KERNELS)}")
    if choice == "numpy" or method not in ("auto", "RK45"):
        return False
    if choice == "numba":
        if not compiled_kernel.available():
            raise ValueError("the numba kernel needs numba: pip install 'myokine_sim[fast]'")
        return True
    if compiled_kernel.broken(model.compiled.source):
        return False
    if batch < 2:
        return False
    if not compiled_kernel.available():
        return False
    return batch >= KERNEL_COMPILE_MIN_MEMBERS or compiled_kernel.kernel_file(model.compiled.source).ready


def prepare_kernel(model: Model, method: str, batch: int) -> None:
    """Compile (or load) the kernel before worker processes fork, if batches of ``batch`` will use it.

    Forked workers inherit the loaded module; otherwise each would compile it at once on first use.
    Runs one thread only: a thread pool started before a fork is not the children's to use.
    """
    if not use_kernel(model, method, batch):
        return
    if compiled_kernel.kernel_file(model.compiled.source).ready:
        compiled_kernel.load(model.compiled.source)
        return
    schedule = Schedule((), (), (), 1.0)
    members = np.tile(np.asarray(model.default_values(), dtype=float), (2, 1))
    _integrate_compiled(model, members, [schedule], True, np.array([0.0, 1.0]), SolverSettings(), threads=1)


def kernel_threads() -> int:
    """Threads the kernel runs members on: ``$MYOKINE_KERNEL_THREADS``, else the CPUs this process may use."""
    configured = os.environ.get("MYOKINE_KERNEL_THREADS")
    if configured:
        return max(1, int(configured))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def integrate(
    model: Model,
    parameters: np.ndarray,
    schedules: Schedule | Sequence[Schedule],
    times: np.ndarray,
    settings: SolverSettings = SolverSettings(),
    kernel: str | None = None,
) -> BatchSolution:
    """Integrate ``parameters`` (shape ``(batch, n_parameters)``) from rest.

    ``schedules`` is one schedule shared by the batch or one per member. In
    NumPy the solver stops at the union of their breakpoints; in the compiled
    kernel (``use_kernel``) each member stops at its own. ``times`` are the
    output samples; they must include 0 and lie within the schedules' end
    time. ``times`` may also be ``(batch, T)``: each member's own sorted
    samples (compiled kernel only; pad a short row with the end time).
    """
    parameters = np.atleast_2d(np.asarray(parameters, dtype=float))
    batch, n_params = parameters.shape
    if n_params != len(model.parameters):
        raise ValueError(f"expected {len(model.parameters)} parameters per member, got {n_params}")
    if settings.method not in METHODS:
        raise ValueError(f"unknown method {settings.method!r}; allowed: {', '.join(METHODS)}")
    shared = isinstance(schedules, Schedule)
    schedule_list: list[Schedule] = [schedules] if shared else list(schedules)
    if not shared and len(schedule_list) != batch:
        raise ValueError("give one schedule, or one per member")
    t_end = max(s.t_end_min for s in schedule_list)
    if any(s.t_end_min != t_end for s in schedule_list):
        raise ValueError("all schedules of a batch must end at the same time")

    method = resolved_method(settings.method, batch)
    times = np.asarray(times, dtype=float)
    if use_kernel(model, settings.method, batch, kernel) or times.ndim == 2:
        try:
            return _integrate_compiled(model, parameters, schedule_list, shared, times, settings)
        except compiled_kernel.KernelUnavailable as error:
            if (kernel or os.environ.get("MYOKINE_KERNEL")) == "numba" or times.ndim == 2:
                raise
            # The NumPy path runs whatever the generated code runs: the same results, only slower.
            warnings.warn(f"{error}; using the NumPy path", RuntimeWarning, stacklevel=2)
    compiled = model.compiled
    n_states = len(model.states)
    single = batch == 1

    # A parameter shared by all members stays a float: cheaper than an array.
    if single:
        P: list = [float(v) for v in parameters[0]]
        K = compiled.constants(P)
        y = np.array(compiled.rest(P, K), dtype=float).reshape(n_states, 1)
    else:
        P = member_columns(parameters)
        K = compiled.batch_constants(P)
        rest = compiled.batch_rest(P, K)
        y = np.empty((n_states, batch))
        for i, value in enumerate(rest):
            y[i] = value

    scales = np.array([s.scale for s in model.states])
    atol = np.repeat(settings.atol_fraction * scales, batch)
    bolus_rows = {kind: model.state_index[state] for kind, state in BOLUS_STATES.items()}
    breakpoints = sorted({t for s in schedule_list for t in s.breakpoints})

    out = np.empty((n_states, len(times), batch))
    evaluations = 0
    times = np.asarray(times, dtype=float)

    for start, end in zip(breakpoints, breakpoints[1:]):
        # Boluses act at the start of their segment: the output there is post-dose.
        for member, schedule in enumerate(schedule_list):
            for bolus in schedule.boluses:
                if bolus.time_min == start:
                    target = slice(None) if shared else member
                    y[bolus_rows[bolus.kind], target] += bolus.amount
        inputs = _inputs_for(schedule_list, start, single, shared, batch)
        inside = np.nonzero((times >= start) & (times <= end))[0]
        # Always stop at ``end`` itself: the next segment starts from that state.
        segment_times = np.union1d(times[inside], [end])
        try:
            sampled, calls = _integrate_segment(model, method, single, batch, n_states, compiled, P, K, inputs, y,
                                                start, end, segment_times, settings, atol)
        except SimulationError:
            raise
        except (ValueError, ArithmeticError, RuntimeError) as error:
            # SciPy's own failures (e.g. LSODA's "Unexpected istate") are the solver failing, not a bug here.
            raise SimulationError(f"the solver failed between {start:g} and {end:g} min ({method}): {error}",
                                  member=0 if single else None) from None
        evaluations += calls
        _check_finite_and_positive(model, sampled, atol.reshape(n_states, batch), settings.rtol, start, end)
        np.maximum(sampled, 0.0, out=sampled)
        y = sampled[:, :, -1].copy()
        # segment_times is times[inside], plus ``end`` at the back when it is not an output: a slice, not a copy.
        out[:, inside, :] = np.moveaxis(sampled[:, :, :len(inside)], 2, 1)

    # Boluses exactly at the end change the final sample only.
    for member, schedule in enumerate(schedule_list):
        for bolus in schedule.final_boluses():
            target = slice(None) if shared else member
            out[bolus_rows[bolus.kind], -1, target] += bolus.amount
    return BatchSolution(
        time_min=times, states=np.moveaxis(out, 2, 1), n_rhs_evaluations=evaluations, method=method
    )


def _member_segments(model: Model, schedule_list: list[Schedule], batch: int):
    """Each member's breakpoints, segment inputs and bolus jumps, padded to the longest schedule."""
    by_schedule: dict[int, tuple] = {}
    for schedule in schedule_list:
        if id(schedule) in by_schedule:
            continue
        points = schedule.breakpoints
        jumps = np.zeros((len(points) - 1, len(model.states)))
        for bolus in schedule.boluses:
            if bolus.time_min in points[:-1]:
                jumps[points.index(bolus.time_min), model.state_index[BOLUS_STATES[bolus.kind]]] += bolus.amount
        inputs = np.array([schedule.inputs_at(start) for start in points[:-1]], dtype=float)
        by_schedule[id(schedule)] = (np.array(points), inputs.reshape(len(points) - 1, len(model.inputs)), jumps)
    most = max(len(points) - 1 for points, _, _ in by_schedule.values())
    breakpoints = np.empty((batch, most + 1))
    n_segments = np.empty(batch, dtype=np.int64)
    inputs = np.zeros((batch, most, len(model.inputs)))
    jumps = np.zeros((batch, most, len(model.states)))
    members = range(batch) if len(schedule_list) == batch else [slice(None)]
    for member, schedule in zip(members, schedule_list):
        points, values, bolus_jumps = by_schedule[id(schedule)]
        count = len(points) - 1
        breakpoints[member, :count + 1] = points
        breakpoints[member, count + 1:] = points[-1]
        n_segments[member] = count
        inputs[member, :count] = values
        jumps[member, :count] = bolus_jumps
    return breakpoints, n_segments, inputs, jumps


def _member_matrix(values: list, batch: int) -> np.ndarray:
    """``(batch, len(values))`` from generated-code results (floats shared by the batch, or arrays)."""
    matrix = np.empty((batch, len(values)))
    for column, value in enumerate(values):
        matrix[:, column] = value
    return matrix


def _kernel_arguments(model, parameters, schedule_list):
    """Constants, resting states and each member's segments, as the kernel takes them."""
    batch = len(parameters)
    compiled = model.compiled
    columns = member_columns(parameters)
    constants = compiled.batch_constants(columns)
    K = _member_matrix(constants, batch)
    Y0 = _member_matrix(compiled.batch_rest(columns, constants), batch)
    return (K, Y0, *_member_segments(model, schedule_list, batch))


def _kernel_failure(model, status, bad_state, bad_value, t_end) -> SimulationError:
    """The error naming the first member the kernel could not integrate (or whose run failed its checks)."""
    member = int(np.argmax(status != compiled_kernel.OK))
    code = int(status[member])
    reason = compiled_kernel.STATUS_REASONS[code]
    if code in (compiled_kernel.NON_FINITE, compiled_kernel.NEGATIVE):
        state = model.state_names[int(bad_state[member])]
        value = f" ({bad_value[member]:.3g})" if code == compiled_kernel.NEGATIVE else ""
        detail = f"state {state} {reason}{value} between 0 and {t_end:g} min"
        message = f"state {state} of member {member} {reason}{value} between 0 and {t_end:g} min"
    else:
        detail = f"{reason} between 0 and {t_end:g} min"
        message = f"the solver failed between 0 and {t_end:g} min (RK45, compiled): member {member} {reason}"
    return SimulationError(message, member=member, detail=detail)


@dataclass
class BatchSummaries:
    """Metrics of a batch integrated and summarised in the compiled kernel, without its trajectories.

    ``metrics[column][metric]`` is ``(members,)``; ``kept[name]`` is ``(T, members)`` for the kept states;
    ``failures`` maps a failed member to its reason (its metrics are NaN).
    """

    metrics: dict[str, dict[str, np.ndarray]]
    kept: dict[str, np.ndarray]
    failures: dict[int, str]


def integrate_summaries(model: Model, parameters: np.ndarray, schedules: Schedule | Sequence[Schedule],
                        times: np.ndarray, settings: SolverSettings, columns: Sequence[str], inputs: np.ndarray,
                        kept_states: Sequence[str] = ()) -> BatchSummaries:
    """Integrate a batch in the compiled kernel and return ``results.column_metrics`` of ``columns`` per member.

    Each member's samples live only in a per-member buffer: no ``(members, T, n_states)`` array. ``times``
    are shared ``(T,)`` or each member's own ``(members, T)`` (as ``integrate``); ``inputs`` is
    ``(n_inputs, T, 1 or members)`` at those times; ``kept_states`` are returned whole, ``(T, members)``.
    Members that fail are reported in ``failures``, the others complete. Schedules with a bolus exactly at the
    end (which changes only the last sample) are not supported here: use ``integrate``.
    """
    from myokine_sim.results import METRICS

    parameters = np.atleast_2d(np.asarray(parameters, dtype=float))
    batch = len(parameters)
    schedule_list = [schedules] if isinstance(schedules, Schedule) else list(schedules)
    if any(schedule.final_boluses() for schedule in schedule_list):
        raise ValueError("a bolus at the end time changes the last sample only: use integrate()")
    K, Y0, breakpoints, n_segments, segment_inputs, jumps = _kernel_arguments(model, parameters, schedule_list)
    atol = settings.atol_fraction * np.array([s.scale for s in model.states])
    positions = {name: i for i, name in enumerate((*model.state_names, *model.input_names, *model.variables))}
    column_index = np.array([positions[name] for name in columns], dtype=np.int64)
    kept_index = np.array([model.state_index[name] for name in kept_states], dtype=np.int64)
    threads = kernel_threads() if batch > 1 else 1
    run = compiled_kernel.run_summaries(
        model.compiled.source, parameters, K, Y0, breakpoints, n_segments, segment_inputs, jumps,
        np.atleast_2d(np.asarray(times, dtype=float)), settings.rtol, atol, settings.max_step_min,
        MAX_STEPS_PER_SEGMENT, NEGATIVE_SLACK, inputs, column_index, kept_index, threads=threads)
    failures = {}
    t_end = schedule_list[0].t_end_min
    for member in np.nonzero(run.status != compiled_kernel.OK)[0]:
        single = np.zeros_like(run.status)
        single[member] = run.status[member]
        failures[int(member)] = _kernel_failure(model, single, run.bad_state, run.bad_value, t_end).detail
    metrics = {name: dict(zip(METRICS, run.metrics[c])) for c, name in enumerate(columns)}
    kept = {name: run.kept[:, :, j].T for j, name in enumerate(kept_states)}
    return BatchSummaries(metrics, kept, failures)


def _integrate_compiled(model, parameters, schedule_list, shared, times, settings, threads=None) -> BatchSolution:
    """The whole batch in the compiled kernel: each member through its own breakpoints, in one call."""
    batch = len(parameters)
    compiled = model.compiled
    K, Y0, breakpoints, n_segments, inputs, jumps = _kernel_arguments(model, parameters, schedule_list)
    scales = np.array([s.scale for s in model.states])
    atol = settings.atol_fraction * scales
    sample_times = times.reshape(1, -1) if times.ndim == 1 else times
    run = compiled_kernel.run(
        compiled.source, parameters, K, Y0, breakpoints, n_segments, inputs, jumps, sample_times, settings.rtol,
        atol, settings.max_step_min, MAX_STEPS_PER_SEGMENT, NEGATIVE_SLACK,
        threads=threads or (kernel_threads() if batch > 1 else 1))
    t_end = schedule_list[0].t_end_min
    if np.any(run.status != compiled_kernel.OK):
        # The kernel checks each member's whole run (finite; no undershoot beyond NEGATIVE_SLACK tolerances).
        raise _kernel_failure(model, run.status, run.bad_state, run.bad_value, t_end)
    states = run.states.transpose(2, 0, 1)  # (n_states, batch, times), as the NumPy path returns it: a view
    bolus_rows = {kind: model.state_index[state] for kind, state in BOLUS_STATES.items()}
    # Boluses exactly at the end change the samples at the end only (a padded row repeats the end time).
    at_end = sample_times == t_end
    for member, schedule in enumerate(schedule_list):
        for bolus in schedule.final_boluses():
            target = slice(None) if shared else member
            ends = at_end[0] if len(at_end) == 1 else at_end[member]
            states[bolus_rows[bolus.kind], target, ends] += bolus.amount
    return BatchSolution(time_min=times, states=states, n_rhs_evaluations=int(run.calls.max()), method="RK45")


#: Steps one segment may take before the run counts as failed (a guard against a solver that stops advancing).
MAX_STEPS_PER_SEGMENT = 500_000


def _lsoda_single(fun, start, end, y0, sample_times, settings, atol):
    """One member through scipy's LSODA, sampled from its own dense output (public API only).

    ``solve_ivp(t_eval=...)`` builds a dense-output object at nearly every step;
    here one is built only for a step that covers output samples, and all of
    that step's samples are evaluated at once: the same interpolant, so the
    same numbers.
    """
    solver = LSODA(fun, start, y0, end, rtol=settings.rtol, atol=atol, max_step=settings.max_step_min)
    sampled = np.empty((y0.size, len(sample_times)))
    at_start = sample_times <= start
    sampled[:, at_start] = y0[:, None]
    next_sample = int(np.count_nonzero(at_start))
    steps = 0
    while solver.status == "running":
        message = solver.step()
        steps += 1
        if solver.status == "failed":
            raise SimulationError(f"the solver failed between {start:g} and {end:g} min (LSODA): {message}",
                                  member=0, detail=f"the solver failed between {start:g} and {end:g} min: {message}")
        if steps > MAX_STEPS_PER_SEGMENT:
            raise SimulationError(f"the solver took more than {MAX_STEPS_PER_SEGMENT} steps between {start:g} and "
                                  f"{end:g} min (LSODA)", member=0)
        if solver.status == "finished":
            covered = len(sample_times)
        else:
            covered = int(np.searchsorted(sample_times, solver.t, side="right"))
        if covered > next_sample:
            sampled[:, next_sample:covered] = solver.dense_output()(sample_times[next_sample:covered])
            next_sample = covered
    return sampled, solver.nfev


def _integrate_segment(model, method, single, batch, n_states, compiled, P, K, inputs, y, start, end, segment_times,
                       settings, atol):
    """States ``(n_states, batch, len(segment_times))`` over one segment and the right-hand-side calls."""
    if method == "RK45" and not single:
        sampled, calls, failed = solve_members(
            compiled_rhs_for(compiled, P, K, inputs), y, start, end, segment_times,
            settings.rtol, atol.reshape(n_states, batch)[:, :1], settings.max_step_min,
        )
        if failed.any():
            member = int(np.argmax(failed))
            detail = f"needed a step below the smallest allowed between {start:g} and {end:g} min"
            raise SimulationError(f"the solver failed between {start:g} and {end:g} min (RK45): member {member} "
                                  "needed a step below the smallest allowed", member=member, detail=detail)
    elif method == "LSODA" and single:
        fun = _rhs(compiled, P, K, inputs, n_states, batch, single)
        sampled, calls = _lsoda_single(fun, start, end, y.ravel(), segment_times, settings, atol)
        sampled = sampled.reshape(n_states, 1, -1)
    else:
        fun = _rhs(compiled, P, K, inputs, n_states, batch, single)
        solver_options = {"method": method, "rtol": settings.rtol, "atol": atol,
                          "max_step": settings.max_step_min}
        if method in _BATCHED_METHODS:
            solver_options["method"] = _BATCHED_METHODS[method]
            solver_options["n_states"] = n_states
        solution = solve_ivp(fun, (start, end), y.ravel(), t_eval=segment_times, **solver_options)
        calls = solution.nfev
        if solution.status != 0:
            raise SimulationError(
                f"the solver failed between {start:g} and {end:g} min ({method}): {solution.message}",
                member=0 if single else None)
        sampled = solution.y.reshape(n_states, batch, -1)
    return sampled, calls


def _inputs_for(schedules, start, single, shared, batch):
    if shared or single:
        return [float(v) for v in schedules[0].inputs_at(start)]
    return member_columns(np.array([s.inputs_at(start) for s in schedules], dtype=float))


def _rhs(compiled, P, K, U, n_states, batch, single):
    if single:
        rhs = compiled.rhs
        buffer = [0.0] * n_states

        def fun(t, y):
            return np.array(rhs(y.tolist(), P, K, U, buffer))

        return fun

    rhs = compiled.batch_rhs
    shape = (n_states, batch)

    def fun(t, y):
        derivative = np.empty(shape)
        rhs(y.reshape(shape), P, K, U, derivative)
        return derivative.reshape(-1)

    return fun


def _check_finite_and_positive(model, sampled, atol, rtol, start, end):
    if not np.all(np.isfinite(sampled)):
        bad = np.argwhere(~np.isfinite(sampled))[0]
        detail = f"state {model.state_names[bad[0]]} became non-finite between {start:g} and {end:g} min"
        raise SimulationError(
            f"state {model.state_names[bad[0]]} of member {bad[1]} became non-finite "
            f"between {start:g} and {end:g} min", member=int(bad[1]), detail=detail
        )
    # Decays towards zero may undershoot by a few tolerances of the decaying value.
    magnitude = np.max(np.abs(sampled), axis=2, keepdims=True)
    floor = -NEGATIVE_SLACK * (atol[:, :, None] + rtol * magnitude)
    if np.any(sampled < floor):
        bad = np.argwhere(sampled < floor)[0]
        detail = (f"state {model.state_names[bad[0]]} went negative ({sampled[tuple(bad)]:.3g}) between {start:g} "
                  f"and {end:g} min")
        raise SimulationError(
            f"state {model.state_names[bad[0]]} of member {bad[1]} went negative "
            f"({sampled[tuple(bad)]:.3g}) between {start:g} and {end:g} min", member=int(bad[1]), detail=detail
        )
