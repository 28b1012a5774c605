"""Teaching figures: the full page of a run, and slide figures of a few panels.

Made for a lecture slide: large type, thick lines, and line styles (not
colours alone) that survive greyscale printing. Every panel has its own axis
(no twin axes) starting at zero, or at whole decades on a log axis, so a small
change looks small. Legends sit above their panel, never on the data.
Uses the object-oriented matplotlib API with the Agg canvas, so pyplot and GUI
backends never load; margins are fixed in inches, so no layout engine runs.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.labels import column_name, scenario_label, unit_text
from myokine_sim.results import Result

#: Dark-to-light greys with distinct dash patterns, readable without colour.
STYLES = (
    {"color": "black", "linestyle": "-"},
    {"color": "0.35", "linestyle": "--"},
    {"color": "0.55", "linestyle": ":"},
    {"color": "0.2", "linestyle": "-."},
)
SHADE = "0.88"
#: The 90% prediction band (``run --uncertainty``): translucent in the curve's grey, hatched per curve.
BAND_ALPHA = 0.3
BAND_HATCHES = (None, "//", "..", "\\\\")
#: Figure file formats ``myokine run --figure-format`` may write.
FIGURE_FORMATS = ("png", "svg", "pdf")
#: Slide figures: 1600 x 900 pixels, so 14 pt and more reads from the back of a lecture hall.
SLIDE_SIZE_IN = (16.0, 9.0)
SLIDE_FONT = 18
MAX_SLIDE_PANELS = 6


@dataclass(frozen=True)
class Panel:
    """A panel of time courses in one unit (``columns``), on a log axis for fold changes over decades."""

    title: str
    columns: tuple[str, ...]
    log: bool = False
    title_several: str | None = None  # the title when more than one of the columns has a curve to show
    legend_beside_title: bool = False  # the legend on the title's line: the panel sits under tick labels


#: Panels by the name ``--panels`` takes.
PANELS = {
    "il6": Panel("Plasma IL-6", ("plasma_il6_pg_ml",)),
    # The tendon tissue's release shows only after running (it is zero otherwise).
    "release": Panel("Muscle IL-6 release", ("il6_release_ng_min", "peritendinous_il6_release_ng_min"),
                     title_several="IL-6 release", legend_beside_title=True),
    "gene": Panel("Muscle IL-6 gene", ("il6_mrna_fold", "il6_transcription_fold"), log=True),
    # The two stores differ after running, where the biopsied thigh works less than the rest; else one curve shows.
    "glycogen": Panel("Muscle glycogen", ("muscle_glycogen_mmol_kg_dw", "working_muscle_glycogen_mmol_kg_dw")),
    "glucose": Panel("Hepatic glucose output", ("hepatic_glucose_output_mg_kg_min",)),
    # Slides only: the glucose the liver and the gut supply and the muscle takes up.
    "blood_glucose": Panel("Plasma glucose", ("plasma_glucose_mmol_l",)),
    "cytokines": Panel("Plasma cytokines", ("il1ra_pg_ml", "il10_pg_ml", "tnf_alpha_pg_ml"), log=True),
    "lipolysis": Panel("Lipolysis (glycerol appearance)", ("glycerol_ra_umol_kg_min",)),
    "ffa": Panel("Plasma free fatty acids", ("plasma_ffa_mmol_l",)),
    "fat": Panel("Fat oxidation", ("fat_oxidation_g_min",)),
    # Slides only: TNF-alpha on its own linear axis, where its change after endotoxin reads at its true size
    # (on the cytokines panel's log axis, under IL-1ra in the hundreds, it looks flat).
    "tnf": Panel("Plasma TNF-α", ("tnf_alpha_pg_ml",)),
}
#: The nine panels of the full page, in rows of three.
PAGE_PANELS = ("il6", "release", "gene", "glycogen", "glucose", "cytokines", "lipolysis", "ffa", "fat")
#: The exercise schedule with its interventions, also a ``--panels`` name.
SCHEDULE = "schedule"
PANEL_NAMES = (SCHEDULE, *PANELS)
#: Runs longer than this have their time axis labelled in days (the data stay in minutes).
DAYS_AFTER_MIN = 36 * 60.0
MIN_PER_DAY = 1440.0

#: Legend placement of panels with several curves: on its own line above the axes (under the title), or on the
#: title's line at the right, for a panel that sits right under another axis's tick labels.
LEGEND_ABOVE = {"loc": "lower left", "bbox_to_anchor": (0.0, 1.0), "handlelength": 2.2, "columnspacing": 1.2}
LEGEND_BESIDE_TITLE = {"loc": "lower right", "bbox_to_anchor": (1.0, 1.0), "handlelength": 1.6, "columnspacing": 0.8}
#: Short names in the legends of panels with several curves.
LEGEND_NAMES = {"il6_mrna_fold": "mRNA", "il6_transcription_fold": "transcription", "il1ra_pg_ml": "IL-1ra",
                "il10_pg_ml": "IL-10", "tnf_alpha_pg_ml": "TNF-α", "muscle_glycogen_mmol_kg_dw": "thigh (biopsy)",
                "working_muscle_glycogen_mmol_kg_dw": "all working muscle", "il6_release_ng_min": "muscle",
                "peritendinous_il6_release_ng_min": "tendon tissue"}
#: Intervention lane rows: kind -> (row label, marker style).
INTERVENTIONS = {
    "carbohydrate": ("Drinks", {"marker": "v", "markersize": 10, "color": "0.3"}),
    "il6_infusion": ("rhIL-6", {}),
    "hydrocortisone_infusion": ("Cortisol", {}),  # hydrocortisone is cortisol; the long name would be cut
    "meal": ("Meals", {"marker": "^", "markersize": 9, "color": "0.45"}),
    "endotoxin": ("Endotoxin", {"marker": "*", "markersize": 16, "color": "black"}),
}
#: Infusion lanes: kind -> bar hatch.
INFUSION_HATCHES = {"il6_infusion": "///", "hydrocortisone_infusion": "\\\\\\"}
#: An infusion's note, by the manifest's rate key, in the scenario file's unit.
INFUSION_NOTES = {
    "rate_ng_min": lambda rate: f"{rate * 0.06:,.4g} µg/h",  # ng/min x 60 min/h / 1000 ng/µg
    "plasma_rise_pg_ml": lambda rise: f"holds +{rise:,.4g} pg/mL",
    "rate_ug_kg_min": lambda rate: f"{rate:,.4g} µg/kg/min",
}
#: An infusion shorter than this share of the time axis (a bolus given over a minute) is drawn as a mark.
SHORT_INFUSION_SHARE = 0.01
PAGE_RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 12,
           "xtick.labelsize": 12, "ytick.labelsize": 12, "axes.spines.top": False, "axes.spines.right": False}
SLIDE_RC = {**PAGE_RC, "font.size": SLIDE_FONT, "axes.titlesize": SLIDE_FONT + 2, "axes.labelsize": SLIDE_FONT,
            "legend.fontsize": SLIDE_FONT - 2, "xtick.labelsize": SLIDE_FONT - 2, "ytick.labelsize": SLIDE_FONT - 2}


def parse_panels(text: str) -> tuple[str, ...]:
    """``--panels il6,glycogen`` -> ("il6", "glycogen"); raises ``InputError`` naming the allowed panels."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in PANEL_NAMES]
    if unknown or not names or len(names) > MAX_SLIDE_PANELS:
        problem = f"unknown panel {unknown[0]!r}" if unknown else f"give 1 to {MAX_SLIDE_PANELS} panels"
        raise InputError("--panels", text, f"{problem}; allowed: {', '.join(PANEL_NAMES)}")
    return names


