"""The teaching figure: units on every axis, greyscale styles, parallel rendering."""

import os

import matplotlib.colors as mcolors
import pytest

import myokine_sim as ms
from myokine_sim.figure_worker import FigureWorker, render_in_process
from myokine_sim.figures import teaching_figure


@pytest.fixture(scope="module")
def result():
    return ms.simulate("cycling_120min_glucose")


def test_every_data_axis_has_a_unit_and_the_time_axis_is_in_minutes(result):
    figure = teaching_figure(result)
    data_axes = [ax for ax in figure.axes if ax.lines]
    assert len(data_axes) >= 9  # seven panels plus two right-hand axes
    for ax in data_axes:
        label = ax.get_ylabel()
        assert "(" in label and ")" in label, f"{ax.get_title()!r} lacks a unit: {label!r}"
    assert any(ax.get_xlabel() == "Time (min)" for ax in figure.axes)


def test_lines_are_grey_and_told_apart_by_dash_pattern(result):
    figure = teaching_figure(result)
    for ax in figure.axes:
        for line in ax.lines:
            red, green, blue, _ = mcolors.to_rgba(line.get_color())
            assert red == green == blue, f"coloured line in {ax.get_title()!r}"
        curves = [(line.get_linestyle(), line.get_color()) for line in ax.lines if line.get_linestyle() != "None"]
        assert len(set(curves)) == len(curves), f"two curves look alike in {ax.get_title()!r}"


def test_interventions_are_marked_on_the_schedule(result):
    schedule = teaching_figure(result).axes[0]
    labels = schedule.get_legend_handles_labels()[1]
    assert "carbohydrate drink" in labels


def test_the_forked_worker_draws_the_same_png(result):
    worker = FigureWorker()
    png = worker.render(result)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == render_in_process(result)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_an_unused_worker_is_reaped():
    worker = FigureWorker()
    pid = worker.pid
    worker.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
