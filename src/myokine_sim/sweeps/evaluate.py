"""Evaluate one chunk of members: build their inputs, integrate in batches, summarise.

This is the function evaluators run (in this process, in worker processes or
on Dask workers). Members whose schedules share breakpoints integrate as one
batch through ``solver.integrate``; the summary metrics are computed on the
whole batch at once. A member the solver cannot integrate is found by
bisecting its batch and is marked with the reason; the others complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from pydantic import ValidationError

from myokine_sim.errors import InputError, SimulationError
from myokine_sim.model import Model, build_model
from myokine_sim.results import METRICS
from myokine_sim.scenario import Scenario, check_size
from myokine_sim.schedule import Schedule, ScheduleError
from myokine_sim.simulation import observe_columns, schedule_inputs
from myokine_sim.solver import SolverSettings, integrate, integrate_summaries, member_columns, use_kernel
from myokine_sim.sweeps import bands
from myokine_sim.sweeps.space import Space

OK = "ok"
#: Output samples observed at once: bounds the memory of the algebraic variables of a chunk.
OBSERVE_BLOCK = 64


@dataclass(frozen=True)
class SweepContext:
    """What every chunk needs besides its members' values (the same for all chunks)."""

    scenario: Scenario  # with its end time fixed for all members
    space: Space
    base_vector: np.ndarray  # parameter values of the scenario, model order
    times: np.ndarray  # the common output samples
    settings: SolverSettings
    columns: tuple[str, ...]  # timeseries columns summarised by metrics
    trajectory_columns: tuple[str, ...] = ()
    band_columns: tuple[str, ...] = ()

    @property
    def metric_names(self) -> list[str]:
        return [f"{metric}.{column}" for column in self.columns for metric in METRICS]


@dataclass
class ChunkResult:
    """Per-member results of one chunk, in member order."""

    index: int
    status: np.ndarray  # "ok" or the reason the member failed
    metrics: dict[str, np.ndarray]
    trajectories: dict[str, np.ndarray] = field(default_factory=dict)  # (members, samples)
    band_counts: dict[str, np.ndarray] = field(default_factory=dict)  # (samples, bins)


def evaluate_chunk(context: SweepContext, index: int, values: np.ndarray, first_member: int = 0) -> ChunkResult:
    """Evaluate members ``values`` ``(members, len(space))`` of chunk ``index``.

    ``first_member`` is the sweep's number of the chunk's first member: failure
    reasons name members by that number.
    """
    from myokine_sim.kernel import KernelUnavailable

    try:
        return _evaluate_chunk(context, index, values, first_member)
    except KernelUnavailable:
        # The model's kernel does not compile: it is now marked so, and the chunk runs on the NumPy path.
        return _evaluate_chunk(context, index, values, first_member)


def _evaluate_chunk(context: SweepContext, index: int, values: np.ndarray, first_member: int) -> ChunkResult:
    model = build_model()
    count = len(values)
    status = np.full(count, OK, dtype=object)
    parameters = np.tile(context.base_vector, (count, 1))
    for column, variable in enumerate(context.space.variables):
        if variable.kind == "parameter":
            parameters[:, variable.target] = values[:, column]
    schedules = _member_schedules(context, values, status)

    n_samples = len(context.times)
    metrics = {name: np.full(count, np.nan) for name in context.metric_names}
    trajectories = {name: np.full((count, n_samples), np.nan) for name in context.trajectory_columns}
    band_counts = {name: np.zeros((n_samples, len(bands.EDGES) - 1), dtype=bands.count_dtype(count))
                   for name in context.band_columns}

    groups = _groups(schedules, status)
    valid = sum(len(members) for members in groups)
    if len(groups) > 1 and use_kernel(model, context.settings.method, valid):
        # The compiled kernel stops each member at its own breakpoints: one batch, each member with its own samples.
        groups = [np.sort(np.concatenate(groups))]
    # Failing members only produce NaN and a status; numpy's warnings about them would be noise.
    with np.errstate(all="ignore"):
        for members in groups:
            shared = schedules[members[0]] if all(schedules[m] is schedules[members[0]] for m in members) else None
            own_breakpoints = len({tuple(schedules[m].breakpoints) for m in members}) > 1
            if own_breakpoints:
                _evaluate_own_breakpoints(context, model, parameters, schedules, members, status, first_member,
                                          metrics, trajectories, band_counts)
                continue
            group_schedules = shared or [schedules[m] for m in members]
            breakpoints = (shared or group_schedules[0]).breakpoints
            times = np.union1d(context.times, breakpoints)
            if use_kernel(model, context.settings.method, len(members)) and _fusable(context, model, group_schedules):
                _evaluate_in_kernel(context, model, parameters, members, shared, group_schedules, times, status,
                                    first_member, metrics, trajectories, band_counts)
                continue
            states, good = _integrate_marking_failures(model, parameters, members, group_schedules, times,
                                                       context.settings, status, first_member)
            if good.size == 0:
                continue
            rows = members[good]
            if good.size < len(members):
                states = states[:, :, good]
            inputs = _inputs(model, shared, None if shared else [group_schedules[p] for p in good], times)
            summaries = _summarise(context, model, parameters[rows], states, inputs, times, trajectories, rows,
                                   band_counts, compiled=use_kernel(model, context.settings.method, len(rows)))
            for column, summary in summaries.items():
                for metric, value in summary.items():
                    metrics[f"{metric}.{column}"][rows] = value
    return ChunkResult(index, status.astype(str), metrics, trajectories, band_counts)


