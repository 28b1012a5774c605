"""``myokine validate``: run every target on a parameter set and check it.

Each scenario is simulated once with ``simulate`` (the same path as
``myokine run``), every target is read from those results and judged by its
pass rule. Outputs: a printed table, ``validation.json`` (one row per target)
and one figure per study with the published values drawn over the curves.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from myokine_sim.calibration.targets import Combination, Leaf, Series, Target, leaves, load_targets
from myokine_sim.figures import SHADE as EXERCISE_SHADE
from myokine_sim.figures import STYLES as LINE_STYLES
from myokine_sim.labels import column_label, scenario_label
from myokine_sim.results import Result
from myokine_sim.scenario import load_scenario


@dataclass(frozen=True)
class Row:
    """One target's outcome. ``passed`` is None for a target that cannot be simulated."""

    target: Target
    simulated: float | None
    passed: bool | None

    @property
    def counts(self) -> bool:
        """Whether the row decides the exit status of ``myokine validate``."""
        return self.target.scored

    def as_dict(self) -> dict:
        t = self.target
        numeric = t.rule in ("factor", "at_least", "percent_change", "within_fraction", "time")
        observed = t.observed if numeric else t.published
        return {
            "id": t.id,
            "study": t.study,
            "reference": t.reference,
            "quantity": t.quantity,
            "when": t.when,
            "observed": observed,
            "published": t.published,
            "unit": t.unit,
            "simulated": self.simulated,
            "agreement": t.agreement(self.simulated) if self.simulated is not None else None,
            "rule": t.rule,
            "criterion": t.criterion(),
            "pass": self.passed,
            "scored": t.scored,
            "fit_weight": t.fit_weight,
            "scenarios": t.scenarios,
            "status": t.status,
            "note": t.note,
            "known_failure": t.known_failure,
        }


@dataclass
class Validation:
    rows: list[Row]
    results: dict[str, Result]
    parameter_set: str

    @property
    def failing(self) -> list[Row]:
        return [row for row in self.rows if row.counts and not row.passed]


def simulate_scenario(name: str, parameter_set: str, overrides: dict[str, float] | None = None) -> Result:
    """A shipped scenario simulated with ``parameter_set`` instead of its own, then ``overrides`` by name."""
    from myokine_sim.simulation import simulate

    scenario = load_scenario(name)
    scenario.simulation.parameter_set = parameter_set
    return simulate(scenario, parameters=overrides)


def simulate_targets(targets: list[Target], parameter_set: str = "default",
                     simulated: Callable[[int, int], None] | None = None) -> dict[str, Result]:
    """One ``Result`` per scenario that the targets read; ``simulated(done, total)`` after each (a progress bar)."""
    names = list(dict.fromkeys(s for t in targets for s in t.scenarios))
    results = {}
    for name in names:
        results[name] = simulate_scenario(name, parameter_set)
        if simulated is not None:
            simulated(len(results), len(names))
    return results


def series_of(results: dict[str, Result]) -> dict[str, Series]:
    """Results as single-member series for the target observables."""
    return {
        name: Series(result.time_min, {column: result[column][None, :] for column in result.columns})
        for name, result in results.items()
    }


def validate(parameter_set: str = "default", targets: list[Target] | None = None,
             simulated: Callable[[int, int], None] | None = None, uncertainty: int = 0, seed: int = 0) -> Validation:
    """Every target on ``parameter_set``; ``uncertainty`` > 0 adds posterior predictive bands of that many draws."""
    targets = targets if targets is not None else load_targets()
    results = simulate_targets([t for t in targets if t.simulable], parameter_set, simulated)
    if uncertainty:
        results = predictive_bands(targets, results, uncertainty, seed)
    series = series_of(results)
    rows = []
    for target in targets:
        if not target.simulable:
            rows.append(Row(target, None, None))
            continue
        simulated = float(target.evaluate(series)[0])
        rows.append(Row(target, simulated, target.passes(simulated)))
    return Validation(rows, results, parameter_set)


def predictive_bands(targets: list[Target], results: dict[str, Result], n: int, seed: int) -> dict[str, Result]:
    """Each scenario's result with 5/50/95% bands of ``n`` posterior draws (one batch per scenario)."""
    from myokine_sim.prediction_bands import with_bands

    read: dict[str, set[str]] = {}
    for target in targets:
        if target.simulable:
            for leaf in leaves(target.observable):
                read.setdefault(leaf.scenario, set()).add(leaf.column)
    return {name: with_bands(result, load_scenario(name), n, seed, columns=tuple(sorted(read.get(name, ()))))
            for name, result in results.items()}


