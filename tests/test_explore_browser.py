"""``myokine explore`` end to end in a real browser: Debian's chromium driven by Playwright.

Nothing is downloaded: Playwright drives /usr/bin/chromium (``.ci/run`` installs it with
apt-get). The screenshot is kept as a test artefact in out/test-artefacts/explore.png.
"""

import os
from pathlib import Path

import pytest

import myokine_sim as ms
from myokine_sim.explore.browser import CHROMIUM, WAIT_MS, explorer_page, redraw_after, running_explorer
from myokine_sim.explore.controls import preset_document
from myokine_sim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "out" / "test-artefacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed at /usr/bin/chromium "
                                       "(apt-get install chromium chromium-driver; .ci/run does this)")


@pytest.fixture(scope="module")
def explorer_address():
    """``myokine explore --no-browser`` from this checkout, stopped with Ctrl-C (SIGINT) afterwards."""
    with running_explorer(env={**os.environ, "PYTHONPATH": str(ROOT / "src")}) as address:
        yield address


@pytest.fixture(scope="module")
def page(explorer_address):
    problems: list[str] = []
    with explorer_page(explorer_address, errors=problems, accept_downloads=True) as browser_page:
        yield browser_page
    assert problems == [], problems  # no script error on the page at any point


def plotted_peak(page, column: str, baseline: bool = False) -> float:
    return page.evaluate("([column, baseline]) => window.explorer.plottedPeak(column, baseline)", [column, baseline])


def simulated_peak(preset: str, **changes) -> float:
    """The peak plasma IL-6 ``ms.simulate`` gives for a preset with its main bout changed."""
    document = preset_document(preset)
    if changes:
        bouts = document["exercise"]
        main = max(range(len(bouts)), key=lambda i: (bouts[i]["duration_min"] * bouts[i].get("repeat", 1)
                                                     * bouts[i]["intensity_pct_vo2max"], -i))
        bouts[main].update(changes)
    return float(ms.simulate(scenario_from_dict(document))["plasma_il6_pg_ml"].max())


def test_moving_intensity_redraws_the_peak_that_simulate_gives(page):
    default = page.evaluate("document.getElementById('preset').value")
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(simulated_peak(default), rel=1e-6)

    redraw_after(page, lambda: page.fill("#intensity_pct_vo2max-range", "85"))
    assert page.input_value("#intensity_pct_vo2max") == "85"
    expected = simulated_peak(default, intensity_pct_vo2max=85)
    assert expected > simulated_peak(default) * 1.3  # the change is one the plot must show
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(expected, rel=1e-6)
    assert f"{expected:.1f} pg/mL" in page.inner_text("#readout-il6")


def test_the_readout_names_the_nearest_calibration_study_and_says_when_a_run_leaves_their_range(page):
    from myokine_sim.calibration.evidence import nearest_studies

    redraw_after(page, lambda: page.select_option("#preset", "marathon"))
    assert "Within the calibrated range: nearest study Ostrowski 1998b" in page.inner_text("#readout-evidence")
    redraw_after(page, lambda: page.fill("#intensity_pct_vo2max", "25"))
    document = preset_document("marathon")
    document["exercise"][0]["intensity_pct_vo2max"] = 25
    (nearest,) = nearest_studies(scenario_from_dict(document), limit=1)
    text = page.inner_text("#readout-evidence")
    assert not nearest.within_range and "Outside the calibrated range" in text and nearest.study in text


def test_a_preset_a_pinned_baseline_and_a_changed_run_side_by_side(page):
    redraw_after(page, lambda: page.select_option("#preset", "hiit_10x1min"))
    hiit = simulated_peak("hiit_10x1min")
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(hiit, rel=1e-6)
    assert page.input_value("#repeats") == "10"
    assert "5 min at 50%" in page.inner_text("#kept")  # the warm-up the controls do not show

    page.click("#pin")
    assert page.evaluate("window.explorer.hasBaseline()")
    redraw_after(page, lambda: page.fill("#intensity_pct_vo2max", "70"))
    assert plotted_peak(page, "plasma_il6_pg_ml", baseline=True) == pytest.approx(hiit, rel=1e-6)
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(
        simulated_peak("hiit_10x1min", intensity_pct_vo2max=70), rel=1e-6)
    assert "baseline" in page.inner_text("#readout-il6")

    page.click("#unpin")
    assert not page.evaluate("window.explorer.hasBaseline()") and "baseline" not in page.inner_text("#readout-il6")
    page.click("#pin")  # pinned again for the screenshot


def test_an_invalid_setting_shows_the_cli_message_beside_its_control(page):
    redraw_after(page, lambda: page.select_option("#preset", "marathon"))
    page.fill("#intensity_pct_vo2max", "130")
    page.wait_for_function("document.body.dataset.state === 'error'", timeout=WAIT_MS)
    message = page.inner_text("#error-exercise")
    assert message.startswith("marathon_explored.toml: exercise[0]: 130% VO2max can be sustained for at most")
    assert page.is_visible("#error-exercise") and "invalid" in page.get_attribute("fieldset[data-group=exercise]",
                                                                                  "class")
    assert page.locator(".panel canvas").count() == 8  # the last curves stay on screen

    redraw_after(page, lambda: page.fill("#intensity_pct_vo2max", "70"))
    assert page.is_hidden("#error-exercise")