def _fusable(context: SweepContext, model: Model, schedules) -> bool:
    """Whether the kernel can summarise while it integrates: trajectories and bands of states only, no end bolus."""
    wanted = (*context.trajectory_columns, *context.band_columns)
    listed = [schedules] if isinstance(schedules, Schedule) else schedules
    return all(name in model.state_index for name in wanted) and not any(s.final_boluses() for s in listed)


def _evaluate_in_kernel(context: SweepContext, model: Model, parameters: np.ndarray, members: np.ndarray,
                        shared: Schedule | None, schedules, times: np.ndarray, status: np.ndarray, first_member: int,
                        metrics: dict, trajectories: dict, band_counts: dict) -> None:
    """A batch integrated and summarised member by member in the compiled kernel (no trajectories array)."""
    inputs = np.stack(_inputs(model, shared, None if shared else schedules, times))
    kept_names = tuple(dict.fromkeys((*context.trajectory_columns, *context.band_columns)))
    summaries = integrate_summaries(model, parameters[members], schedules, times, context.settings, context.columns,
                                    inputs, kept_names)
    good = _mark_failures(status, members, summaries.failures, first_member)
    if good.size == 0:
        return
    rows = members[good]
    for column, summary in summaries.metrics.items():
        for metric, value in summary.items():
            metrics[f"{metric}.{column}"][rows] = value[good]
    common = np.searchsorted(times, context.times)
    for name in context.trajectory_columns:
        trajectories[name][rows] = summaries.kept[name][common][:, good].T
    for name in context.band_columns:
        band_counts[name] += bands.histogram(summaries.kept[name][common][:, good])


def member_sample_times(common: np.ndarray, schedules: list[Schedule]) -> np.ndarray:
    """``(members, T)``: the common samples with each member's own breakpoints, padded with the end time."""
    own: dict[int, np.ndarray] = {}
    for schedule in schedules:
        if id(schedule) not in own:
            own[id(schedule)] = np.union1d(common, schedule.breakpoints)
    width = max(len(times) for times in own.values())
    rows = np.empty((len(schedules), width))
    for member, schedule in enumerate(schedules):
        times = own[id(schedule)]
        rows[member, :len(times)] = times
        rows[member, len(times):] = times[-1]  # repeated end samples change no metric
    return rows


def _evaluate_own_breakpoints(context: SweepContext, model: Model, parameters: np.ndarray, schedules: list,
                              members: np.ndarray, status: np.ndarray, first_member: int, metrics: dict,
                              trajectories: dict, band_counts: dict) -> None:
    """Members with different breakpoints as one batch, each sampled at the common times and its own breakpoints.

    Metrics use each member's own samples, exactly the samples a batch of its own would have; trajectories
    and bands are read at the common samples.
    """
    group_schedules = [schedules[m] for m in members]
    member_times = member_sample_times(context.times, group_schedules)
    if not (context.trajectory_columns or context.band_columns) and _fusable(context, model, group_schedules):
        # Metrics only: integrated and summarised in one kernel pass, no trajectories array.
        inputs = np.stack(_member_inputs(model, group_schedules, member_times.T))
        summaries = integrate_summaries(model, parameters[members], group_schedules, member_times,
                                        context.settings, context.columns, inputs)
        good = _mark_failures(status, members, summaries.failures, first_member)
        for column, summary in summaries.metrics.items():
            for metric, value in summary.items():
                metrics[f"{metric}.{column}"][members[good]] = value[good]
        return
    states, good = _integrate_marking_failures(model, parameters, members, group_schedules, member_times,
                                               context.settings, status, first_member)
    if good.size == 0:
        return
    rows = members[good]
    states, member_times = states[:, :, good], member_times[good].T  # (n_states, T, members), (T, members)
    good_schedules = [group_schedules[p] for p in good]
    inputs = _member_inputs(model, good_schedules, member_times)
    summaries = _summarise(replace(context, trajectory_columns=(), band_columns=()), model, parameters[rows], states,
                           inputs, member_times, trajectories, rows, band_counts,
                           compiled=use_kernel(model, context.settings.method, len(rows)))
    for column, summary in summaries.items():
        for metric, value in summary.items():
            metrics[f"{metric}.{column}"][rows] = value
    if context.trajectory_columns or context.band_columns:
        columns_index = np.arange(len(rows))
        common = np.stack([np.searchsorted(member_times[:, m], context.times) for m in columns_index], axis=1)
        common_states = states[:, common, columns_index]
        common_inputs = [row[common, columns_index] for row in inputs]
        _summarise(replace(context, columns=()), model, parameters[rows], common_states, common_inputs,
                   context.times, trajectories, rows, band_counts)


