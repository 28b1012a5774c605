"""Teaching figures: one page of panels sharing the time axis.

Made for a lecture slide: large type, thick lines, and line styles (not
colours alone) that survive greyscale printing. Uses the object-oriented
matplotlib API with the Agg canvas, so pyplot and GUI backends never load.
"""

from __future__ import annotations

import io

from myokine_sim.results import Result

#: Dark-to-light greys with distinct dash patterns, readable without colour.
STYLES = (
    {"color": "black", "linestyle": "-"},
    {"color": "0.35", "linestyle": "--"},
    {"color": "0.55", "linestyle": ":"},
    {"color": "0.2", "linestyle": "-."},
)
SHADE = "0.88"


def _style(index: int) -> dict:
    return {"linewidth": 2.4, **STYLES[index % len(STYLES)]}


def _shade_exercise(ax, result: Result) -> None:
    for start, end in result.exercise_periods:
        ax.axvspan(start, end, color=SHADE, linewidth=0, zorder=0)


def _plot(ax, result: Result, columns: list[tuple[str, str]], ylabel: str, log: bool = False, first_style: int = 0):
    lines = []
    for offset, (name, label) in enumerate(columns):
        (line,) = ax.plot(result.time_min, result[name], label=label, **_style(first_style + offset))
        lines.append(line)
    ax.set_ylabel(ylabel)
    if log:
        _log_axis(ax)
    return lines