def parse_figure_formats(values: list[str]) -> tuple[str, ...]:
    """``["png,svg", "pdf"]`` -> ("png", "svg", "pdf"); raises ``InputError`` for any other format."""
    formats = tuple(dict.fromkeys(part.strip().lower() for value in values for part in value.split(",")
                                  if part.strip()))
    unknown = [name for name in formats if name not in FIGURE_FORMATS]
    if unknown or not formats:
        problem = f"unknown figure format {unknown[0]!r}" if unknown else "no figure format given"
        raise InputError("--figure-format", ",".join(values), f"{problem}; allowed: {', '.join(FIGURE_FORMATS)}")
    return formats


def _style(index: int, linewidth: float) -> dict:
    return {"linewidth": linewidth, **STYLES[index % len(STYLES)]}


def _draw_panel(ax, result: Result, panel: Panel, linewidth: float) -> None:
    """Curves of one unit on their own axis, a legend above the axis when there are several."""
    columns = _distinct_columns(result, panel.columns)
    for index, column in enumerate(columns):
        low, middle, high = (f"{column}_{suffix}" for suffix in ("p05", "p50", "p95"))
        if low in result and high in result:  # a run with --uncertainty: the median and a 90% band
            style = _style(index, linewidth)
            ax.fill_between(result.time_min, result[low], result[high], color=style["color"], alpha=BAND_ALPHA,
                            linewidth=0, hatch=BAND_HATCHES[index % len(BAND_HATCHES)])
            ax.plot(result.time_min, result[middle], label=LEGEND_NAMES.get(column, column_name(column)), **style)
            continue
        ax.plot(result.time_min, result[column], label=LEGEND_NAMES.get(column, column_name(column)),
                **_style(index, linewidth))
    # With several curves the legend takes the line above the axes and the title the one above it.
    several = len(columns) > 1
    beside = several and panel.legend_beside_title
    legend_pad = 1.9 * ax.xaxis.label.get_fontsize() if several and not beside else None
    title = panel.title_several if several and panel.title_several else panel.title
    ax.set_title(title, loc="left", pad=legend_pad)
    ax.set_ylabel(unit_text(result.units[panel.columns[0]]))
    if panel.log:
        _log_axis(ax, [result[name] for column in columns for name in (column, *_band(result, column))])
    else:
        # From zero, so a 1.2-fold change looks like one; headroom keeps a flat line off the top spine.
        highest = max(float(result[_upper(result, column)].max()) for column in columns)
        ax.set_ylim(0, highest * 1.12 if highest > 0 else 1.0)
    if several:
        ax.legend(ncols=len(columns), frameon=False, borderaxespad=0.1, borderpad=0.0,
                  **(LEGEND_BESIDE_TITLE if beside else LEGEND_ABOVE))