def test_the_downloaded_scenario_loads_and_reproduces_the_plotted_run(page, tmp_path):
    redraw_after(page, lambda: page.fill("#muscle_glycogen_mmol_kg_dw", "250"))
    with page.expect_download(timeout=WAIT_MS) as download:
        page.click("[data-download=toml]")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "marathon_explored.toml"
    scenario = ms.load_scenario(path)
    assert scenario.subject.muscle_glycogen_mmol_kg_dw == 250
    result = ms.simulate(scenario)
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(float(result["plasma_il6_pg_ml"].max()), rel=1e-6)
    assert plotted_peak(page, "muscle_glycogen_mmol_kg_dw") == pytest.approx(250, rel=1e-6)

    for kind, suffix, start in (("csv", "-timeseries.csv", b"time_min,"), ("png", "-figure.png", b"\x89PNG")):
        with page.expect_download(timeout=WAIT_MS) as download:
            page.click(f"[data-download={kind}]")
        assert download.value.suggested_filename == f"marathon_explored{suffix}"
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(start)

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explore.png"), full_page=True)
    assert (ARTEFACTS / "explore.png").stat().st_size > 10_000



def test_the_band_switch_draws_the_90_percent_band_of_run_uncertainty(page):
    from myokine_sim.explore.controls import BAND_DRAWS, BAND_SEED
    from myokine_sim.prediction_bands import with_bands

    if page.evaluate("window.explorer.hasBaseline()"):
        page.click("#unpin")
    redraw_after(page, lambda: page.select_option("#preset", "marathon"))
    assert not page.is_checked("#band") and page.get_attribute("figure[data-panel=il6]", "data-band") == "none"
    assert page.evaluate("window.explorer.plottedBand('plasma_il6_pg_ml')") is None
    assert f"90% band (posterior, {BAND_DRAWS} draws)" in page.inner_text("fieldset[data-group=band]")

    redraw_after(page, lambda: page.check("#band"))
    scenario = ms.load_scenario("marathon")
    banded = with_bands(ms.simulate(scenario), scenario, BAND_DRAWS, BAND_SEED)
    low, high = page.evaluate("window.explorer.plottedBand('plasma_il6_pg_ml')")
    assert low == pytest.approx(list(banded["plasma_il6_pg_ml_p05"]), rel=1e-6)
    assert high == pytest.approx(list(banded["plasma_il6_pg_ml_p95"]), rel=1e-6)
    assert page.get_attribute("figure[data-panel=il6]", "data-band") == "shown"
    assert page.get_attribute("figure[data-panel=schedule]", "data-band") == "none"  # an input: no band
    assert page.evaluate("window.explorer.seriesCount('cytokines')") == 1 + 4 * 3  # baseline, 2 edges, line
    peak = banded.metadata["uncertainty"]["headline"]["plasma_il6_pg_ml"]["peak"]
    assert (f"90% band {peak[0]:.1f}–{peak[2]:.1f} pg/mL ({BAND_DRAWS} posterior draws)"
            in page.inner_text("#readout-il6"))
    assert plotted_peak(page, "plasma_il6_pg_ml") == pytest.approx(float(ms.simulate(scenario)["plasma_il6_pg_ml"]
                                                                         .max()), rel=1e-6)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explore-band.png"), full_page=True)
    assert (ARTEFACTS / "explore-band.png").stat().st_size > 10_000

    redraw_after(page, lambda: page.uncheck("#band"))  # off again: a plain run
    assert page.get_attribute("figure[data-panel=il6]", "data-band") == "none"
    assert "90% band" not in page.inner_text("#readout-il6")


def test_the_glycogen_panel_draws_the_working_muscle_store_only_where_it_differs_from_the_thigh(page):
    """After running the thigh (the biopsy site) keeps more glycogen than the working muscle as a whole; after
    cycling the two stores are one curve and the panel has no legend."""
    legend = page.locator("[data-panel=glycogen] .legend")
    redraw_after(page, lambda: page.select_option("#preset", "marathon"))
    result = ms.simulate(scenario_from_dict(preset_document("marathon")))
    thigh, working = (page.evaluate("(c) => window.explorer.plottedMin(c)", column)
                      for column in ("muscle_glycogen_mmol_kg_dw", "working_muscle_glycogen_mmol_kg_dw"))
    assert thigh == pytest.approx(result["muscle_glycogen_mmol_kg_dw"].min(), rel=1e-6)
    assert working == pytest.approx(result["working_muscle_glycogen_mmol_kg_dw"].min(), rel=1e-6)
    assert working < thigh - 10.0 and legend.is_visible()
    assert f"thigh; {working:.0f} in all working muscle" in page.inner_text("#readout-glycogen")

    redraw_after(page, lambda: page.select_option("#preset", "cycling_60min_65pct"))
    assert page.evaluate("(c) => window.explorer.plottedMin(c)", "working_muscle_glycogen_mmol_kg_dw") == float("inf")
    assert page.evaluate("(c) => window.explorer.plottedMin(c)", "muscle_glycogen_mmol_kg_dw") < 300.0
    assert not legend.is_visible() and "working muscle" not in page.inner_text("#readout-glycogen")
