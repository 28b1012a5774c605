"""The figures, checked as a reader sees them: human labels, nothing overlapping, honest axes, slide-sized type.

Every figure is drawn with the Agg renderer and its text artists are compared by their window extents
(display pixels), so these tests fail on what a student would actually see.
"""

import json
import os
import re

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim.cli import app
from myokine_sim.figure_worker import FigureWorker, render_in_process
from myokine_sim.figures import PAGE_PANELS, PANELS, slide_figure, teaching_figure
from myokine_sim.labels import label
from myokine_sim.scenario import scenario_from_dict

#: Scenarios whose full page is checked: carbohydrate drinks, intervals, legends, rhIL-6 with endotoxin, running
#: (two glycogen stores, and the tendon tissue's IL-6 beside the muscle's) and hydrocortisone without exercise.
PAGE_SCENARIOS = ("cycling_120min_glucose", "hiit_10x1min", "cycling_60min_65pct", "endotoxin_il6_infusion",
                  "running_60min_lactate_threshold", "endotoxin_2ngkg_hydrocortisone")
#: snake_case column names (plasma_il6_pg_ml) and dotted internal paths (exercise.0.intensity_pct_vo2max).
INTERNAL_NAME = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z][a-z0-9_]*\.(\d+\.)?[a-z][a-z0-9]*_[a-z0-9_]+\b")
SLIDE_PIXELS = (1600, 900)


@pytest.fixture(scope="module")
def results():
    return {name: ms.simulate(name) for name in PAGE_SCENARIOS}


# ------------------------------------------------------------------ helpers


