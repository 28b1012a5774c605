"""``sweep()``: plan, evaluate chunk by chunk, collect, and (optionally) write the output folder."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from myokine_sim.interrupts import stop_on_signals
from myokine_sim.io import check_output_path, manifest, write_bytes_atomic, write_json_atomic
from myokine_sim.model import build_model
from myokine_sim.results import METRICS
from myokine_sim.scenario import Scenario
from myokine_sim.solver import prepare_kernel
from myokine_sim.sweeps import bands
from myokine_sim.sweeps.evaluate import ChunkResult, evaluate_chunk
from myokine_sim.sweeps.evaluators import make_evaluator
from myokine_sim.sweeps.plan import SweepPlan, plan_sweep
from myokine_sim.sweeps.progress import ProgressCallback, SweepProgress, resolve_progress
from myokine_sim.sweeps.store import TABLE_STEM, TRAJECTORIES_FILE, SweepStore, write_trajectories
from myokine_sim.sweeps.table import SweepTable

HEAT_MAP_FILE = "heatmap.png"
BANDS_FILE = "bands.png"
MANIFEST_FILE = "manifest.json"
#: The metric a two-dimensional grid's heat map shows.
HEAT_MAP_METRIC = "fold_peak.plasma_il6_pg_ml"


def sweep(
    scenario: Scenario | str | Path,
    space: dict | None = None,
    n: int | Sequence[int] | None = None,
    *,
    method: str = "grid",
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
    trajectories: bool | Sequence[str] = False,
    out: str | Path | None = None,
    progress: bool | ProgressCallback | None = None,
    cv: dict[str, float] | None = None,
    chunk_size: int | None = None,
    output_format: str = "csv",
    layout: str = "wide",
) -> SweepTable:
    """Simulate many variants of ``scenario`` and summarise each one (see docs/sweeps.md).

    ``space`` is SALib's problem form (``names``, ``bounds``, optional
    ``dists``) over model parameters and scenario fields; ``method`` is
    ``"grid"`` (``n`` points per dimension, or one count per name),
    ``"lhs"``, ``"sobol"`` or ``"population"`` (``n`` members; ``space``
    optional, ``cv`` overrides the coefficients of variation). ``workers``
    local processes, or the Dask scheduler at ``scheduler``, evaluate the
    chunks. With ``out``, finished chunks are kept in that folder (a rerun
    resumes) and sweep.csv, manifest.json and a figure are written there.
    Returns one row per member: inputs, every metric and ``status``.
    ``output_format`` (csv, parquet or netcdf) and ``layout`` (wide, or long:
    one row per member and metric) choose how the table file in ``out`` is written.
    """
    from myokine_sim.formats import check_format
    from myokine_sim.frames import check_layout

    check_format(output_format)  # a bad format or a missing extra stops before any work
    check_layout(layout)
    plan = plan_sweep(scenario, space, n, method, seed, cv, trajectories, chunk_size)
    evaluator = make_evaluator(workers, scheduler)
    model = build_model()
    model.compile()  # generated once here: forked worker processes inherit it
    if workers > 1 and scheduler is None:
        prepare_kernel(model, plan.context.settings.method, plan.chunk_size)  # compiled here, not in every worker
    directory = Path(out) if out is not None else None
    if directory is not None:
        check_output_path(directory, "out", folder=True)  # before any work: a bad folder fails at once
        SweepStore.check(directory, {"fingerprint": plan.fingerprint})
    callback, bar = resolve_progress(progress)
    collector = ChunkCollector(plan)
    started = time.monotonic()
    new_directory = directory is not None and not directory.exists()
    saved = 0
    store = None
    try:
        with stop_on_signals(), evaluator:
            done: set[int] = set()
            if directory is not None:
                store = SweepStore(directory, {"fingerprint": plan.fingerprint, "members": plan.members,
                                               "chunk_size": plan.chunk_size, "chunks": plan.chunk_count})
                store.create()
                done = store.finished(plan.chunk_sizes())
                for index in sorted(done):
                    collector.add(store.load(index))
            resumed = collector.members_done
            tasks = [(index, plan.values[plan.chunk_slice(index)], plan.chunk_slice(index).start)
                     for index in range(plan.chunk_count) if index not in done]
            for result in evaluator.run(evaluate_chunk, plan.context, tasks):
                if store is not None:
                    store.save(result)
                    saved += 1
                collector.add(result)
                if callback is not None:
                    callback(SweepProgress(collector.chunks_done, plan.chunk_count, collector.members_done,
                                           plan.members, resumed, time.monotonic() - started))
    except BaseException:
        # A plan or folder this call created and never wrote a chunk to would only confuse a rerun.
        if saved == 0 and store is not None:
            store.remove_plan()
        # The same interrupt window: a chunk already on disk keeps the folder (and its plan) for a rerun.
        if new_directory and saved == 0 and not (store is not None and store.has_chunk_files()):
            shutil.rmtree(directory, ignore_errors=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    table = collector.table()
    table.metadata["elapsed_s"] = time.monotonic() - started
    table.metadata["chunks_recomputed"] = len(store.rejected) if store is not None else 0
    if directory is not None:
        write_outputs(directory, plan, table, output_format, layout)
    return table


class ChunkCollector:
    """Fills the table's columns chunk by chunk (preallocated: one copy of the results in memory).

    Chunks cover every member, so the columns need no initial values: with
    ``np.empty`` their pages stay unmapped until results arrive, and worker
    processes forked meanwhile do not carry them in their resident memory.
    """

    def __init__(self, plan: SweepPlan):
        self.plan = plan
        members = plan.members
        context = plan.context
        self.columns: dict[str, np.ndarray] = {"member": np.arange(members)}
        for column, name in enumerate(plan.space.names):
            self.columns[name] = plan.values[:, column]
        for name in context.metric_names:
            self.columns[name] = np.empty(members)
        self.status = np.empty(members, dtype=object)
        samples = len(context.times)
        self.trajectories = {name: np.empty((members, samples)) for name in context.trajectory_columns}
        self.band_counts = {name: np.zeros((samples, len(bands.EDGES) - 1), dtype=np.int64)
                            for name in context.band_columns}
        self.chunks_done = 0
        self.members_done = 0

    def add(self, result: ChunkResult) -> None:
        rows = self.plan.chunk_slice(result.index)
        self.status[rows] = result.status
        for name, values in result.metrics.items():
            self.columns[name][rows] = values
        for name, values in result.trajectories.items():
            self.trajectories[name][rows] = values
        for name, counts in result.band_counts.items():
            self.band_counts[name] += counts
        self.chunks_done += 1
        self.members_done += rows.stop - rows.start

    def table(self) -> SweepTable:
        plan = self.plan
        status = self.status.astype(str)
        model = build_model()
        units = {"member": "", "status": ""}
        units.update({v.name: v.unit for v in plan.space.variables})
        for column in plan.context.columns:
            units[column] = model.units[column]
            for metric in METRICS:
                units[f"{metric}.{column}"] = _metric_unit(metric, model.units[column])
        return SweepTable(
            columns={**self.columns, "status": status},
            units=units,
            time_min=plan.context.times,
            trajectories=self.trajectories,
            bands={name: bands.quantiles(counts) for name, counts in self.band_counts.items()},
            metadata={
                "scenario": plan.scenario.name,
                "method": plan.method,
                "seed": plan.seed,
                "inputs": plan.space.names,
                "members": plan.members,
                "members_ok": int(np.count_nonzero(status == "ok")),
                "fingerprint": plan.fingerprint,
                "t_end_min": plan.context.scenario.t_end_min,
            },
        )


def _metric_unit(metric: str, unit: str) -> str:
    if metric.startswith("time_of_"):
        return "min"
    if metric == "fold_peak":
        return "fold"
    return unit


def write_outputs(directory: Path, plan: SweepPlan, table: SweepTable, output_format: str = "csv",
                  layout: str = "wide") -> list[Path]:
    """The table (sweep.csv, .parquet or .nc), trajectories (if any), the figure, then manifest.json listing them."""
    from myokine_sim.figures import figure_png
    from myokine_sim.formats import encode_sweep, file_name
    from myokine_sim.sweeps.figures import band_figure, heat_map

    files = [directory / file_name(TABLE_STEM, output_format)]
    if output_format == "csv" and layout == "wide":
        table.to_csv(files[0])  # streamed in blocks: a large population never exists as one string
    else:
        write_bytes_atomic(files[0], encode_sweep(table, output_format, layout))
    if table.trajectories:
        files.append(directory / TRAJECTORIES_FILE)
        write_trajectories(files[-1], table.time_min, table.trajectories)
    names = plan.space.names
    if plan.method == "grid" and len(names) == 2:
        log = [v.dist == "logunif" for v in plan.space.variables]
        figure = heat_map(table, names[0], names[1], HEAT_MAP_METRIC, log_x=log[0], log_y=log[1])
        files.append(directory / HEAT_MAP_FILE)
        write_bytes_atomic(files[-1], figure_png(figure))
    if table.bands:
        figure = band_figure(table, plan.context.scenario.schedule().exercise_periods())
        files.append(directory / BANDS_FILE)
        write_bytes_atomic(files[-1], figure_png(figure))
    model = build_model()
    document = manifest(
        kind="sweep",
        scenario={"source": plan.source, **plan.scenario.model_dump(mode="json"),
                  "t_end_min": plan.context.scenario.t_end_min},
        parameters=plan.parameters,
        units={p.name: p.unit for p in model.parameters},
        solver={**plan.context.settings.as_dict(), "method_used": "RK45 (per-member steps) for batches, "
                                                                  "LSODA for a batch of one"},
        seed=plan.seed,
        extra={"sweep": {
            "method": plan.method,
            "space": plan.design,
            "samples": plan.samples,
            "members": plan.members,
            "members_ok": table.metadata["members_ok"],
            "chunk_size": plan.chunk_size,
            "output_format": output_format,
            "layout": layout,
            "fingerprint": plan.fingerprint,
            "trajectories": list(plan.context.trajectory_columns),
            "output_samples_min": [float(plan.context.times[0]), float(plan.context.times[-1]),
                                   len(plan.context.times)],
        }},
        files=files,
    )
    files.append(directory / MANIFEST_FILE)
    write_json_atomic(files[-1], document)
    return files
