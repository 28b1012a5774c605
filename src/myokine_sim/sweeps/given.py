"""Evaluate members the caller has already drawn, through the sweep machinery.

``sweep()`` draws its own members from a sampler. Methods that need a
particular design (Morris trajectories, Saltelli's cross-sampled matrices)
draw it themselves and hand the matrix here: it is validated against the
space, cut into chunks and evaluated by the same ``evaluate_chunk`` and
evaluators (in process, worker processes or Dask) as any sweep, and collected
into a ``SweepTable``. Nothing is written to disk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import myokine_sim
from myokine_sim.errors import InputError
from myokine_sim.model import build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import Scenario, load_scenario, resolve_scenario
from myokine_sim.simulation import column_order, resolve_parameters
from myokine_sim.solver import SolverSettings, output_times
from myokine_sim.sweeps.evaluate import SweepContext, evaluate_chunk
from myokine_sim.sweeps.evaluators import make_evaluator
from myokine_sim.sweeps.plan import SweepPlan, default_chunk_size, with_common_end
from myokine_sim.sweeps.progress import ProgressCallback, SweepProgress, resolve_progress
from myokine_sim.sweeps.run import ChunkCollector
from myokine_sim.sweeps.space import Space, parse_space
from myokine_sim.sweeps.store import fingerprint
from myokine_sim.sweeps.table import SweepTable

#: The ``method`` recorded for members drawn by the caller.
GIVEN = "given"


def evaluate_given(
    scenario: Scenario | str | Path,
    space: dict | Space,
    values: np.ndarray,
    *,
    columns: Sequence[str] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | ProgressCallback | None = None,
    chunk_size: int | None = None,
    seed: int = 0,
) -> SweepTable:
    """Evaluate the members ``values`` ``(members, len(space))`` of ``scenario``.

    ``space`` is SALib's problem form (or a parsed ``Space``); every row of
    ``values`` must lie within its bounds. ``columns`` limits the timeseries
    columns whose metrics are computed (all by default). ``seed`` is only
    recorded: the caller drew the members. Returns the table ``sweep()``
    would: one row per member with the inputs, the metrics and ``status``.
    """
    source = None
    if not isinstance(scenario, Scenario):
        source = str(resolve_scenario(scenario))
        scenario = load_scenario(scenario)
    model = build_model()
    parsed = space if isinstance(space, Space) else parse_space(space, scenario, model)
    values = _checked_values(values, parsed)
    known = column_order(model)
    chosen = tuple(columns) if columns is not None else tuple(known)
    for name in chosen:
        if name not in known:
            raise InputError("columns", str(name), "unknown timeseries column (see timeseries.csv)")

    base = with_common_end(scenario, parsed, values)
    context = SweepContext(
        scenario=base,
        space=parsed,
        base_vector=np.array(parameter_vector(model, resolve_parameters(base, model=model))),
        times=output_times(base.schedule(), base.simulation.output_step_min),
        settings=SolverSettings(rtol=scenario.simulation.rtol),
        columns=chosen,
    )
    if chunk_size is None:
        chunk_size = default_chunk_size(len(values))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError("chunk_size", str(chunk_size), "must be a whole number of at least 1")
    design = parsed.as_problem()
    record = {
        "scenario": scenario.model_dump(mode="json"),
        "method": GIVEN,
        "design": design,
        "values": values.tolist(),
        "columns": list(chosen),
        "chunk_size": chunk_size,
        "solver": context.settings.as_dict(),
        "myokine_sim": myokine_sim.__version__,
    }
    plan = SweepPlan(scenario, source, context, GIVEN, int(seed), len(values), values, chunk_size,
                     resolve_parameters(scenario, model=model), design, record, fingerprint(record))

    evaluator = make_evaluator(workers, scheduler)
    model.compile()  # generated once here: forked worker processes inherit it
    callback, bar = resolve_progress(progress, "design", "runs")  # the runs of a Morris or Sobol' design
    collector = ChunkCollector(plan)
    started = time.monotonic()
    tasks = [(index, plan.values[plan.chunk_slice(index)], plan.chunk_slice(index).start)
             for index in range(plan.chunk_count)]
    try:
        with evaluator:
            for result in evaluator.run(evaluate_chunk, context, tasks):
                collector.add(result)
                if callback is not None:
                    callback(SweepProgress(collector.chunks_done, plan.chunk_count, collector.members_done,
                                           plan.members, 0, time.monotonic() - started))
    finally:
        if bar is not None:
            bar.close()
    table = collector.table()
    table.metadata["elapsed_s"] = time.monotonic() - started
    return table


def _checked_values(values, space: Space) -> np.ndarray:
    """``values`` as a float matrix of the space's shape, every member within the bounds."""
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] != len(space) or matrix.shape[0] < 1:
        raise InputError("values", str(matrix.shape),
                         f"expected a matrix of at least one member by {len(space)} names ({', '.join(space.names)})")
    if not np.all(np.isfinite(matrix)):
        raise InputError("values", None, "every value must be a finite number")
    lower = np.array([v.lower for v in space.variables])
    upper = np.array([v.upper for v in space.variables])
    outside = np.nonzero(np.any((matrix < lower) | (matrix > upper), axis=0))[0]
    if outside.size:
        variable = space.variables[outside[0]]
        raise InputError("values", variable.name,
                         f"members leave the bounds {variable.lower:g} to {variable.upper:g} {variable.unit}")
    return matrix