def _distinct_columns(result: Result, columns: tuple[str, ...]) -> list[str]:
    """``columns`` less any whose curve repeats an earlier one exactly (the two glycogen stores outside running) and
    any later one that stays below 1e-9 of the first kept curve (the tendon tissue's IL-6 outside running)."""
    def curve(column: str) -> np.ndarray:
        return np.asarray(result[column] if column in result else result[f"{column}_p50"])

    kept: list[str] = []
    for column in columns:
        # Zero to rounding (the solver leaves ~1e-20 in a state that never moves, even beside a first curve that
        # is exactly zero) counts as no curve.
        if kept and np.abs(curve(column)).max() <= max(1e-9 * np.abs(curve(kept[0])).max(), 1e-12):
            continue
        if not any(np.array_equal(curve(column), curve(earlier)) for earlier in kept):
            kept.append(column)
    return kept


def _band(result: Result, column: str) -> tuple[str, ...]:
    """The band columns of ``column`` in ``result`` (none without --uncertainty)."""
    names = (f"{column}_p05", f"{column}_p95")
    return names if all(name in result for name in names) else ()


def _upper(result: Result, column: str) -> str:
    band = _band(result, column)
    return band[1] if band else column


def band_note(result: Result) -> str:
    """The figure's note on the exercise shading, and on the band when there is one."""
    u = result.metadata.get("uncertainty")
    if not u:
        return "grey bands: exercise"
    # Short lines: the note shares the top row with the title, which keeps 2.6 in clear for it.
    return f"light grey: exercise; dark: 90% band\nof {u['draws']} posterior draws, line: median"