def _member_inputs(model: Model, schedules: list[Schedule], member_times: np.ndarray) -> list:
    """Input rows ``(T, members)`` at each member's own samples (``member_times`` is ``(T, members)``)."""
    stacked = np.empty((len(model.inputs),) + member_times.shape)
    for member, schedule in enumerate(schedules):
        stacked[:, :, member] = schedule_inputs(model, schedule, member_times[:, member])
    return list(stacked)


def _summarise(context: SweepContext, model: Model, parameters: np.ndarray, states: np.ndarray, inputs: list,
               times: np.ndarray, trajectories: dict, rows: np.ndarray, band_counts: dict,
               compiled: bool = False) -> dict[str, dict]:
    """Metrics of every column for a batch; fills its rows of ``trajectories`` and adds to ``band_counts``.

    The algebraic variables are observed OBSERVE_BLOCK samples at a time and the
    metrics merged across blocks, so their memory does not grow with the run's length.
    ``compiled``: the metrics in the compiled kernel, one pass per member (no observed arrays at all).
    ``times`` is ``(samples,)``, or ``(samples, members)`` when each member has its own samples.
    """
    summaries: dict[str, dict[str, np.ndarray]] = {}
    metric_columns = context.columns
    if compiled and metric_columns:
        summaries = compiled_metrics(model, metric_columns, parameters, states, inputs, times)
        metric_columns = ()
    if not (metric_columns or context.trajectory_columns or context.band_columns):
        return summaries
    # States and inputs are read as they are: observing the algebraic variables only when one is needed.
    plain = {name: i for i, name in enumerate(model.state_names)}
    needs_observe = any(name not in plain and name not in model.input_names
                        for name in (*metric_columns, *context.trajectory_columns, *context.band_columns))
    sampled = bool(context.trajectory_columns or context.band_columns)
    # The common samples are a subset of this batch's (which add its breakpoints).
    common = np.searchsorted(times, context.times) if sampled else None
    for start in range(0, len(times), OBSERVE_BLOCK):
        block = slice(start, start + OBSERVE_BLOCK)
        if needs_observe:
            columns = observe_batch(model, parameters, states[:, block], [row[block] for row in inputs])
        else:
            shape = states[:, block].shape[1:]
            columns = {name: states[i, block] for name, i in plain.items()}
            columns.update({name: np.broadcast_to(row[block], shape) for name, row in zip(model.input_names, inputs)})
        for column in metric_columns:
            summaries[column] = merge_metrics(summaries.get(column), batch_metrics(times[block], columns[column]))
        if not sampled:
            continue
        wanted = (common >= start) & (common < start + OBSERVE_BLOCK)
        local = common[wanted] - start
        for name in context.trajectory_columns:
            trajectories[name][np.ix_(rows, np.nonzero(wanted)[0])] = columns[name][local].T
        for name in context.band_columns:
            band_counts[name][wanted] += bands.histogram(columns[name][local])
    return summaries


