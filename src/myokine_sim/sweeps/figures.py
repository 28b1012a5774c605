"""Sweep figures: a heat map for two-dimensional grids, bands over time for populations.

Both are made to survive greyscale printing: the heat map uses viridis (its
lightness rises monotonically) and prints each cell's value; the bands are
greys of clearly different lightness around a black median. Object-oriented
matplotlib with the Agg canvas, as in ``myokine_sim.figures``.
"""

from __future__ import annotations

import numpy as np

from myokine_sim.labels import column_label, label, metric_name, scenario_label
from myokine_sim.sweeps.table import SweepTable

#: Cells in a heat map up to which every cell is labelled with its value.
MAX_LABELLED_CELLS = 225
#: A colour range spanning at least this ratio gets a log colour scale.
LOG_COLOUR_RATIO = 10.0
FONT = 16
RC = {"font.size": FONT, "axes.titlesize": FONT + 1, "axes.labelsize": FONT, "legend.fontsize": FONT - 1,
      "xtick.labelsize": FONT - 1, "ytick.labelsize": FONT - 1, "axes.spines.top": False,
      "axes.spines.right": False}
#: Slide-sized heat map with margins fixed in inches (no layout engine pass).
SIZE_IN = (13.0, 8.0)


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
    """A 2-D grid sweep's ``metric`` over ``x_name`` x ``y_name`` (a ``Figure``).

    The colour scale is logarithmic when the values span a decade or more, with round ticks (1, 2, 5, 10, ...).
    """
    import matplotlib
    from matplotlib.figure import Figure

    x_points = np.unique(table[x_name])
    y_points = np.unique(table[y_name])
    grid = np.full((len(y_points), len(x_points)), np.nan)
    grid[np.searchsorted(y_points, table[y_name]), np.searchsorted(x_points, table[x_name])] = table[metric]

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=SIZE_IN, dpi=100)
        width, height = SIZE_IN
        ax = figure.add_axes((1.6 / width, 1.1 / height, 1 - 4.6 / width, 1 - 2.5 / height))
        bar_ax = figure.add_axes((1 - 2.7 / width, 1.1 / height, 0.3 / width, 1 - 2.5 / height))
        colormap = matplotlib.colormaps["viridis"].with_extremes(bad="white")
        norm = _colour_norm(grid)
        mesh = ax.pcolormesh(_edges(x_points, log_x), _edges(y_points, log_y), np.ma.masked_invalid(grid),
                             cmap=colormap, norm=norm, shading="flat")
        colorbar = figure.colorbar(mesh, cax=bar_ax)
        _round_ticks(colorbar, norm)
        colorbar.set_label(label(metric, table.units.get(metric, "")))
        if log_x:
            ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        if grid.size <= MAX_LABELLED_CELLS:
            _label_cells(ax, mesh, x_points, y_points, grid)
            # Few points: tick exactly the values simulated.
            ax.set_xticks(x_points, [_round(v) for v in x_points], minor=False)
            ax.set_yticks(y_points, [_round(v) for v in y_points], minor=False)
        ax.set_xlabel(label(x_name, table.units.get(x_name, "")))
        ax.set_ylabel(label(y_name, table.units.get(y_name, "")))
        failed = int(np.count_nonzero(~np.isfinite(grid)))
        note = f"; {failed} failed cell(s) left white" if failed else ""
        figure.text(0.15 / width, 1 - 0.2 / height, scenario_label(table.metadata.get("scenario", "")),
                    fontsize=FONT + 2, weight="bold", va="top")
        figure.text(0.15 / width, 1 - 0.65 / height, f"{metric_name(metric)}, {len(table)} runs{note}",
                    fontsize=FONT, va="top")
    return figure


def _colour_norm(grid: np.ndarray):
    """Log colour where the finite, positive values span a decade or more; else linear."""
    from matplotlib.colors import LogNorm, Normalize

    finite = grid[np.isfinite(grid)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if low > 0 and high / low >= LOG_COLOUR_RATIO:
        return LogNorm(low, high)
    return Normalize(low, high if high > low else low + 1.0)


def _round_ticks(colorbar, norm) -> None:
    """Colour-bar ticks at round numbers: 1-2-5 steps on a log scale, a few plain steps on a linear one."""
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

    if isinstance(norm, LogNorm):
        decades = range(int(np.floor(np.log10(norm.vmin))), int(np.ceil(np.log10(norm.vmax))) + 1)
        ticks = [m * 10.0 ** d for d in decades for m in (1, 2, 5) if norm.vmin <= m * 10.0 ** d <= norm.vmax]
        colorbar.ax.yaxis.set_major_locator(FixedLocator(ticks))
    else:
        colorbar.ax.yaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
    colorbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _round(value)))
    colorbar.ax.yaxis.set_minor_locator(NullLocator())


def _round(value: float) -> str:
    """At most three significant digits, never in e-notation below a million: 0.25, 34.6, 240, 1200."""
    return f"{float(f'{value:.3g}'):g}" if abs(value) < 1e6 else f"{value:.3g}"


def _label_cells(ax, mesh, x_points, y_points, grid) -> None:
    for row, y in enumerate(y_points):
        for column, x in enumerate(x_points):
            value = grid[row, column]
            if not np.isfinite(value):
                continue
            # Dark text on light cells, white on dark ones, by the cell colour's lightness.
            red, green, blue, _ = mesh.cmap(mesh.norm(value))
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
            ax.text(x, y, f"{float(f'{value:.2g}'):g}", ha="center", va="center", fontsize=FONT - 2,
                    color="black" if light else "white")


def band_figure(table: SweepTable, exercise_periods: list[tuple[float, float]]):
    """Median, 50% and 90% bands over time of each column in ``table.bands`` (a ``Figure``)."""
    import matplotlib
    from matplotlib.figure import Figure

    time = table.time_min
    names = list(table.bands)
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(13, 3.2 * len(names) + 1.6), dpi=100, layout="constrained")
        axes = np.atleast_1d(figure.subplots(len(names), 1, sharex=True))
        for ax, name in zip(axes, names):
            levels = table.bands[name]
            ax.fill_between(time, levels[0.05], levels[0.95], color="0.85", linewidth=0, label="90% of subjects")
            ax.fill_between(time, levels[0.25], levels[0.75], color="0.6", linewidth=0, label="50% of subjects")
            ax.plot(time, levels[0.5], color="black", linewidth=2.4, label="median")
            for start, end in exercise_periods:
                ax.axvspan(start, end, ymin=0.97, ymax=1.0, color="black", linewidth=0)
            ax.set_title(column_label(name, table.units.get(name, "")), loc="left", pad=10)
            ax.set_ylim(0, 1.1 * float(np.nanmax(levels[0.95])))  # headroom: the exercise bar covers no band
            ax.margins(x=0)
            ax.grid(True, color="0.8", linewidth=0.6)
        # Above the first panel, where it covers no band.
        axes[0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False, borderaxespad=0.2)
        axes[-1].set_xlabel("Time (min)")
        figure.suptitle(f"{scenario_label(table.metadata.get('scenario', ''))}: "
                        f"{table.metadata.get('members_ok', len(table))} virtual subjects (black bar: exercise)",
                        x=0.01, ha="left", fontsize=FONT + 1, weight="bold")
    return figure