def drawn(figure):
    """The figure drawn once by Agg, so window extents are final; returns the renderer."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def text_boxes(figure) -> list[tuple[Text, object]]:
    """Every text Agg actually draws (hidden tick labels and ticks out of view excluded), with its window extent."""
    shown = []
    draw = Text.draw

    def recording(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip():
            shown.append(text)

    Text.draw = recording
    try:
        renderer = drawn(figure)
    finally:
        Text.draw = draw
    return [(text, text.get_window_extent(renderer)) for text in dict.fromkeys(shown)]


def visible_texts(figure) -> list[Text]:
    return [text for text, _ in text_boxes(figure)]


def overlaps(first, second, tolerance: float = 1.0) -> bool:
    """Two display boxes share more than ``tolerance`` pixels in both directions."""
    return (min(first.x1, second.x1) - max(first.x0, second.x0) > tolerance
            and min(first.y1, second.y1) - max(first.y0, second.y0) > tolerance)


def overlapping_texts(figure) -> list[str]:
    """Pairs of texts drawn over each other, texts over an axes they do not belong in, texts off the page."""
    boxes = text_boxes(figure)
    page = figure.bbox
    problems = []
    for index, (text, box) in enumerate(boxes):
        if box.x0 < page.x0 + 2 or box.x1 > page.x1 - 2 or box.y0 < page.y0 + 2 or box.y1 > page.y1 - 2:
            problems.append(f"{text.get_text()!r} touches or leaves the edge of the page")
        for other, other_box in boxes[index + 1:]:
            if overlaps(box, other_box):
                problems.append(f"{text.get_text()!r} overlaps {other.get_text()!r}")
        for ax in figure.axes:
            inside = text in ax.texts  # a cell value or a marker's label belongs on its own axes
            if ax.axison and not inside and overlaps(box, ax.bbox):
                problems.append(f"{text.get_text()!r} overlaps the axes {ax.get_title(loc='left')!r}")
    return problems


def data_points(figure) -> np.ndarray:
    """Every plotted point (lines, markers, filled bands) in display pixels."""
    points = []
    for ax in figure.axes:
        for line in ax.lines:
            xy = np.asarray(line.get_xydata(), dtype=float)
            if len(xy):
                points.append(line.get_transform().transform(xy))
        for collection in ax.collections:
            for path in collection.get_paths():
                if len(path.vertices):
                    points.append(collection.get_transform().transform(path.vertices))
    return np.concatenate(points) if points else np.empty((0, 2))


def legends_covering_data(figure) -> list[str]:
    drawn(figure)
    points = data_points(figure)
    problems = []
    for legend in [ax.get_legend() for ax in figure.axes if ax.get_legend()] + figure.legends:
        box = legend.get_window_extent()
        inside = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0)
                  & (points[:, 1] < box.y1))
        if inside.any():
            problems.append(f"legend {[t.get_text() for t in legend.get_texts()]} covers {inside.sum()} points")
    return problems


def internal_names(figure) -> list[str]:
    return [text.get_text() for text in visible_texts(figure) if INTERNAL_NAME.search(text.get_text())]


# ------------------------------------------------------------------ the checks themselves can fail


def test_the_checks_catch_internal_names_overlaps_and_covered_data(results):
    figure = teaching_figure(results["hiit_10x1min"])
    ax = figure.axes[2]
    ax.set_ylabel("plasma_il6_pg_ml (pg/mL)")
    ax.text(0.5, 1.0, "a title over the axes above", transform=ax.transAxes, fontsize=30)
    glycogen = next(ax for ax in figure.axes if ax.get_title(loc="left") == "Muscle glycogen")
    glycogen.set_ylim(0, float(results["hiit_10x1min"]["muscle_glycogen_mmol_kg_dw"].max()))
    glycogen.legend(["glycogen"], loc="upper left")  # the curve now starts at the top of this panel
    assert internal_names(figure)
    assert overlapping_texts(figure)
    assert legends_covering_data(figure)


# ------------------------------------------------------------------ the run's full page


@pytest.mark.parametrize("name", PAGE_SCENARIOS)
def test_the_full_page_has_human_labels_no_overlaps_and_legends_off_the_data(results, name):
    figure = teaching_figure(results[name])  # titled by the scenario's description, not its file name
    assert internal_names(figure) == []
    assert overlapping_texts(figure) == []
    assert legends_covering_data(figure) == []


def test_the_release_panel_adds_the_tendon_tissue_only_after_running(results):
    def release_panel(name):
        figure = teaching_figure(results[name])
        return next(ax for ax in figure.axes if ax.get_title(loc="left").endswith("IL-6 release"))

    running, cycling = release_panel("running_60min_lactate_threshold"), release_panel("cycling_60min_65pct")
    assert running.get_title(loc="left") == "IL-6 release" and len(running.lines) == 2
    assert [text.get_text() for text in running.get_legend().get_texts()] == ["muscle", "tendon tissue"]
    assert cycling.get_title(loc="left") == "Muscle IL-6 release" and len(cycling.lines) == 1
    # Without exercise the muscle's release is exactly zero and the tendon tissue's is rounding (~1e-19): one curve.
    resting = release_panel("endotoxin_2ngkg_hydrocortisone")
    assert resting.get_title(loc="left") == "Muscle IL-6 release" and len(resting.lines) == 1


def test_every_panel_has_its_own_axis_with_a_unit_and_linear_axes_start_at_zero(results):
    figure = teaching_figure(results["hiit_10x1min"])
    panels = [ax for ax in figure.axes if ax.lines]
    assert len(panels) == len(PAGE_PANELS)
    boxes = [tuple(np.round(ax.get_position().bounds, 4)) for ax in figure.axes]
    assert len(set(boxes)) == len(boxes), "a twin axis shares a panel"
    for ax in panels:
        assert ax.get_ylabel(), f"{ax.get_title(loc='left')!r} lacks a unit"
        if ax.get_yscale() == "linear":
            assert ax.get_ylim()[0] == 0.0, f"{ax.get_title(loc='left')!r} does not start at zero"
    units = {ax.get_title(loc="left"): ax.get_ylabel() for ax in panels}
    assert units["Plasma free fatty acids"] == "mmol/L" and units["Fat oxidation"] == "g/min"
    assert units["Plasma IL-6"] == "pg/mL" and units["Muscle IL-6 release"] == "ng/min"


def test_a_log_panel_spans_whole_decades(results):
    figure = teaching_figure(results["hiit_10x1min"])
    for ax in figure.axes:
        if ax.get_yscale() == "log":
            low, high = np.log10(ax.get_ylim())
            assert low == round(low) and high == round(high) and high - low >= 1


def test_lines_are_grey_and_told_apart_by_dash_pattern(results):
    figure = teaching_figure(results["cycling_120min_glucose"])
    for ax in figure.axes:
        for line in ax.lines:
            red, green, blue, _ = mcolors.to_rgba(line.get_color())
            assert red == green == blue, f"coloured line in {ax.get_title(loc='left')!r}"
        curves = [line.get_linestyle() for line in ax.lines if line.get_linestyle() != "None"]
        assert len(set(curves)) == len(curves), f"two curves look alike in {ax.get_title(loc='left')!r}"


def test_each_interval_is_its_own_bar_with_a_visible_gap(results):
    figure = teaching_figure(results["hiit_10x1min"])
    schedule = figure.axes[0]
    renderer = drawn(figure)
    bars = sorted((bar.get_window_extent(renderer) for bar in schedule.patches if isinstance(bar, Rectangle)
                   and bar.get_height() > 0), key=lambda box: box.x0)
    assert len(bars) == 11  # the warm-up and ten intervals
    assert bars[0].width >= 15, "the 5-min warm-up is hard to see"
    gaps = [right.x0 - left.x1 for left, right in zip(bars[1:], bars[2:])]
    assert min(gaps) >= 3, "intervals merge into one block"
    assert "10 × 1 min at 95%" in schedule.get_title(loc="left")


def test_interventions_have_their_own_labelled_lane(results):
    figure = teaching_figure(results["endotoxin_il6_infusion"])
    lanes = [ax for ax in figure.axes if ax.get_title(loc="left") == "Interventions"]
    assert len(lanes) == 1
    rows = [tick.get_text() for tick in lanes[0].get_yticklabels()]
    assert rows == ["rhIL-6", "Endotoxin"]
    notes = [text.get_text() for text in lanes[0].texts]
    assert "holds +28 pg/mL" in notes and "0.06 ng/kg" in notes  # the rise and the bolus the scenario gives
    dosed = teaching_figure(ms.simulate(scenario_from_dict(
        {"name": "dosed", "il6_infusion": [{"start_min": 30.0, "duration_min": 120.0, "rate_ug_per_h": 6.0}]})))
    lane = next(ax for ax in dosed.axes if ax.get_title(loc="left") == "Interventions")
    assert "6 µg/h" in [text.get_text() for text in lane.texts]  # a dose in the scenario file's unit
    schedule = figure.axes[0]
    assert not [patch for patch in schedule.patches if patch.get_hatch()], "the infusion is on the %VO2max axis"
    drinks = teaching_figure(results["cycling_120min_glucose"])
    lane = next(ax for ax in drinks.axes if ax.get_title(loc="left") == "Interventions")
    assert [tick.get_text() for tick in lane.get_yticklabels()] == ["Drinks"]
    assert len(lane.lines[0].get_xdata()) == 8 and "16 g each" in lane.texts[0].get_text()
    assert not [ax for ax in teaching_figure(results["hiit_10x1min"]).axes
                if ax.get_title(loc="left") == "Interventions"]
    cortisol = teaching_figure(results["endotoxin_2ngkg_hydrocortisone"])
    lane = next(ax for ax in cortisol.axes if ax.get_title(loc="left") == "Interventions")
    assert [tick.get_text() for tick in lane.get_yticklabels()] == ["Cortisol", "Endotoxin"]
    assert "3 µg/kg/min" in [text.get_text() for text in lane.texts]
    assert [patch.get_hatch() for patch in lane.patches] == ["\\\\\\"]


def test_the_summary_keeps_what_a_student_needs(results):
    figure = teaching_figure(results["hiit_10x1min"])
    summary = next(ax for ax in figure.axes if ax.get_title(loc="left") == "In numbers")
    text = summary.texts[0].get_text()
    assert "TNF" not in text and "-fold" not in text
    # The line follows the run: its fold (2 significant figures) and the time of the peak.
    result = results["hiit_10x1min"]
    il6 = result["plasma_il6_pg_ml"]
    peak = int(np.argmax(il6))
    assert f"Plasma IL-6: {il6[peak] / il6[0]:.2g} × rest at {result.time_min[peak]:.0f} min" in text


# ------------------------------------------------------------------ slides


@pytest.mark.parametrize("panels", [("il6", "glycogen"), ("schedule", "il6", "cytokines"),
                                    ("schedule", "il6", "release", "gene", "fat")])
def test_a_slide_is_1600_by_900_with_text_of_14_pt_or_more(results, panels):
    figure = slide_figure(results["endotoxin_il6_infusion"] if "cytokines" in panels else results["hiit_10x1min"],
                          panels, title="HIIT: warm-up, then 10 x 1 min at 95% VO2max with 1 min recovery")
    assert tuple(np.round(figure.get_size_inches() * figure.dpi)) == SLIDE_PIXELS
    small = [(text.get_text(), text.get_fontsize()) for text in visible_texts(figure) if text.get_fontsize() < 14]
    assert small == []
    assert internal_names(figure) == []
    assert overlapping_texts(figure) == []
    assert legends_covering_data(figure) == []
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    curves = [ax for ax in figure.axes if ax.lines and ax.get_title(loc="left") != "Interventions"]
    assert len(curves) == len([name for name in panels if name != "schedule"])
    assert all(PANELS[name].title in titles for name in panels if name != "schedule")


def test_a_run_changed_with_set_says_so_under_its_title():
    scenario = ms.with_settings(ms.load_scenario("cycling_60min_65pct"), ["subject.training_status = recreational"])
    modified = ms.simulate(scenario)
    for figure in (slide_figure(modified, ("il6", "glycogen")), teaching_figure(modified)):
        texts = [text.get_text() for text in visible_texts(figure)]
        assert figure.get_suptitle() == ms.load_scenario("cycling_60min_65pct").description
        assert "Modified with --set subject.training_status=recreational" in texts, texts[:3]
        assert overlapping_texts(figure) == []
    plain = slide_figure(ms.simulate("cycling_60min_65pct"), ("il6", "glycogen"))
    assert not [text for text in visible_texts(plain) if "Modified" in text.get_text()]


def test_a_long_list_of_settings_wraps_on_the_page(results):
    scenario = ms.with_settings(ms.load_scenario("hiit_10x1min"), [
        "subject.training_status=recreational", "plasma_il6.clearance_per_min=0.5",
        "subject.muscle_glycogen_mmol_kg_dw=300", "il6_gene.intensity_hill=3"])
    figure = slide_figure(ms.simulate(scenario), ("schedule", "il6", "gene"))
    note = next(text.get_text() for text in visible_texts(figure) if text.get_text().startswith("Modified"))
    assert "\n" in note and note.count("--set") == 4
    assert overlapping_texts(figure) == []


@pytest.fixture(scope="module")
def week():
    return ms.simulate("training_7days_moderate_carbohydrate")


def _time_axis(figure):
    """The labelled time axes: their label, tick positions (minutes) and the tick labels drawn."""
    drawn(figure)
    axes = [ax for ax in figure.axes if ax.get_xlabel()]
    shown = []
    for ax in axes:
        low, high = ax.get_xlim()
        ticks = [(tick, label.get_text()) for tick, label in zip(ax.get_xticks(), ax.get_xticklabels())
                 if low <= tick <= high]
        shown.append((ax.get_xlabel(), [tick for tick, _ in ticks], [text for _, text in ticks]))
    return shown


def test_a_week_long_run_is_labelled_in_whole_days_with_its_data_in_minutes(week):
    for figure in (slide_figure(week, ("schedule", "glycogen", "il6")), teaching_figure(week)):
        for axis_label, ticks, texts in _time_axis(figure):
            assert axis_label == "Time (days)"
            assert ticks and all(tick % 1440 == 0 for tick in ticks), ticks
            assert texts == [f"{tick / 1440:g}" for tick in ticks] and "6" in texts
        il6 = next(ax for ax in figure.axes if ax.get_title(loc="left") == "Plasma IL-6")
        assert il6.lines[0].get_xdata().max() == pytest.approx(8700)  # the data stay in minutes
        assert overlapping_texts(figure) == []
    for axis_label, ticks, _ in _time_axis(slide_figure(ms.simulate("cycling_60min_65pct"), ("il6",))):
        assert axis_label == "Time (min)" and max(ticks) > 100


def test_meals_have_their_own_row_in_the_interventions_lane(week):
    figure = slide_figure(week, ("schedule", "glycogen"))
    lane = next(ax for ax in figure.axes if ax.get_title(loc="left") == "Interventions")
    assert [tick.get_text() for tick in lane.get_yticklabels()] == ["Meals\n125 g"]
    assert len(lane.lines[0].get_xdata()) == 18
    assert overlapping_texts(figure) == []


def test_tnf_alpha_after_endotoxin_reads_on_its_own_linear_panel(results):
    figure = slide_figure(results["endotoxin_il6_infusion"], ("il6", "cytokines", "tnf"))
    panels = {ax.get_title(loc="left"): ax for ax in figure.axes}
    tnf = panels["Plasma TNF-α"]
    assert tnf.get_yscale() == "linear" and tnf.get_ylim()[0] == 0.0
    values = tnf.lines[0].get_ydata()
    assert (values.max() - values.min()) / tnf.get_ylim()[1] > 0.02  # the rise shows at its true size
    assert [line.get_label() for line in panels["Plasma cytokines"].lines] == ["IL-1ra", "IL-10"]
    alone = slide_figure(results["endotoxin_il6_infusion"], ("cytokines",))
    assert "TNF-α" in [line.get_label() for line in alone.axes[0].lines]
    assert overlapping_texts(figure) == [] and legends_covering_data(figure) == []


def test_run_writes_a_slide_as_svg_and_pdf(tmp_path):
    out = tmp_path / "slide"
    result = CliRunner().invoke(app, ["run", "hiit_10x1min", "--out", str(out), "--panels", "il6,glycogen",
                                      "--figure-format", "svg,pdf"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["figure.pdf", "figure.svg", "manifest.json", "summary.json",
                                                     "timeseries.csv"]
    assert (out / "figure.pdf").read_bytes()[:5] == b"%PDF-"
    svg = (out / "figure.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and 'width="1152pt" height="648pt"' in svg  # 16 x 9 inches
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["figure"] == {"panels": ["il6", "glycogen"], "formats": ["svg", "pdf"]}
    assert {"figure.svg", "figure.pdf"} <= set(manifest["files"])


def test_repeated_figure_formats_and_the_default(tmp_path):
    out = tmp_path / "both"
    result = CliRunner().invoke(app, ["run", "hiit_10x1min", "--out", str(out), "--figure-format", "png",
                                      "--figure-format", "svg"])
    assert result.exit_code == 0, result.output
    assert {"figure.png", "figure.svg"} <= {p.name for p in out.iterdir()}
    assert (out / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("options, message", [
    (["--panels", "il6,heart"], "unknown panel 'heart'"),
    (["--panels", ","], "give 1 to 6 panels"),
    (["--figure-format", "jpg"], "unknown figure format 'jpg'"),
])
def test_bad_figure_options_are_bad_input(tmp_path, options, message):
    result = CliRunner().invoke(app, ["run", "hiit_10x1min", "--out", str(tmp_path / "x"), *options])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x").exists()


# ------------------------------------------------------------------ labels, heat maps, Sobol, validation


@pytest.mark.parametrize("name, unit, expected", [
    ("exercise.0.intensity_pct_vo2max", "%VO2max", "Bout 1 intensity (%VO2max)"),
    ("plasma_il6_pg_ml", None, "Plasma IL-6 (pg/mL)"),
    ("il6_mrna_fold", None, "Muscle IL-6 mRNA (fold over rest)"),
    ("fold_peak.plasma_il6_pg_ml", "fold", "Peak plasma IL-6 (fold over rest)"),
    ("min.muscle_glycogen_mmol_kg_dw", None, "Lowest muscle glycogen (mmol/kg dw)"),
    ("plasma_il6.clearance_per_min", None, "First-order plasma IL-6 clearance rate (1/min)"),
])
def test_one_label_table_names_everything_in_words(name, unit, expected):
    assert " ".join(label(name, unit).split()) == expected  # a long parameter name wraps onto two lines


def _grid_table(values):
    from myokine_sim.sweeps.table import SweepTable

    intensity, duration = np.meshgrid([40.0, 55.0, 70.0, 85.0], [30.0, 100.0, 170.0, 240.0])
    return SweepTable(
        columns={"member": np.arange(16), "exercise.0.intensity_pct_vo2max": intensity.ravel(),
                 "exercise.0.duration_min": duration.ravel(), "fold_peak.plasma_il6_pg_ml": values,
                 "status": np.array(["ok"] * 16)},
        units={"exercise.0.intensity_pct_vo2max": "%VO2max", "exercise.0.duration_min": "min",
               "fold_peak.plasma_il6_pg_ml": "fold"},
        time_min=np.array([]), metadata={"scenario": "marathon"})


def test_a_heat_map_over_decades_has_log_colour_round_ticks_and_human_labels():
    from myokine_sim.sweeps.figures import heat_map

    figure = heat_map(_grid_table(np.geomspace(1.0, 68.0, 16)), "exercise.0.intensity_pct_vo2max",
                      "exercise.0.duration_min", "fold_peak.plasma_il6_pg_ml")
    mesh = figure.axes[0].collections[0]
    assert isinstance(mesh.norm, LogNorm)
    drawn(figure)
    ticks = [float(tick.get_text()) for tick in figure.axes[1].get_yticklabels() if tick.get_text()]
    mantissas = {round(tick / 10 ** np.floor(np.log10(tick)), 6) for tick in ticks}
    assert ticks and mantissas <= {1.0, 2.0, 5.0}, ticks  # 1, 2, 5, 10, 20, 50
    assert figure.axes[0].get_xlabel() == "Bout 1 intensity (%VO2max)"
    assert internal_names(figure) == [] and overlapping_texts(figure) == []
    narrow = heat_map(_grid_table(np.linspace(1.2, 3.4, 16)), "exercise.0.intensity_pct_vo2max",
                      "exercise.0.duration_min", "fold_peak.plasma_il6_pg_ml")
    assert not isinstance(narrow.axes[0].collections[0].norm, LogNorm)


def test_population_bands_are_labelled_in_words_with_the_legend_above_the_data():
    from myokine_sim.sweeps.figures import band_figure
    from myokine_sim.sweeps.table import SweepTable

    time = np.linspace(0.0, 360.0, 361)
    median = 1.0 + 3.0 * np.exp(-((time - 60.0) / 30.0) ** 2)
    levels = {0.05: 0.5 * median, 0.25: 0.8 * median, 0.5: median, 0.75: 1.3 * median, 0.95: 2.0 * median}
    table = SweepTable(columns={"member": np.arange(40)}, units={"plasma_il6_pg_ml": "pg/mL"}, time_min=time,
                       bands={"plasma_il6_pg_ml": levels}, metadata={"scenario": "cycling_60min_65pct"})
    figure = band_figure(table, [(0.0, 60.0)])
    assert figure.axes[0].get_title(loc="left") == "Plasma IL-6 (pg/mL)"
    assert internal_names(figure) == [] and overlapping_texts(figure) == []
    assert legends_covering_data(figure) == []


def _sensitivity_result(rows, method="sobol", scenario="marathon", metric="peak.plasma_il6_pg_ml"):
    from myokine_sim.model import build_model
    from myokine_sim.scenario import load_scenario
    from myokine_sim.sensitivity.metric import parse_metric
    from myokine_sim.sensitivity.result import SensitivityResult

    return SensitivityResult(method=method, scenario=load_scenario(scenario), source=None,
                             metric=parse_metric(metric, build_model()), rows=rows, problem={}, options={},
                             solver={}, runs=640, elapsed_s=1.0, seed=0, samples=64, nominal=0.35)


def test_a_tornado_names_parameters_in_words_and_stays_on_the_page():
    from myokine_sim.sensitivity.plots import sensitivity_figure

    rows = [{"parameter": name, "coefficient": value, "error": 0.01}
            for name, value in (("subject.muscle_glycogen_mmol_kg_dw", -1.4), ("plasma_il6.clearance_per_min", -0.9),
                                ("muscle_glycogen.use_rate_mmol_kg_min", 2.4))]
    figure = sensitivity_figure(_sensitivity_result(rows, "local", "endotoxin_exercise",
                                                    "suppression.tnf_alpha_pg_ml"))
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert labels[1] == "Resting muscle glycogen  [2]"
    assert internal_names(figure) == [] and overlapping_texts(figure) == []


def test_sobol_bars_are_clipped_at_zero_and_overlapping_ranks_are_marked():
    from myokine_sim.sensitivity.plots import sensitivity_figure

    rows = [{"parameter": "plasma_il6.clearance_per_min", "S1": 0.30, "S1_conf": 0.05, "ST": 0.50, "ST_conf": 0.05},
            {"parameter": "plasma_il6.volume_l_per_kg", "S1": -0.04, "S1_conf": 0.06, "ST": 0.20, "ST_conf": 0.08},
            {"parameter": "il6_gene.max_transcription_fold", "S1": 0.10, "S1_conf": 0.03, "ST": 0.15,
             "ST_conf": 0.04}]
    figure = sensitivity_figure(_sensitivity_result(rows))
    ax = figure.axes[0]
    assert min(bar.get_width() for bar in ax.patches if isinstance(bar, Rectangle)) >= 0.0
    assert ax.get_xlim()[0] == 0.0
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels[0].endswith("[1]")
    assert labels[1].endswith("[2–3]") and labels[2].endswith("[2–3]")
    # The negative estimate keeps its interval: a whisker reaches 0.02 = -0.04 + 0.06.
    whiskers = [segment for collection in ax.collections for segment in collection.get_segments()]
    assert any(np.isclose(segment[:, 0].max(), 0.02) for segment in whiskers)
    assert internal_names(figure) == [] and overlapping_texts(figure) == []
    assert legends_covering_data(figure) == []


@pytest.fixture(scope="module")
def two_studies():
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.calibration.validate import validate

    targets = [t for t in load_targets() if t.study in ("Starkie 2003", "Lyngso 2002")]
    return validate(targets=targets)


def _study(validation, study):
    from myokine_sim.calibration.validate import study_figure
    from myokine_sim.model import build_model

    rows = [row for row in validation.rows if row.target.study == study]
    return study_figure(study, rows, validation.results, build_model().units)


def test_a_validation_title_names_only_the_markers_it_draws_and_exercise_is_shaded(two_studies):
    figure = _study(two_studies, "Starkie 2003")
    markers = [line for ax in figure.axes for line in ax.lines if line.get_marker() not in ("None", None, "")]
    title = figure.get_suptitle()
    assert not markers and "circles" not in title and "triangle" not in title
    for ax in figure.axes:
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        assert any(entry.startswith("exercise") for entry in legend), "the exercise scenario has no shading"
        assert [patch for patch in ax.patches if patch.get_facecolor()[:3] != (1.0, 1.0, 1.0)]


def test_a_validation_figure_keeps_its_time_axis_and_notes_clear(two_studies):
    figure = _study(two_studies, "Lyngso 2002")
    assert figure.axes[0].get_xlim()[1] <= 400, "a 24 h resting control stretches the axis"
    assert "published values" in figure.get_suptitle()
    assert internal_names(figure) == []
    assert overlapping_texts(figure) == []
    assert legends_covering_data(figure) == []
    assert internal_names(_study(two_studies, "Starkie 2003")) == []


def test_each_arms_published_values_take_the_marker_shape_its_legend_line_shows(two_studies):
    """Lyngso 2002 publishes values for its exercise arm and its resting control: in greyscale a marker is told to
    its arm by shape, so every point marker must have the shape on its own arm's legend line (each marker carries
    its arm's legend entry as its gid), and the two arms' shapes must differ."""
    figure = _study(two_studies, "Lyngso 2002")
    shapes = set()
    for ax in figure.axes:
        legend = ax.get_legend()
        on_legend = {text.get_text(): handle.get_marker() for handle, text in zip(legend.legend_handles,
                                                                                 legend.get_texts())
                     if hasattr(handle, "get_marker")}  # the exercise shading's patch has none
        for line in ax.lines:
            if line.get_gid() is not None and line.get_marker() != "^":
                assert on_legend[line.get_gid()] == line.get_marker(), line.get_gid()
                shapes.add(line.get_marker())
    assert len(shapes) == 2, "the two arms' values are drawn alike"
    assert "marker shapes as in the legend" in figure.get_suptitle()


def test_the_six_arm_line_styles_have_six_dash_patterns():
    """Colours differ by shades of grey only: in greyscale each of a figure's first six arms needs its own dashes."""
    from matplotlib.lines import Line2D

    from myokine_sim.calibration.validate import ARM_STYLES

    patterns = {_dash_pattern(Line2D([], [], **style)) for style in ARM_STYLES[:6]}
    assert len(ARM_STYLES) >= 6 and len(patterns) == 6