def compiled_metrics(model: Model, names: tuple[str, ...], parameters: np.ndarray, states: np.ndarray, inputs: list,
                     times: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """``batch_metrics`` of the columns ``names`` for every member, in the compiled kernel.

    ``states`` is ``(n_states, samples, members)``; ``inputs`` rows are ``(samples, 1 or members)``;
    ``times`` is ``(samples,)`` or ``(samples, members)``.
    """
    from myokine_sim import kernel
    from myokine_sim.solver import kernel_threads

    compiled = model.compiled
    positions = {name: i for i, name in enumerate((*model.state_names, *model.input_names, *model.variables))}
    columns = np.array([positions[name] for name in names], dtype=np.int64)
    member_parameters = member_columns(parameters)
    constants = compiled.batch_constants(member_parameters)
    K = np.empty((len(parameters), len(constants)))
    for column, value in enumerate(constants):
        K[:, column] = value
    sample_times = times.reshape(1, -1) if times.ndim == 1 else times.T
    # Member by member, as the kernel writes them: a view of the kernel's own output, no copy.
    by_member = states.transpose(2, 1, 0)
    values = kernel.summarise(compiled.source, by_member, parameters, K, np.stack(inputs), sample_times, columns,
                              threads=kernel_threads())
    return {name: dict(zip(METRICS, values[c])) for c, name in enumerate(names)}


def _member_schedules(context: SweepContext, values: np.ndarray, status: np.ndarray) -> list[Schedule | None]:
    """Each member's schedule (one shared object when no scenario field varies); None if invalid."""
    fields = [(column, v.target) for column, v in enumerate(context.space.variables) if v.kind == "field"]
    if not fields:
        shared = context.scenario.schedule()
        return [shared] * len(values)
    built: dict[tuple, Schedule | str] = {}
    schedules: list[Schedule | None] = []
    for member, row in enumerate(values):
        key = tuple(float(row[column]) for column, _ in fields)
        if key not in built:
            built[key] = _field_schedule(context.scenario, [(target, value) for (_, target), value in zip(fields, key)])
        outcome = built[key]
        if isinstance(outcome, str):
            status[member] = outcome
            schedules.append(None)
        else:
            schedules.append(outcome)
    return schedules


def member_scenario(scenario: Scenario, assignments: list[tuple[tuple[str, int, str], float]]) -> Scenario:
    """``scenario`` with scenario fields set; raises ``ValidationError`` if a table becomes invalid."""
    changes: dict[tuple[str, int], dict[str, float]] = {}
    for (table, index, name), value in assignments:
        changes.setdefault((table, index), {})[name] = value
    updates: dict[str, list] = {}
    for (table, index), fields in changes.items():
        tables = updates.setdefault(table, list(getattr(scenario, table)))
        table_class = type(tables[index])
        kept = tables[index].model_dump()
        # Setting one way of giving a dose (an rhIL-6 rate or plasma rise) drops the other.
        for group in table_class.ALTERNATIVE_FIELDS:
            if fields.keys() & set(group):
                kept.update({other: None for other in group if other not in fields})
        tables[index] = table_class.model_validate({**kept, **fields})
    return scenario.model_copy(update=updates)


def _field_schedule(scenario: Scenario, assignments) -> Schedule | str:
    try:
        varied = member_scenario(scenario, assignments)
        check_size(varied, "member")
        return varied.schedule()
    except InputError as error:
        return f"invalid scenario: {error.field}: {error.problem}"
    except ValidationError as error:
        detail = error.errors()[0]
        message = str(detail["msg"]).removeprefix("Value error, ")
        return f"invalid scenario: {message}"
    except ScheduleError as error:
        return f"invalid scenario: {error.field}: {error}"


def _groups(schedules: list[Schedule | None], status: np.ndarray) -> list[np.ndarray]:
    """Valid members grouped by identical breakpoints, in order of first appearance."""
    groups: dict[tuple[float, ...], list[int]] = {}
    for member, schedule in enumerate(schedules):
        if schedule is not None and status[member] == OK:
            groups.setdefault(tuple(schedule.breakpoints), []).append(member)
    return [np.array(members, dtype=np.intp) for members in groups.values()]


def _integrate_marking_failures(
    model: Model, parameters: np.ndarray, members: np.ndarray, schedules, times: np.ndarray, settings, status,
    first_member: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate a group of members, mark each failed one in ``status``; the states and the positions that ran."""
    states, failures = _integrate_resilient(model, parameters[members], schedules, times, settings)
    return states, _mark_failures(status, members, failures, first_member)


def _mark_failures(status, members: np.ndarray, failures: dict, first_member: int) -> np.ndarray:
    """Write each failed member's reason into ``status``; the positions in ``members`` that ran."""
    for position, reason in failures.items():
        status[members[position]] = f"failed: member {first_member + members[position]}: {reason}"
    return np.array([p for p in range(len(members)) if p not in failures], dtype=np.intp)


def _integrate_resilient(model: Model, parameters: np.ndarray, schedules, times: np.ndarray,
                         settings: SolverSettings) -> tuple[np.ndarray, dict[int, str]]:
    """States ``(n_states, samples, members)`` and the failure reason of each member that failed.

    On a solver failure the batch is split in halves until the failing
    members are alone; their states are NaN.
    """
    try:
        solution = integrate(model, parameters, schedules, times, settings)
        return np.moveaxis(solution.states, 1, 2), {}
    except SimulationError as error:
        count = len(parameters)
        if count == 1:  # the reason without the batch position, which means nothing to the caller
            return np.full((len(model.states), times.shape[-1], 1), np.nan), {0: error.detail}
        half = count // 2
        split = isinstance(schedules, list)
        own_times = times.ndim == 2  # (members, T): each member's own samples
        left, left_failures = _integrate_resilient(
            model, parameters[:half], schedules[:half] if split else schedules, times[:half] if own_times else times,
            settings)
        right, right_failures = _integrate_resilient(
            model, parameters[half:], schedules[half:] if split else schedules, times[half:] if own_times else times,
            settings)
        failures = {**left_failures, **{half + p: reason for p, reason in right_failures.items()}}
        return np.concatenate([left, right], axis=2), failures


def _inputs(model: Model, shared: Schedule | None, schedules: list[Schedule] | None, times: np.ndarray) -> list:
    """Input rows over time: ``(samples, 1)`` for a shared schedule, else ``(samples, members)``."""
    if shared is not None:
        return [row[:, None] for row in schedule_inputs(model, shared, times)]
    by_schedule: dict[int, np.ndarray] = {}
    stacked = np.empty((len(model.inputs), len(times), len(schedules)))
    for member, schedule in enumerate(schedules):
        if id(schedule) not in by_schedule:
            by_schedule[id(schedule)] = schedule_inputs(model, schedule, times)
        stacked[:, :, member] = by_schedule[id(schedule)]
    return list(stacked)


def observe_batch(model: Model, parameters: np.ndarray, states: np.ndarray, inputs: list) -> dict[str, np.ndarray]:
    """Every state, input and algebraic variable of a batch at once.

    ``states`` is ``(n_states, samples, members)``; each returned column is
    ``(samples, members)`` (a read-only broadcast view where the value does
    not vary). A parameter equal across the batch stays a float, as in the solver.
    """
    return observe_columns(model, member_columns(parameters), states, inputs, states.shape[1:])


def merge_metrics(earlier: dict[str, np.ndarray] | None, later: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Metrics over two consecutive stretches of time from those of each (the earlier extreme wins ties)."""
    if earlier is None:
        return later
    later_peak = later["peak"] > earlier["peak"]
    later_min = later["min"] < earlier["min"]
    peak = np.where(later_peak, later["peak"], earlier["peak"])
    baseline = earlier["baseline"]
    fold = np.full(len(peak), np.nan)
    np.divide(peak, baseline, out=fold, where=baseline > 0.0)
    return {
        "baseline": baseline,
        "peak": peak,
        "time_of_peak_min": np.where(later_peak, later["time_of_peak_min"], earlier["time_of_peak_min"]),
        "min": np.where(later_min, later["min"], earlier["min"]),
        "time_of_min_min": np.where(later_min, later["time_of_min_min"], earlier["time_of_min_min"]),
        "end": later["end"],
        "fold_peak": fold,
    }


def batch_metrics(time_min: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
    """``results.column_metrics`` of every member at once; ``values`` is ``(samples, members)``.

    ``time_min`` is ``(samples,)``, or ``(samples, members)`` when each member has its own samples.

    ``fold_peak`` is NaN where the baseline is not positive (``None`` in a single run).
    """
    members = values.shape[1]
    columns = np.arange(members)
    baseline = values[0]
    peak_index = np.argmax(values, axis=0)
    min_index = np.argmin(values, axis=0)
    peak = values[peak_index, columns]
    fold = np.full(members, np.nan)
    np.divide(peak, baseline, out=fold, where=baseline > 0.0)
    own_times = time_min.ndim == 2  # (samples, members): each member's own sample times
    return {
        "baseline": baseline.copy(),
        "peak": peak,
        "time_of_peak_min": time_min[peak_index, columns] if own_times else time_min[peak_index],
        "min": values[min_index, columns],
        "time_of_min_min": time_min[min_index, columns] if own_times else time_min[min_index],
        "end": values[-1].copy(),
        "fold_peak": fold,
    }
