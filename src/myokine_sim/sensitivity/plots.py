"""Figures of sensitivity results, made for slides.

A tornado plot for local coefficients and side-by-side bars for global
indices, each with its confidence interval. Parameters are named in words
(``myokine_sim.labels``), each with its rank; ranks whose intervals overlap
cannot be told apart and are shown as a range ("2-4"). Sobol' estimates below
zero (sampling noise) are drawn as zero-length bars, their intervals kept.
Large type; greys and hatching (not colour) tell the bars apart, so a greyscale
print stays readable. Object-oriented matplotlib with the Agg canvas, as in
``myokine_sim.figures``.
"""

from __future__ import annotations

import textwrap

import numpy as np

from myokine_sim.labels import parameter_name, scenario_label, unit_text
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
#: Half-width of the interval of each method's ranking measure, for the rank ranges.
RANK_INTERVAL = {"local": "error", "morris": "mu_star_conf", "sobol": "ST_conf"}
#: Fixed margins (inches): title, subtitle and legend above the bars; axis label and a note below.
TOP_IN = 1.75
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
        # Each row holds its bars and a parameter name of up to two lines.
        height = TOP_IN + BOTTOM_IN + max(0.42 * bars_per_row, 0.62) * len(rows)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=100)
        axes = figure.add_subplot()
        # Room for the longest line of a tick label (about 0.55 em per character).
        longest = max(len(line) for label in tick_labels(result, rows) for line in label.splitlines())
        label_in = 0.55 * (FONT - 1) / 72 * longest + 0.3
        figure.subplots_adjust(left=min(0.6, label_in / WIDTH_IN), right=0.97, top=1 - TOP_IN / height,
                               bottom=BOTTOM_IN / height)
    return figure, axes, rows, hidden


def rank_ranges(result: SensitivityResult, rows: list[dict]) -> list[tuple[int, int]]:
    """For each ranked row, the ranks (from 1) it could hold: those of the rows whose intervals overlap its own."""
    key, half_width = IMPORTANCE[result.method], RANK_INTERVAL[result.method]
    ranked = result.ranked()
    low = [abs(row[key]) - row[half_width] for row in ranked]
    high = [abs(row[key]) + row[half_width] for row in ranked]
    ranges = []
    for row in rows:
        mine = next(i for i, other in enumerate(ranked) if other is row)
        overlapping = [i for i in range(len(ranked)) if low[i] <= high[mine] and low[mine] <= high[i]]
        ranges.append((min(overlapping) + 1, max(overlapping) + 1))
    return ranges


def tick_labels(result: SensitivityResult, rows: list[dict]) -> list[str]:
    """Each parameter in words, after its rank or the range of ranks its interval allows ("2-4")."""
    labels = []
    for row, (first, last) in zip(rows, rank_ranges(result, rows)):
        rank = f"{first}" if first == last else f"{first}–{last}"
        labels.append(f"{parameter_name(row['parameter'])}  [{rank}]")
    return labels


def _finish(figure, axes, result: SensitivityResult, rows: list[dict], hidden: int, xlabel: str,
            subtitle: str) -> None:
    height = figure.get_figheight()
    axes.set_yticks(np.arange(len(rows)), tick_labels(result, rows))
    axes.invert_yaxis()  # the most important at the top
    axes.set_xlabel(xlabel)
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False)
    axes.grid(axis="x", color="0.85", linewidth=0.8)
    axes.set_axisbelow(True)
    figure.text(0.015, 1 - 0.12 / height, result.metric.label, fontsize=FONT + 2, va="top", weight="bold")
    # The scenario's description can be long: one line of its own, wrapped to the page.
    characters = int((WIDTH_IN - 0.3) * 72 / (0.55 * (FONT - 2)))
    figure.text(0.015, 1 - 0.5 / height, textwrap.shorten(scenario_label(result.scenario.name), characters,
                                                         placeholder=" …") + "\n" + subtitle,
                fontsize=FONT - 2, va="top", linespacing=1.3)
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
        nominal = f"{result.nominal:.4g} {unit_text(result.metric.unit)}".strip()
        _finish(figure, axes, result, rows, hidden, "Normalised coefficient  d ln(metric) / d ln(parameter)",
                f"Local, at the scenario's values (metric {nominal}). "
                "+1: 1 % more of the parameter, 1 % more of the metric; [2–4]: ranks within the error")
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
            xlabel = f"Elementary effect ({result.metric.unit} per full range of the parameter)"
        for offset, (key, conf, label, style) in zip((-0.2, 0.2), bars):
            values = np.array([row[key] for row in rows])
            # A variance share cannot be negative: a negative estimate is noise, drawn as zero with its interval.
            axes.barh(positions + offset, np.maximum(values, 0.0), height=0.38, label=label, **style)
            if conf is not None:
                axes.errorbar(np.maximum(values, 0.0), positions + offset, xerr=_clipped_errors(values, rows, conf),
                              fmt="none", **ERROR_BARS)
        axes.axvline(0.0, color="black", linewidth=1.2)
        axes.set_xlim(left=0.0)
        what = "base samples" if result.method == "sobol" else "trajectories"
        measure = {"ST": "ST", "mu_star": "mu*"}[IMPORTANCE[result.method]]
        _finish(figure, axes, result, rows, hidden, xlabel,
                f"{result.method.capitalize()}: {result.samples} {what}, {result.runs} runs, seed {result.seed}. "
                f"Sorted by {measure}; whiskers: 95 % interval; [2–4]: ranks the intervals cannot tell apart")
    return figure


def _clipped_errors(values: np.ndarray, rows: list[dict], conf: str) -> np.ndarray:
    """Whiskers of the interval [value - conf, value + conf] drawn from the bar's end, cut at zero."""
    half = np.array([row[conf] for row in rows])
    shown = np.maximum(values, 0.0)
    # An interval wholly below zero leaves no whisker: both ends are cut at zero.
    below = np.clip(shown - np.maximum(values - half, 0.0), 0.0, None)
    return np.vstack([below, np.clip(values + half - shown, 0.0, None)])