def test_the_five_arms_of_van_der_poll_1996_are_drawn_in_five_dash_patterns():
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.calibration.validate import validate

    validation = validate(targets=[t for t in load_targets() if t.study == "van der Poll 1996"])
    figure = _study(validation, "van der Poll 1996")
    for ax in figure.axes:
        curves = [line for line in ax.lines if line.get_gid() is None and len(line.get_xdata()) > 2]
        assert len(curves) == 5
        assert len({_dash_pattern(line) for line in curves}) == 5


def _dash_pattern(line):
    """A line's dashes as plain floats (None when solid), so that equal patterns compare equal however written."""
    # Line2D has no public getter for a dash pattern (get_linestyle() gives "--" for any custom one).
    offset, dashes = line._unscaled_dash_pattern
    return None if dashes is None else (float(offset), tuple(float(d) for d in dashes))


# ------------------------------------------------------------------ rendering


def test_the_forked_worker_draws_the_same_figures(results):
    worker = FigureWorker()
    figures = worker.render(results["hiit_10x1min"], None, ("png", "svg"), "HIIT")
    assert figures["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert figures == render_in_process(results["hiit_10x1min"], None, ("png", "svg"), "HIIT")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_an_unused_worker_is_reaped():
    worker = FigureWorker()
    pid = worker.pid
    worker.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_sobol_whiskers_are_cut_at_zero_and_never_negative():
    from myokine_sim.sensitivity.plots import _clipped_errors

    values = np.array([-0.05, 0.1, -0.01])
    rows = [{"conf": 0.02}, {"conf": 0.05}, {"conf": 0.03}]
    whiskers = _clipped_errors(values, rows, "conf")
    assert (whiskers >= 0).all()  # an interval wholly below zero (the first) draws nothing
    np.testing.assert_allclose(whiskers[:, 0], [0.0, 0.0])
    np.testing.assert_allclose(whiskers[:, 1], [0.05, 0.05])
    np.testing.assert_allclose(whiskers[:, 2], [0.0, 0.02])


def test_the_schedule_axis_names_the_load_of_knee_extension_as_leg_power(results):
    from myokine_sim.figures import slide_figure

    knee = slide_figure(ms.simulate("knee_extension_one_leg_5h"), ("schedule", "il6"))
    assert knee.axes[0].get_ylabel() == "% leg peak power"
    cycling = slide_figure(results["hiit_10x1min"], ("schedule", "il6"))
    assert cycling.axes[0].get_ylabel() == "%VO2max"
