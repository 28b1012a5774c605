"""Figures of sensitivity results, made for slides.

A tornado plot for local coefficients and side-by-side bars for global
indices, each with its confidence interval. Large type; greys and hatching
(not colour) tell the bars apart, so a greyscale print stays readable.
Object-oriented matplotlib with the Agg canvas, as in ``myokine_sim.figures``.
"""

from __future__ import annotations

import numpy as np

from myokine_sim.sensitivity.result import IMPORTANCE, SensitivityResult

#: Parameters shown at most; the rest are counted below the bars.
DEFAULT_TOP = 15
#: Parameters whose bar is shorter than this fraction of the longest are counted, not shown.
VISIBLE_FRACTION = 0.005
FONT = 15
RC = {"font.size": FONT, "axes.titlesize": FONT + 1, "axes.labelsize": FONT, "legend.fontsize": FONT - 1,
      "xtick.labelsize": FONT - 1, "ytick.labelsize": FONT - 1, "axes.spines.top": False,
      "axes.spines.right": False}
#: Solid dark grey and hatched white: distinct in greyscale and in colour.
DARK = {"color": "0.3", "edgecolor": "black", "linewidth": 1.0}
HATCHED = {"color": "white", "edgecolor": "black", "hatch": "///", "linewidth": 1.0}
ERROR_BARS = {"ecolor": "black", "capsize": 5, "elinewidth": 1.6}
WIDTH_IN = 13.0
#: Fixed margins (inches): title, subtitle and legend above the bars; axis label and a note below.
TOP_IN = 1.55
BOTTOM_IN = 1.05


def sensitivity_figure(result: SensitivityResult, top: int = DEFAULT_TOP):
    """The figure for ``result``: a tornado plot (local) or an index bar plot (Morris, Sobol)."""
    if result.method == "local":
        return tornado(result, top)
    return indices_figure(result, top)


def _layout(result: SensitivityResult, top: int, bars_per_row: int):
    """A figure and axes sized for the ``top`` most important rows; returns (figure, axes, rows, hidden)."""
    import matplotlib
    from matplotlib.figure import Figure

    key = IMPORTANCE[result.method]
    ranked = result.ranked()
    largest = abs(ranked[0][key])
    # Parameters without a visible bar would only crowd the slide.
    rows = [row for row in ranked[:top] if abs(row[key]) >= VISIBLE_FRACTION * largest] or ranked[:1]
    hidden = len(result.rows) - len(rows)
    with matplotlib.rc_context(RC):
        height = TOP_IN + BOTTOM_IN + 0.42 * bars_per_row * len(rows)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=100)
        axes = figure.add_subplot()
        # Room for the longest parameter name (about 0.55 em per character).
        label_in = 0.55 * (FONT - 1) / 72 * max(len(row["parameter"]) for row in rows) + 0.3
        figure.subplots_adjust(left=min(0.6, label_in / WIDTH_IN), right=0.97, top=1 - TOP_IN / height,
                               bottom=BOTTOM_IN / height)
    return figure, axes, rows, hidden


def _finish(figure, axes, result: SensitivityResult, rows: list[dict], hidden: int, xlabel: str,
            subtitle: str) -> None:
    height = figure.get_figheight()
    axes.set_yticks(np.arange(len(rows)), [row["parameter"] for row in rows])
    axes.invert_yaxis()  # the most important at the top
    axes.set_xlabel(xlabel)
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False)
    axes.grid(axis="x", color="0.85", linewidth=0.8)
    axes.set_axisbelow(True)
    figure.text(0.015, 1 - 0.15 / height, f"{result.scenario.name}: {result.metric.label}", fontsize=FONT + 2,
                va="top", weight="bold")
    figure.text(0.015, 1 - 0.55 / height, subtitle, fontsize=FONT - 2, va="top")
    if hidden:
        figure.text(0.015, 0.12 / height, f"+ {hidden} parameters with smaller or no effect not shown",
                    fontsize=FONT - 3, va="bottom")


def tornado(result: SensitivityResult, top: int = DEFAULT_TOP):
    """Horizontal bars of normalised coefficients, sorted by size, with their error estimates."""
    import matplotlib

    figure, axes, rows, hidden = _layout(result, top, 1)
    with matplotlib.rc_context(RC):
        coefficients = np.array([row["coefficient"] for row in rows])
        errors = np.array([row["error"] for row in rows])
        positions = np.arange(len(rows))
        rising = coefficients >= 0
        axes.barh(positions[rising], coefficients[rising], height=0.7, label="raises the metric", **DARK)
        axes.barh(positions[~rising], coefficients[~rising], height=0.7, label="lowers the metric", **HATCHED)
        axes.errorbar(coefficients, positions, xerr=errors, fmt="none", **ERROR_BARS)
        axes.axvline(0.0, color="black", linewidth=1.2)
        limit = max(float(np.max(np.abs(coefficients) + errors)), 1e-3) * 1.15
        axes.set_xlim(-limit, limit)
        _finish(figure, axes, result, rows, hidden, "normalised coefficient  d ln(metric) / d ln(parameter)  (1)",
                f"Local, at the scenario's values (metric {result.nominal:.4g} {result.metric.unit}). "
                "+1: 1 % more of the parameter, 1 % more of the metric")
    return figure


def indices_figure(result: SensitivityResult, top: int = DEFAULT_TOP):
    """Sobol' S1 and ST side by side, or Morris mu* and sigma, with confidence intervals where defined."""
    import matplotlib

    figure, axes, rows, hidden = _layout(result, top, 2)
    with matplotlib.rc_context(RC):
        positions = np.arange(len(rows))
        if result.method == "sobol":
            bars = (("S1", "S1_conf", "first order S1 (alone)", DARK),
                    ("ST", "ST_conf", "total ST (with interactions)", HATCHED))
            xlabel = "Sobol' index (share of the metric's variance)"
        else:
            bars = (("mu_star", "mu_star_conf", "mu* (overall effect)", DARK),
                    ("sigma", None, "sigma (interactions, non-linearity)", HATCHED))
            xlabel = f"elementary effect ({result.metric.unit} per full range of the parameter)"
        for offset, (key, conf, label, style) in zip((-0.2, 0.2), bars):
            values = np.array([row[key] for row in rows])
            axes.barh(positions + offset, values, height=0.38, label=label, **style)
            if conf is not None:
                axes.errorbar(values, positions + offset, xerr=[row[conf] for row in rows], fmt="none",
                              **ERROR_BARS)
        axes.axvline(0.0, color="black", linewidth=1.2)
        what = "base samples" if result.method == "sobol" else "trajectories"
        _finish(figure, axes, result, rows, hidden, xlabel,
                f"{result.method.capitalize()}: {result.samples} {what}, {result.runs} runs, seed {result.seed}; "
                f"bars sorted by {IMPORTANCE[result.method]}, whiskers: 95 % interval")
    return figure