def _log_axis(ax, series) -> None:
    """Log scale over whole decades with plain labels (1, 10, 100) and no minor ticks: clearer, and quick."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    low = min(float(values[values > 0].min()) for values in series)
    high = max(float(values.max()) for values in series)
    # A curve that dips a few percent below a decade (rest = 1) does not open a decade of empty axis; the top
    # always clears the highest point, so a peak is never cut off (nor drawn under the legend above the axes).
    bottom, top = math.floor(math.log10(low * 1.05)), math.ceil(math.log10(high))
    ax.set_yscale("log")
    ax.set_ylim(10.0 ** bottom, 10.0 ** max(top, bottom + 1))
    ax.yaxis.set_major_locator(LogLocator(base=10.0))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


def _shade_exercise(ax, result: Result) -> None:
    for start, end in result.exercise_periods:
        ax.axvspan(start, end, color=SHADE, linewidth=0, zorder=0)


def _bouts(result: Result) -> list[tuple[float, float, float]]:
    """(start, end, intensity) of every exercise period, its intensity read at its middle."""
    return [(start, end, result.at("intensity_pct_vo2max", (start + end) / 2)) for start, end in
            result.exercise_periods]


def schedule_text(result: Result) -> str:
    """The bouts in words: runs of equal bouts counted ("10 x 1 min at 95%"), at most three runs."""
    runs: list[list] = []  # [count, duration, intensity, spacing]
    bouts = _bouts(result)
    for index, (start, end, intensity) in enumerate(bouts):
        duration = end - start
        last = runs[-1] if runs else None
        spacing = start - bouts[index - 1][0] if index else None
        if last and math.isclose(last[1], duration) and math.isclose(last[2], intensity, abs_tol=0.5) \
                and (last[3] is None or math.isclose(last[3], spacing)):
            last[0] += 1
            last[3] = spacing
        else:
            runs.append([1, duration, intensity, None])
    if not runs:
        return "No exercise"
    parts = [(f"{count} × " if count > 1 else "") + f"{duration:g} min at {intensity:.0f}%"
             + (f", every {_duration(spacing)}" if count > 1 and spacing else "")
             for count, duration, intensity, spacing in runs[:3]]
    more = f", … ({len(bouts)} bouts)" if len(runs) > 3 else ""
    return "Exercise: " + "; ".join(parts) + more


def _duration(minutes: float) -> str:
    """"15 min"; whole hours from two hours up ("3 h", "24 h")."""
    return f"{minutes / 60:g} h" if minutes >= 120 and minutes % 60 == 0 else f"{minutes:g} min"


def _load_unit(result: Result) -> str:
    """Knee extension is dosed as a share of the leg's peak power, whole-body exercise as %VO2max."""
    whole_body = result["whole_leg_exercise"][result["intensity_pct_vo2max"] > 0]
    if whole_body.size and (whole_body == 0).all():
        return "% leg peak power"
    if whole_body.size and (whole_body == 0).any():
        return "% peak (VO2max or leg power)"
    return "%VO2max"


def _draw_schedule(ax, result: Result) -> None:
    """Each bout its own outlined bar, so intervals and a short warm-up stay visible."""
    bouts = _bouts(result)
    for start, end, intensity in bouts:
        ax.bar(start, intensity, width=end - start, align="edge", color="0.6", edgecolor="black", linewidth=0.8)
    ax.set_ylim(0, 100 if not bouts else max(100.0, max(b[2] for b in bouts) * 1.1))
    ax.set_yticks([0, 50, 100])
    ax.set_axisbelow(True)  # grid lines behind the bars
    ax.set_ylabel(_load_unit(result))
    # Wrapped to the axes' width (about 0.55 em per character), so it never runs into a neighbour's title.
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    characters = int(width_pt / (0.55 * ax.title.get_fontsize()))
    ax.set_title(textwrap.fill(schedule_text(result), characters), loc="left")


def _draw_interventions(ax, result: Result) -> None:
    """One row per kind of intervention: drinks, meals, rhIL-6 and hydrocortisone infusions and endotoxin boluses,
    each labelled."""
    events = result.metadata.get("interventions", [])
    kinds = [kind for kind in INTERVENTIONS if any(event["kind"] == kind for event in events)]
    end = float(result.time_min[-1])
    start = float(result.time_min[0])
    rows = [INTERVENTIONS[kind][0] for kind in kinds]
    for row, kind in enumerate(kinds):
        name, style = INTERVENTIONS[kind]
        mine = [event for event in events if event["kind"] == kind]
        if kind in INFUSION_HATCHES:
            hatch = INFUSION_HATCHES[kind]
            for event in mine:
                length = event["end_min"] - event["time_min"]
                if length < SHORT_INFUSION_SHARE * (end - start):
                    ax.plot([event["time_min"]], [row], linestyle="none", marker="D", markersize=9, color="black",
                            clip_on=False)
                else:
                    ax.barh(row, length, left=event["time_min"], height=0.6, color="white", edgecolor="black",
                            hatch=hatch, linewidth=1.0)
            doses = sorted({(key, event[key]) for event in mine for key in INFUSION_NOTES if key in event})
            note = ", ".join(INFUSION_NOTES[key](dose) for key, dose in doses)
            at = mine[-1]["end_min"]
        else:
            ax.plot([event["time_min"] for event in mine], [row] * len(mine), linestyle="none", clip_on=False,
                    **style)
            unit = "ng/kg" if kind == "endotoxin" else "g"  # drinks and meals: grams of carbohydrate
            amounts = sorted({event["amount"] for event in mine})
            if len(amounts) > 1:
                note = f"{amounts[0]:g}-{amounts[-1]:g} {unit}"
            else:
                note = f"{amounts[0]:g} {unit}" + (" each" if len(mine) > 1 else "")
            at = mine[-1]["time_min"]
        # The note goes right of the last event, else left of the first; events from start to end (daily
        # meals over a week) leave no room, so the note goes under the row's name.
        first = mine[0]["time_min"]
        if at < 0.8 * end:
            ax.annotate(note, (at, row), xytext=(14, 0), textcoords="offset points", va="center", ha="left")
        elif first - start > 0.2 * (end - start):
            ax.annotate(note, (first, row), xytext=(-14, 0), textcoords="offset points", va="center", ha="right")
        else:
            rows[row] += "\n" + note.removesuffix(" each")
    ax.set_yticks(range(len(kinds)), rows)
    ax.set_ylim(-0.6, len(kinds) - 0.4)
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0, pad=10)  # room for a marker at time zero
    ax.spines["left"].set_visible(False)
    ax.set_title("Interventions", loc="left")