def _log_axis(ax) -> None:
    """Log scale with plain decade labels (1, 10, 100) and no minor ticks: clearer, and quick to draw."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10.0))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


def teaching_figure(result: Result, title: str | None = None):
    """A matplotlib ``Figure`` of the whole run."""
    from matplotlib.figure import Figure

    rc = {
        "font.size": 13,
        "axes.titlesize": 14,
        "axes.labelsize": 13,
        "legend.fontsize": 11,
        "axes.spines.top": False,
    }
    import matplotlib

    with matplotlib.rc_context(rc):
        # Fixed margins: a layout engine would redraw the figure several times.
        figure = Figure(figsize=(16, 10), dpi=100)
        axes = figure.subplots(4, 2, sharex=True)
        figure.subplots_adjust(left=0.075, right=0.93, bottom=0.06, top=0.92, hspace=0.42, wspace=0.36)
        left, right = axes[:, 0], axes[:, 1]

        # Schedule: intensity, with intervention markers.
        ax = left[0]
        ax.step(result.time_min, result["intensity_pct_vo2max"], where="post", **_style(0), label="exercise")
        ax.set_ylabel("Intensity\n(%VO2max)")
        ax.set_ylim(0, max(100.0, float(result["intensity_pct_vo2max"].max()) * 1.15))
        ax.set_title("Schedule")
        _mark_interventions(ax, result)

        ax = left[1]
        _plot(ax, result, [("muscle_glycogen_mmol_kg_dw", "glycogen")], "Glycogen\n(mmol/kg dw)")
        ax.set_ylim(bottom=0)
        ax.set_title("Muscle glycogen")

        ax = left[2]
        _plot(
            ax, result,
            [("il6_mrna_fold", "mRNA"), ("il6_transcription_fold", "transcription")],
            "IL-6 mRNA, transcription\n(fold over rest)", log=True,
        )
        ax.set_title("Muscle IL-6 gene")
        ax.legend(loc="upper right", frameon=False)

        ax = left[3]
        lines = _plot(ax, result, [("plasma_il6_pg_ml", "plasma IL-6 (pg/mL)")], "Plasma IL-6\n(pg/mL)")
        twin = ax.twinx()
        lines += _plot(twin, result, [("il6_release_ng_min", "muscle release (ng/min)")], "Release\n(ng/min)",
                       first_style=1)
        twin.set_ylim(bottom=0)
        ax.set_ylim(bottom=0)
        ax.legend(lines, [line.get_label() for line in lines], loc="upper right", frameon=False)
        ax.set_title("Plasma IL-6 and muscle release")

        ax = right[0]
        lines = _plot(ax, result, [("glycerol_ra_umol_kg_min", "glycerol Ra (umol/kg/min)")],
                      "Glycerol Ra\n(umol/kg/min)")
        ax.set_ylim(bottom=0)
        twin = ax.twinx()
        lines += _plot(
            twin, result,
            [("plasma_ffa_mmol_l", "FFA (mmol/L)"), ("fat_oxidation_g_min", "fat oxidation (g/min)")],
            "FFA (mmol/L)\nfat ox. (g/min)", first_style=1,
        )
        twin.set_ylim(bottom=0)
        ax.legend(lines, [line.get_label() for line in lines], loc="upper right", frameon=False)
        ax.set_title("Lipolysis, FFA and fat oxidation")

        ax = right[1]
        _plot(
            ax, result,
            [("il1ra_pg_ml", "IL-1ra"), ("il10_pg_ml", "IL-10"), ("tnf_alpha_pg_ml", "TNF-alpha")],
            "Plasma (pg/mL)", log=True,
        )
        ax.legend(loc="best", frameon=False, ncols=3)
        ax.set_title("Anti-inflammatory cytokines and TNF-alpha")

        ax = right[2]
        _plot(ax, result, [("hepatic_glucose_output_mg_kg_min", "hepatic glucose output")],
              "Glucose output\n(mg/kg/min)")
        ax.set_ylim(bottom=0)
        ax.set_title("Hepatic glucose output")

        ax = right[3]
        _summary_panel(ax, result)

        for ax in axes.flat[:-1]:
            _shade_exercise(ax, result)
            ax.grid(True, color="0.8", linewidth=0.6)
            ax.margins(x=0)
        for ax in (left[3], right[2]):
            ax.set_xlabel("Time (min)")
            ax.tick_params(labelbottom=True)
        figure.suptitle(title or f"myokine_sim: {result.scenario_name}  (grey bands: exercise)", fontsize=16)
    return figure


def _mark_interventions(ax, result: Result) -> None:
    events = result.metadata.get("interventions", [])
    top = ax.get_ylim()[1]
    labelled: set[str] = set()
    for event in events:
        kind = event["kind"]
        if kind == "il6_infusion":
            ax.axvspan(event["time_min"], event["end_min"], ymin=0.0, ymax=0.12, facecolor="white",
                       edgecolor="black", hatch="///", linewidth=1.0,
                       label=None if kind in labelled else "rhIL-6 infusion")
        elif kind == "carbohydrate":
            ax.plot([event["time_min"]], [top * 0.93], marker="v", markersize=9, color="0.3", linestyle="none",
                    label=None if kind in labelled else "carbohydrate drink")
        elif kind == "endotoxin":
            ax.axvline(event["time_min"], color="black", linestyle=(0, (1, 1)), linewidth=2.0,
                       label=None if kind in labelled else "endotoxin bolus")
        labelled.add(kind)
    if events:
        ax.legend(loc="upper right", frameon=False, ncols=2)


def _summary_panel(ax, result: Result) -> None:
    summary = result.summary()["metrics"]
    il6 = summary["plasma_il6_pg_ml"]
    glycogen = summary["muscle_glycogen_mmol_kg_dw"]
    mrna = summary["il6_mrna_fold"]
    lines = [
        f"Peak plasma IL-6: {il6['peak']:.1f} pg/mL ({il6['fold_peak']:.0f}-fold) at {il6['time_of_peak_min']:.0f} min",
        f"Peak IL-6 mRNA: {mrna['peak']:.0f}-fold at {mrna['time_of_peak_min']:.0f} min",
        f"Glycogen nadir: {glycogen['min']:.0f} mmol/kg dw at {glycogen['time_of_min_min']:.0f} min",
        f"Peak IL-1ra: {summary['il1ra_pg_ml']['peak']:.0f} pg/mL",
        f"Peak TNF-alpha: {summary['tnf_alpha_pg_ml']['peak']:.2f} pg/mL",
    ]
    ax.axis("off")
    ax.text(0.02, 0.95, "\n".join(lines), transform=ax.transAxes, va="top", ha="left", fontsize=13,
            linespacing=1.6)


def figure_png(figure) -> bytes:
    """Render a figure to PNG bytes with the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()