def matched_infusion_dose(target: Target, parameter_set: str = "default") -> tuple[str, str, float, float]:
    """(scenario, the field giving its rhIL-6 dose, the shipped value, the value that meets ``target`` exactly)
    for a scenario whose dose was chosen to reach a plasma level.

    The abstracts give the plasma IL-6 an infusion reached, not its dose; a scenario gives the infusion as a dose
    rate (``rate_ug_per_h``) or as the plasma rise it holds (``plasma_rise_pg_ml``). Plasma IL-6 is nearly affine
    in either (the feedback on IL-6 production, through adrenaline, is tiny), so two runs determine the value at
    which the target's observable equals its published value.
    """
    from myokine_sim.simulation import simulate

    infused = [name for name in target.scenarios if load_scenario(name).il6_infusion]
    if len(infused) != 1:
        raise ValueError(f"{target.id}: expected exactly one scenario with an rhIL-6 infusion")
    name = infused[0]
    infusion = load_scenario(name).il6_infusion[0]
    field = infusion.dose_field()
    shipped = getattr(infusion, field)
    others = {s: simulate_scenario(s, parameter_set) for s in target.scenarios if s != name}

    def value(dose: float) -> float:
        scenario = load_scenario(name)
        scenario.simulation.parameter_set = parameter_set
        setattr(scenario.il6_infusion[0], field, dose)
        results = {**others, name: simulate(scenario)}
        return float(target.evaluate(series_of(results))[0])

    low, high = value(shipped), value(2.0 * shipped)
    return name, field, shipped, shipped * (1.0 + (target.observed - low) / (high - low))


# ------------------------------------------------------------------------ table


def verdict(row: Row) -> str:
    if row.passed is None:
        return "n/a"
    if not row.counts:
        return "pass*" if row.passed else "FAIL*"
    if row.passed:
        return "pass"
    return "FAIL (known)" if row.target.known_failure else "FAIL"


def table_rows(validation: Validation) -> list[tuple[str, ...]]:
    header = ("id", "study", "quantity", "observed", "simulated", "ratio or direction", "pass")
    rows = [header]
    for row in validation.rows:
        t = row.target
        simulated = "-" if row.simulated is None else t.shown(row.simulated)
        agreement = t.agreement(row.simulated) if row.simulated is not None else t.status.split(":")[0]
        rows.append((t.id, t.study, t.quantity, t.published_shown(), simulated, agreement, verdict(row)))
    return rows


def summary_line(validation: Validation) -> str:
    scored = [row for row in validation.rows if row.counts]
    passed = sum(bool(row.passed) for row in scored)
    extra = len(validation.rows) - len(scored)
    known = sum(1 for row in scored if not row.passed and row.target.known_failure)
    return (
        f"{passed}/{len(scored)} scored targets pass"
        + (f" ({known} failures are known disagreements, each explained in targets.toml)" if known else "")
        + (f"; {extra} reported but not scored (* or n/a: see their status)" if extra else "")
    )


# ---------------------------------------------------------------------- figures