def summary_lines(result: Result) -> list[str]:
    """What a student reads off the run: the IL-6 response, the gene, glycogen and the IL-1ra answer."""
    metrics = result.summary()["metrics"]
    il6 = metrics["plasma_il6_pg_ml"]
    glycogen = metrics["muscle_glycogen_mmol_kg_dw"]
    hours = _in_days(result)
    # The thigh is named where the working muscle's store differs from it (running): the biopsy site.
    store = "Thigh glycogen" if len(_distinct_columns(result, PANELS["glycogen"].columns)) > 1 else "Muscle glycogen"
    if glycogen["baseline"] - glycogen["min"] > 0.02 * glycogen["baseline"]:
        glycogen_line = f"{store}: {glycogen['baseline']:.0f} → {glycogen['min']:.0f} mmol/kg dw"
    else:
        glycogen_line = f"{store}: unchanged, {glycogen['baseline']:.0f} mmol/kg dw"
    return [
        _peak_line("Plasma IL-6", il6, hours),
        f"  ({_number(il6['baseline'])} → {_number(il6['peak'])} pg/mL)",
        _peak_line("Muscle IL-6 mRNA", metrics["il6_mrna_fold"], hours),
        glycogen_line,
        _peak_line("Plasma IL-1ra", metrics["il1ra_pg_ml"], hours),
    ]


def _peak_line(name: str, metric: dict, hours: bool = False) -> str:
    """"Plasma IL-6: 61 × rest at 220 min" (at 121 h in a run of days), or "no rise" below 5 %."""
    fold = metric["peak"] / metric["baseline"]
    if fold < 1.05:
        return f"{name}: no rise"
    time = metric["time_of_peak_min"]
    return f"{name}: {_number(fold)} × rest at " + (f"{time / 60:.0f} h" if hours else f"{time:.0f} min")


def _number(value: float) -> str:
    """Two significant digits, never in e-notation: 1.7, 61, 170, 3900."""
    return f"{value:.2g}" if abs(value) < 100 else f"{float(f'{value:.2g}'):.0f}"


