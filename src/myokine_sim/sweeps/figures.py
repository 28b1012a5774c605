"""Sweep figures: a heat map for two-dimensional grids, bands over time for populations.

Both are made to survive greyscale printing: the heat map uses viridis (its
lightness rises monotonically) and prints each cell's value; the bands are
greys of clearly different lightness around a black median. Object-oriented
matplotlib with the Agg canvas, as in ``myokine_sim.figures``.
"""

from __future__ import annotations

import numpy as np

from myokine_sim.sweeps.table import SweepTable

#: Readable names of the metrics, for axis and colour-bar labels.
METRIC_LABELS = {
    "baseline": "resting value",
    "peak": "peak",
    "time_of_peak_min": "time of peak",
    "min": "minimum",
    "time_of_min_min": "time of minimum",
    "end": "value at the end",
    "fold_peak": "peak / resting value",
}
#: Cells in a heat map up to which every cell is labelled with its value.
MAX_LABELLED_CELLS = 225
RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 11}


def metric_label(name: str, unit: str) -> str:
    metric, _, column = name.partition(".")
    return f"{METRIC_LABELS.get(metric, metric)} of {column} ({unit})"


def _edges(points: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges halfway between grid points (geometrically halfway on a log axis)."""
    values = np.log(points) if log else points.astype(float)
    if len(values) == 1:
        half = abs(values[0]) * 0.05 or 0.5
        edges = np.array([values[0] - half, values[0] + half])
    else:
        middle = (values[1:] + values[:-1]) / 2
        edges = np.concatenate([[2 * values[0] - middle[0]], middle, [2 * values[-1] - middle[-1]]])
    return np.exp(edges) if log else edges


def heat_map(table: SweepTable, x_name: str, y_name: str, metric: str, log_x: bool = False, log_y: bool = False):
    """A 2-D grid sweep's ``metric`` over ``x_name`` x ``y_name`` (a ``Figure``)."""
    import matplotlib
    from matplotlib.figure import Figure

    x_points = np.unique(table[x_name])
    y_points = np.unique(table[y_name])
    grid = np.full((len(y_points), len(x_points)), np.nan)
    grid[np.searchsorted(y_points, table[y_name]), np.searchsorted(x_points, table[x_name])] = table[metric]

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(9, 7), dpi=100, layout="constrained")
        ax = figure.subplots()
        colormap = matplotlib.colormaps["viridis"].with_extremes(bad="white")
        mesh = ax.pcolormesh(_edges(x_points, log_x), _edges(y_points, log_y), np.ma.masked_invalid(grid),
                             cmap=colormap, shading="flat")
        colorbar = figure.colorbar(mesh, ax=ax)
        colorbar.set_label(metric_label(metric, table.units.get(metric, "")))
        if log_x:
            ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        if grid.size <= MAX_LABELLED_CELLS:
            _label_cells(ax, mesh, x_points, y_points, grid)
            # Few points: tick exactly the values simulated.
            ax.set_xticks(x_points, [f"{v:.4g}" for v in x_points], minor=False)
            ax.set_yticks(y_points, [f"{v:.4g}" for v in y_points], minor=False)
        ax.set_xlabel(f"{x_name} ({table.units.get(x_name, '')})")
        ax.set_ylabel(f"{y_name} ({table.units.get(y_name, '')})")
        failed = int(np.count_nonzero(~np.isfinite(grid)))
        note = f"; {failed} failed cell(s) left white" if failed else ""
        ax.set_title(f"{table.metadata.get('scenario', '')}: {metric}, {len(table)} members{note}")
    return figure


def _label_cells(ax, mesh, x_points, y_points, grid) -> None:
    low, high = mesh.norm.vmin, mesh.norm.vmax
    for row, y in enumerate(y_points):
        for column, x in enumerate(x_points):
            value = grid[row, column]
            if not np.isfinite(value):
                continue
            # viridis is dark at the low end: white text there, black text on the light end.
            light = high > low and (value - low) / (high - low) > 0.55
            ax.text(x, y, f"{value:.3g}", ha="center", va="center", fontsize=9,
                    color="black" if light else "white")


def band_figure(table: SweepTable, exercise_periods: list[tuple[float, float]]):
    """Median, 50% and 90% bands over time of each column in ``table.bands`` (a ``Figure``)."""
    import matplotlib
    from matplotlib.figure import Figure

    time = table.time_min
    names = list(table.bands)
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(11, 3.6 * len(names) + 0.8), dpi=100, layout="constrained")
        axes = np.atleast_1d(figure.subplots(len(names), 1, sharex=True))
        for ax, name in zip(axes, names):
            levels = table.bands[name]
            ax.fill_between(time, levels[0.05], levels[0.95], color="0.85", linewidth=0, label="90% of subjects")
            ax.fill_between(time, levels[0.25], levels[0.75], color="0.6", linewidth=0, label="50% of subjects")
            ax.plot(time, levels[0.5], color="black", linewidth=2.4, label="median")
            for start, end in exercise_periods:
                ax.axvspan(start, end, ymin=0.97, ymax=1.0, color="black", linewidth=0)
            ax.set_ylabel(f"{name}\n({table.units.get(name, '')})")
            ax.set_ylim(bottom=0)
            ax.margins(x=0)
            ax.grid(True, color="0.8", linewidth=0.6)
        axes[0].legend(loc="upper right", frameon=False)
        axes[-1].set_xlabel("Time (min)")
        figure.suptitle(f"{table.metadata.get('scenario', '')}: {table.metadata.get('members_ok', len(table))} "
                        "virtual subjects (black bar: exercise)")
    return figure