def slug(study: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", study.lower()).strip("_")


def _markers(target: Target, results: dict[str, Result]) -> list[tuple[str, str, float | tuple, float, str]]:
    """Published values in a column's own units: (scenario, column, time or window, value, kind)."""
    observable = target.observable
    if target.rule not in ("factor", "at_least", "within_fraction", "percent_change", "time"):
        return []
    if isinstance(observable, Combination):
        parts = leaves(observable)
        same = {(leaf.column, leaf.at) for leaf in parts}
        if observable.operation == "average" and len(same) == 1 and parts[0].at is not None:
            return [(parts[0].scenario, parts[0].column, parts[0].at, target.observed, target.rule)]
        return []
    leaf: Leaf = observable
    result = results[leaf.scenario]
    if leaf.peak_time is not None:
        return [(leaf.scenario, leaf.column, target.observed, float("nan"), "time")]
    if leaf.peak is not None:
        return []
    value = target.observed / leaf.scale
    if target.rule == "percent_change":
        value = 1.0 + target.observed / 100.0
    if leaf.relative_to is not None:
        value *= result.at(leaf.column, leaf.relative_to)
    where = leaf.at if leaf.at is not None else leaf.mean
    return [(leaf.scenario, leaf.column, where, value, target.rule)]


def study_figure(study: str, rows: list[Row], results: dict[str, Result], units: dict[str, str]):
    """Simulated curves of a study's scenarios with the published values as markers.

    The title names only the marker kinds drawn; exercise of any scenario is shaded (the legend says whose);
    the time axis ends with the last scenario that has exercise or an intervention; the notes below the
    panels are wrapped and measured, so the layout keeps them clear of the axes.
    """
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    simulable = [row for row in rows if row.target.simulable]
    panels: dict[str, list[str]] = {}
    for row in simulable:
        for leaf in leaves(row.target.observable):
            scenarios = panels.setdefault(leaf.column, [])
            if leaf.scenario not in scenarios:
                scenarios.append(leaf.scenario)
    # One style per scenario across all panels, so a scenario looks the same everywhere.
    order = list(dict.fromkeys(name for scenarios in panels.values() for name in scenarios))
    styles = {name: ARM_STYLES[k % len(ARM_STYLES)] for k, name in enumerate(order)}
    # Each published value once, with the target it belongs to: the panels below pick theirs by column.
    placed = [(row.target, marker) for row in simulable for marker in _markers(row.target, results)]
    markers = [marker for _target, marker in placed]
    # Each scenario with published point values gets its own marker shape, shown on its legend line.
    pointed = list(dict.fromkeys(scenario for scenario, _column, where, _value, kind in markers
                                 if _is_point(where, kind)))
    shapes = {name: SCENARIO_MARKERS[k % len(SCENARIO_MARKERS)] for k, name in enumerate(pointed)}
    end = _time_axis_end([results[name] for name in order], [marker[2] for marker in markers])
    notes = [textwrap.fill(f"{row.target.id}: {row.target.quantity} - published {row.target.published}, "
                           + (f"simulated {row.target.shown(row.simulated)} ({verdict(row)})"
                              if row.simulated is not None else "not simulated"),
                           NOTE_CHARACTERS, subsequent_indent="    ")
             for row in rows]
    notes_in = (sum(note.count("\n") + 1 for note in notes) * NOTE_FONT * 1.25 + 10) / 72
    drawn: set[str] = set()
    banded = False
    noise = _noise()
    rc = {"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13, "legend.fontsize": 12,
          "xtick.labelsize": 12, "ytick.labelsize": 12, "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(rc):
        n = len(panels)
        panel_in = 3.4 + 0.25 * max(len(scenarios) for scenarios in panels.values())
        height = panel_in * n + 0.8 + notes_in
        figure = Figure(figsize=(FIGURE_WIDTH_IN, height), dpi=100, layout="constrained")
        axes = np.atleast_1d(figure.subplots(n, 1, squeeze=False)[:, 0])
        for ax, (column, scenarios) in zip(axes, panels.items()):
            for name in scenarios:
                result = results[name]
                if f"{column}_p05" in result:  # posterior predictive 90% band (validate --uncertainty)
                    ax.fill_between(result.time_min, result[f"{column}_p05"], result[f"{column}_p95"],
                                    color=styles[name]["color"], alpha=0.22, linewidth=0)
                    banded = True
                ax.plot(result.time_min, result[column], linewidth=CURVE_WIDTH, **styles[name])
            marked = {scenario for scenario, marker_column, where, _value, kind in markers
                      if marker_column == column and _is_point(where, kind)}
            handles = [Line2D([], [], linewidth=CURVE_WIDTH, **styles[name],
                              **({"marker": shapes[name], "markersize": 9, "markerfacecolor": "white",
                                  "markeredgecolor": "black", "markeredgewidth": 1.8} if name in marked else {}))
                       for name in scenarios]
            names = [_legend_entry(name) for name in scenarios]
            exercising = [name for name in scenarios if results[name].exercise_periods]
            for name in exercising:
                for start, stop in results[name].exercise_periods:
                    ax.axvspan(start, stop, color=EXERCISE_SHADE, linewidth=0, zorder=0)
            if exercising:
                whose = "" if len(exercising) == len(scenarios) else f" ({', '.join(map(_short, exercising))})"
                handles.append(Patch(color=EXERCISE_SHADE))
                names.append(textwrap.fill(f"exercise{whose}", LEGEND_CHARACTERS))
            # Targets that publish the same value at the same place of one scenario share one marker and one label.
            shared: dict[tuple, list[Target]] = {}
            for target, (scenario, marker_column, where, value, kind) in placed:
                if marker_column == column:
                    shared.setdefault((scenario, where, value, kind), []).append(target)
            for (scenario, where, value, kind), targets in shared.items():
                error = _error_bar(targets[0], value, noise.get(targets[0].id)) if _is_point(where, kind) else None
                drawn.add(_draw_marker(ax, ", ".join(t.id for t in targets), where, value, kind, error,
                                       shapes.get(scenario, SCENARIO_MARKERS[0]), styles[scenario]["linestyle"],
                                       _legend_entry(scenario)))
                if error is not None:
                    drawn.add("sd")
            ax.set_title(column_label(column, units.get(column, "")), loc="left")
            ax.set_xlabel("Time (min)")
            # Headroom above the autoscaled top, so that a marker there is drawn whole.
            ax.set_ylim(0, ax.get_ylim()[1] * 1.05)
            ax.set_xlim(0, end)
            ax.grid(True, color="0.85", linewidth=0.6)
            # Beside the panel, where it can cover no curve and no marker.
            ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                      borderaxespad=0.0, labelspacing=0.8, handlelength=LEGEND_HANDLE_LENGTH, numpoints=2)
        title = (f"{study}: simulation (lines" + ("; shaded: 90% posterior predictive band" if banded else "")
                 + ")" + _marker_legend(drawn)
                 + ("" if drawn else "; the published results are listed below"))
        figure.suptitle(textwrap.fill(title, TITLE_CHARACTERS), fontsize=14)
        figure.text(0.01, 0.005, "\n".join(notes), fontsize=NOTE_FONT, va="bottom", ha="left", linespacing=1.25)
        figure.get_layout_engine().set(rect=(0, notes_in / height, 1, 1 - notes_in / height))
    return figure


#: Marker shapes of the published values of a figure's first, second, ... scenario (a lower bound is a triangle).
SCENARIO_MARKERS = ("o", "s", "D", "p", "h", "X", "P", "*")
#: Line styles of a figure's first, second, ... arm: the teaching figures' four, then two more (dashes in line widths).
ARM_STYLES = (
    *LINE_STYLES,
    {"color": "0.45", "linestyle": (0, (6.0, 1.5, 1.0, 1.5, 1.0, 1.5))},
    {"color": "0.1", "linestyle": (0, (8.0, 2.0))},
)
#: Line width (points) of a simulated curve and of its legend sample.
CURVE_WIDTH = 2.2
#: Legend samples three font sizes long, with a marked arm's marker at both ends, so that each sample shows its dash
#: pattern whole at least once.
LEGEND_HANDLE_LENGTH = 3.0
#: What each kind of marker means, in the order the title lists them.
MARKER_KINDS = {"at_least": ", lower bounds (triangles)",
                "window": ", window means (bars between end ticks, in their scenario's line style)",
                "time": ", published times of peak (dotted lines)"}
FIGURE_WIDTH_IN = 11.0
#: Characters of the title per line at 14 pt across the figure.
TITLE_CHARACTERS = int((FIGURE_WIDTH_IN - 0.4) * 72 / (0.55 * 14))
#: Characters per line of a legend entry beside a panel.
LEGEND_CHARACTERS = 34
NOTE_FONT = 11
#: Characters of a note per line at NOTE_FONT across the figure (about 0.55 em per character).
NOTE_CHARACTERS = int((FIGURE_WIDTH_IN - 0.3) * 72 / (0.55 * NOTE_FONT))


def _noise() -> dict:
    """Each target's measurement uncertainty (``models/targets/uncertainty.toml``), or none if it cannot be read."""
    from myokine_sim.calibration.likelihood import load_noise
    from myokine_sim.errors import InputError

    try:
        return load_noise(load_targets())
    except InputError:
        return {}


def _error_bar(target: Target, value: float, noise) -> tuple[float, float] | None:
    """(below, above) one measurement SD around a marker at ``value``, on the target's own scale."""
    if noise is None or target.rule not in ("factor", "within_fraction", "percent_change"):
        return None
    if target.rule == "within_fraction":
        sd = noise.sigma * target.limit * value
        return sd, sd
    if target.rule == "percent_change":
        return None  # the spread is of the change, not of the value drawn
    factor = math.exp(noise.sigma * math.log(target.limit))
    return value - value / factor, value * factor - value


def _is_point(where, kind: str) -> bool:
    """Whether a published value is drawn as a point in its scenario's marker shape (not a bound, window or time)."""
    return kind in ("factor", "within_fraction", "percent_change") and not isinstance(where, tuple)


def _legend_entry(name: str) -> str:
    """A scenario's entry in a panel's legend (its description, wrapped)."""
    return textwrap.fill(scenario_label(name), LEGEND_CHARACTERS)


def _marker_legend(drawn: set[str]) -> str:
    """The title's account of the markers drawn: only the kinds present, bars only if an SD was drawn."""
    text = ""
    if drawn & {"value", "shaped"}:
        shape = "marker shapes as in the legend" if "shaped" in drawn else "circles"
        text += f", published values ({shape}" + ("; bars: one measurement SD" if "sd" in drawn else "") + ")"
    return text + "".join(MARKER_KINDS[kind] for kind in MARKER_KINDS if kind in drawn)


def _draw_marker(ax, target_id: str, where, value: float, kind: str, error=None, shape: str = SCENARIO_MARKERS[0],
                 linestyle="-", legend_entry: str | None = None) -> str:
    """One published value on a panel (with a one-SD error bar when ``error`` is given), in its scenario's marker
    ``shape`` (a window mean: a bar with end ticks, in its scenario's ``linestyle``); returns its kind. The point
    marker carries its scenario's ``legend_entry`` as its gid, so a test can tie it to its line."""
    if kind == "time":
        ax.axvline(where, color="black", linestyle=(0, (1, 2)), linewidth=1.5)
        ax.annotate(f"{target_id} published peak", (where, 0.95), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", ha="left", va="top", fontsize=11)
        return "time"
    if isinstance(where, tuple):
        ax.plot(where, [value, value], color="black", linewidth=3.0, linestyle=linestyle, marker="|",
                markersize=14, markeredgewidth=2.5)
        ax.annotate(target_id, (where[1], value), xytext=(4, 0), textcoords="offset points", ha="left",
                    va="center", fontsize=11)
        return "window"
    if error is not None:
        ax.errorbar([where], [value], yerr=[[error[0]], [error[1]]], color="black", linewidth=1.6, capsize=5,
                    zorder=4)
    ax.plot([where], [value], marker="^" if kind == "at_least" else shape, markersize=10, color="white",
            markeredgecolor="black", markeredgewidth=2.0, linestyle="none", zorder=5, gid=legend_entry)
    ax.annotate(target_id, (where, value), textcoords="offset points", xytext=(7, 5), fontsize=11)
    if kind == "at_least":
        return "at_least"
    return "value" if shape == SCENARIO_MARKERS[0] else "shaped"


def _time_axis_end(results: list[Result], marker_times: list) -> float:
    """The end of the last scenario with exercise or an intervention (a resting control may run far longer),
    or just past the last published value if that is later."""
    active = [result for result in results if result.exercise_periods or result.metadata.get("interventions")]
    end = max(float(result.time_min[-1]) for result in (active or results))
    latest = max((max(np.atleast_1d(where)) for where in marker_times), default=0.0)
    return max(end, 1.05 * float(latest))


def _short(name: str) -> str:
    """A scenario's description up to its first comma or parenthesis, for the shading's legend entry."""
    return re.split(r"\s*[,(]", scenario_label(name), maxsplit=1)[0]


def study_figures(validation: Validation) -> dict[str, bytes]:
    """PNG bytes of one figure per study (studies with nothing simulable are skipped)."""
    from myokine_sim.figures import figure_png
    from myokine_sim.model import build_model

    units = build_model().units
    by_study: dict[str, list[Row]] = {}
    for row in validation.rows:
        by_study.setdefault(row.target.study, []).append(row)
    return {
        f"{slug(study)}.png": figure_png(study_figure(study, rows, validation.results, units))
        for study, rows in by_study.items()
        if any(row.target.simulable for row in rows)
    }