def teaching_figure(result: Result, title: str | None = None):
    """A matplotlib ``Figure`` of the whole run: schedule, interventions, nine panels and a summary."""
    import matplotlib
    from matplotlib.figure import Figure

    interventions = _intervention_rows(result) > 0
    with matplotlib.rc_context(PAGE_RC):
        figure = Figure(figsize=(16, 11), dpi=100)
        # The title keeps clear of the note at the top right.
        header_in = _header(figure, result, title, 17, PAGE_RC["font.size"], width_in=16 - 2.6)
        # Relative row heights: schedule, interventions lane (when there are any), three rows of panels.
        heights = [1.15] + ([0.4 + 0.3 * _intervention_rows(result)] if interventions else []) + [1.75] * 3
        grid = _grid(figure, heights, columns=3, left_in=1.2, right_in=0.3, top_in=0.3 + header_in, bottom_in=0.65,
                     row_gap_in=0.72, column_gap_in=1.1)
        schedule = figure.add_subplot(grid[0, :2])
        _draw_schedule(schedule, result)
        summary = figure.add_subplot(grid[0:2 if interventions else 1, 2])
        _draw_summary(summary, result)
        timeline = [schedule]
        if interventions:
            lane = figure.add_subplot(grid[1, :2], sharex=schedule)
            _draw_interventions(lane, result)
            timeline.append(lane)
        first_row = len(heights) - 3
        panels = []
        for index, name in enumerate(PAGE_PANELS):
            ax = figure.add_subplot(grid[first_row + index // 3, index % 3], sharex=schedule)
            _draw_panel(ax, result, PANELS[name], 2.4)
            panels.append(ax)
        # The schedule is wider than a panel, so it gets time labels of its own.
        _finish_time_axes(panels, timeline, result, labelled=[*panels[-3:], timeline[-1]])
        for ax in panels[-3:]:
            ax.set_xlabel(_time_label(result))
        figure.text(0.99, 1 - 0.2 / 11, band_note(result), ha="right", va="top", fontsize=12)
    return figure


def slide_figure(result: Result, panels: tuple[str, ...], title: str | None = None):
    """A 1600 x 900 ``Figure`` of a few panels (names of ``PANEL_NAMES``) in large type."""
    import matplotlib
    from matplotlib.figure import Figure

    columns = 1 if len(panels) <= 3 else 2
    rows = math.ceil(len(panels) / columns)
    with matplotlib.rc_context(SLIDE_RC):
        figure = Figure(figsize=SLIDE_SIZE_IN, dpi=100)
        header_in = _header(figure, result, title, SLIDE_FONT + 4, SLIDE_FONT, width_in=SLIDE_SIZE_IN[0] - 0.3)
        # A schedule with its interventions lane needs a taller row than a panel.
        lane = _intervention_rows(result) > 0
        weights = [1.6 if lane and SCHEDULE in panels[row * columns:(row + 1) * columns] else 1.0
                   for row in range(rows)]
        grid = _grid(figure, weights, columns=columns, left_in=1.35,
                     right_in=0.35, top_in=0.8 + header_in, bottom_in=0.85, row_gap_in=0.95, column_gap_in=1.3)
        axes = []
        timeline = []
        bottom_row = []
        for index, name in enumerate(panels):
            cell = grid[index // columns, index % columns]
            shared = (axes or timeline or [None])[0]
            if name == SCHEDULE and lane:
                # The interventions get their own lane under the bouts, as on the full page.
                upper, lower = cell.subgridspec(2, 1, height_ratios=[3, 1 + _intervention_rows(result)],
                                                hspace=0.7)
                ax = figure.add_subplot(upper, sharex=shared)
                _draw_schedule(ax, result)
                lane = figure.add_subplot(lower, sharex=ax)
                _draw_interventions(lane, result)
                timeline += [ax, lane]
            else:
                ax = figure.add_subplot(cell, sharex=shared)
                if name == SCHEDULE:
                    _draw_schedule(ax, result)
                    timeline.append(ax)
                else:
                    panel = PANELS[name]
                    if name == "cytokines" and "tnf" in panels:  # TNF-alpha has its own panel on this slide
                        panel = Panel(panel.title, tuple(c for c in panel.columns if c != "tnf_alpha_pg_ml"), panel.log)
                    _draw_panel(ax, result, panel, 3.2)
                    axes.append(ax)
            if index + columns >= len(panels):  # nothing below it
                bottom_row.append((timeline if name == SCHEDULE else axes)[-1])
        _finish_time_axes(axes, timeline, result, labelled=bottom_row)
        for ax in bottom_row:
            ax.set_xlabel(_time_label(result))
    return figure


def title_lines(result: Result, title: str | None = None) -> tuple[str, str | None]:
    """The figure's title, and for a run changed with ``--set`` (``with_settings``) a line saying how.

    The scenario's own description alone would pass a modified run off as the study it names.
    """
    settings = result.metadata.get("settings") or []
    note = "Modified with " + " ".join(f"--set {setting}" for setting in settings) if settings else None
    return title or scenario_label(result.scenario_name), note


def _header(figure, result: Result, title: str | None, title_size: float, note_size: float, width_in: float) -> float:
    """Draw the bold title and the modification line at the top left, wrapped to ``width_in``.

    Returns their height in inches.
    """
    height = figure.get_figheight()
    text, note = title_lines(result, title)
    top_in = 0.15
    # About 0.6 em per character in bold, 0.55 in regular type.
    title = textwrap.fill(text, int(width_in * 72 / (0.6 * title_size)))
    figure.suptitle(title, x=0.01, y=1 - top_in / height, ha="left", va="top", fontsize=title_size, weight="bold")
    top_in += (title.count("\n") + 1) * 1.25 * title_size / 72
    if note:
        note = textwrap.fill(note, int(width_in * 72 / (0.55 * note_size)), break_on_hyphens=False)
        figure.text(0.01, 1 - (top_in + 0.04) / height, note, ha="left", va="top", fontsize=note_size,
                    style="italic")
        top_in += 0.04 + (note.count("\n") + 1) * 1.25 * note_size / 72
    return top_in


def _in_days(result: Result) -> bool:
    """A run long enough for its time axis to read in days."""
    return float(result.time_min[-1] - result.time_min[0]) > DAYS_AFTER_MIN


def _time_label(result: Result) -> str:
    return "Time (days)" if _in_days(result) else "Time (min)"


def _finish_time_axes(panels, timeline, result: Result, labelled) -> None:
    """Shared time axis: exercise shaded on the panels (the schedule draws its bouts), time labels where asked.

    A run of days keeps its data in minutes but is ticked and labelled at whole days (1440 min).
    """
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    for ax in panels:
        _shade_exercise(ax, result)
    start, end = float(result.time_min[0]), float(result.time_min[-1])
    for ax in (*panels, *timeline):
        ax.grid(True, axis="x", color="0.85", linewidth=0.6)
        ax.set_xlim(start, end)
        ax.tick_params(labelbottom=any(ax is other for other in labelled))
    if _in_days(result) and (panels or timeline):
        # The axes share x: one locator serves all. At most about ten labelled days.
        step = max(1, math.ceil((end - start) / MIN_PER_DAY / 10))
        ax = (*panels, *timeline)[0]
        ax.xaxis.set_major_locator(MultipleLocator(step * MIN_PER_DAY))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / MIN_PER_DAY:g}"))


def _intervention_rows(result: Result) -> int:
    """Rows of the interventions lane: one per kind drawn."""
    return len({event["kind"] for event in result.metadata.get("interventions", [])} & set(INTERVENTIONS))


def _grid(figure, heights_in, columns, left_in, right_in, top_in, bottom_in, row_gap_in, column_gap_in):
    """A grid spec with margins and gaps fixed in inches (no layout engine: one draw per figure).

    ``heights_in`` are the rows' relative heights; the rows share what the margins and gaps leave.
    """
    width, height = figure.get_size_inches()
    rows = len(heights_in)
    axes_width = (width - left_in - right_in - column_gap_in * (columns - 1)) / columns
    axes_height = (height - top_in - bottom_in - row_gap_in * (rows - 1)) / rows
    return figure.add_gridspec(
        rows, columns, height_ratios=heights_in,
        left=left_in / width, right=1 - right_in / width, top=1 - top_in / height, bottom=bottom_in / height,
        hspace=row_gap_in / axes_height, wspace=column_gap_in / axes_width,
    )


def _draw_summary(ax, result: Result) -> None:
    ax.axis("off")
    ax.set_title("In numbers", loc="left")
    ax.text(0.0, 1.0, "\n".join(summary_lines(result)), transform=ax.transAxes, va="top", ha="left",
            linespacing=1.55)


def figure_bytes(figure, file_format: str = "png") -> bytes:
    """Render a figure as PNG, SVG or PDF bytes; no dates or random ids inside, so a run gives the same file."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(file_format)
    with matplotlib.rc_context({"svg.hashsalt": "myokine_sim"}):
        canvas.print_figure(buffer, format=file_format, metadata=metadata)
    return buffer.getvalue()


def figure_png(figure) -> bytes:
    """Render a figure to PNG bytes with the Agg canvas."""
    return figure_bytes(figure, "png")


def run_figures(result: Result, panels: tuple[str, ...] | None = None, formats: tuple[str, ...] = ("png",),
                title: str | None = None) -> dict[str, bytes]:
    """The run's figure in each format: the full page, or a slide of ``panels``."""
    figure = slide_figure(result, panels, title) if panels else teaching_figure(result, title)
    return {file_format: figure_bytes(figure, file_format) for file_format in formats}
