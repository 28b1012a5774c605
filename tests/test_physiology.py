"""Physiological consistency of the shipped (fitted) parameter set.

Each test compares simulations that differ in one factor, so each can fail:
a model in which that factor had no effect, or the opposite one, would fail it.
"""

import pytest

import myokine_sim as ms
from myokine_sim.scenario import scenario_from_dict

IL6 = "plasma_il6_pg_ml"


def run(exercise: list[dict] | None = None, t_end: float = 480.0, **tables) -> ms.Result:
    document = {"name": "physiology", "exercise": exercise or [], "simulation": {"t_end_min": t_end}, **tables}
    return ms.simulate(scenario_from_dict(document))


def bout(duration: float, intensity: float = 65.0, modality: str = "cycling", start: float = 0.0) -> dict:
    return {"start_min": start, "duration_min": duration, "intensity_pct_vo2max": intensity, "modality": modality}


def peak(result: ms.Result, column: str = IL6) -> float:
    return float(result[column].max())


def test_plasma_il6_grows_with_exercise_duration():
    peaks = [peak(run([bout(minutes)])) for minutes in (45.0, 90.0, 150.0)]
    assert peaks[0] * 1.2 < peaks[1] and peaks[1] * 1.2 < peaks[2]


def test_plasma_il6_grows_with_intensity():
    peaks = [peak(run([bout(120.0, intensity)])) for intensity in (45.0, 60.0, 75.0)]
    assert peaks[0] * 1.1 < peaks[1] and peaks[1] * 1.1 < peaks[2]


def test_plasma_il6_grows_with_active_muscle_mass_at_equal_intensity():
    modes = ("knee_extension_one_leg", "knee_extension_two_leg", "cycling")
    rises = [peak(run([bout(180.0, 50.0, mode)])) - 1.0 for mode in modes]
    assert rises[0] * 1.5 < rises[1] and rises[1] * 1.5 < rises[2]


def test_low_starting_glycogen_raises_muscle_mrna_and_plasma_il6():
    def knee_extension(glycogen: float) -> ms.Result:
        return run([bout(180.0, 55.0, "knee_extension_two_leg")], 300.0,
                   subject={"muscle_glycogen_mmol_kg_dw": glycogen})

    normal, low = knee_extension(400.0), knee_extension(240.0)
    assert low.at("il6_mrna_fold", 180.0) > 1.5 * normal.at("il6_mrna_fold", 180.0)
    assert low.at(IL6, 180.0) > 1.2 * normal.at(IL6, 180.0)


def test_carbohydrate_lowers_plasma_il6_but_not_muscle_mrna_or_glycogen():
    placebo, glucose = ms.simulate("cycling_120min_placebo"), ms.simulate("cycling_120min_glucose")
    assert glucose.at(IL6, 120.0) < 0.9 * placebo.at(IL6, 120.0)
    assert glucose.at("il6_release_ng_min", 120.0) < 0.9 * placebo.at("il6_release_ng_min", 120.0)
    for column in ("il6_mrna_fold", "muscle_glycogen_mmol_kg_dw"):
        assert glucose.at(column, 120.0) == pytest.approx(placebo.at(column, 120.0), rel=0.01)


def test_il6_infusion_at_rest_raises_il1ra_and_il10_but_not_tnf_alpha():
    rest, infusion = ms.simulate("rest"), ms.simulate("il6_infusion_low")
    end = 240.0  # end of the 3-h infusion
    assert infusion.at("il1ra_pg_ml", end) > 2.0 * rest.at("il1ra_pg_ml", end)
    assert infusion.at("il10_pg_ml", end) > 2.0 * rest.at("il10_pg_ml", end)
    assert infusion["tnf_alpha_pg_ml"].max() == pytest.approx(rest.at("tnf_alpha_pg_ml", end), rel=0.01)
    assert infusion["tnf_alpha_pg_ml"].min() == pytest.approx(rest.at("tnf_alpha_pg_ml", end), rel=0.01)


def tnf_rise_after_endotoxin(result: ms.Result, bolus_min: float = 150.0) -> float:
    window = (result.time_min >= bolus_min) & (result.time_min <= bolus_min + 180.0)
    return float(result["tnf_alpha_pg_ml"][window].max() - result.at("tnf_alpha_pg_ml", bolus_min))


def test_prior_exercise_blunts_the_tnf_alpha_response_to_endotoxin():
    """Starkie 2003: cycling before 0.06 ng/kg endotoxin abolished the TNF-alpha rise. The model leaves 0.04 of the
    resting rise (the set of 2026-12-07)."""
    control = tnf_rise_after_endotoxin(ms.simulate("endotoxin_rest"))
    exercise = tnf_rise_after_endotoxin(ms.simulate("endotoxin_exercise"))
    assert control > 0.1 * 1.5  # a clear response at rest (pg/mL over a 1.5 pg/mL baseline)
    assert exercise < 0.3 * control


@pytest.mark.xfail(strict=True, reason=(
    "rhIL-6 holding plasma IL-6 at the cycling trial's level (29 pg/mL at the bolus) leaves 0.31 of the resting "
    "TNF-alpha rise, where Starkie 2003 saw none; it left 0.29 only while the infusion overshot that level by a fifth "
    "(35 pg/mL, a dose matched to an earlier clearance). Row A01c, the peak over the pre-bolus level, passes at 1.04"))
def test_an_il6_infusion_at_exercise_levels_blunts_the_tnf_alpha_response_to_endotoxin():
    """Starkie 2003: rhIL-6 at exercise-like plasma levels before 0.06 ng/kg endotoxin abolished the TNF-alpha rise."""
    control = tnf_rise_after_endotoxin(ms.simulate("endotoxin_rest"))
    infusion = tnf_rise_after_endotoxin(ms.simulate("endotoxin_il6_infusion"))
    assert infusion < 0.3 * control


def rise_of_mean(result: ms.Result, column: str, start: float, end: float) -> float:
    window = (result.time_min >= start) & (result.time_min <= end)
    return float(result[column][window].mean() / result[column][0] - 1.0)


@pytest.mark.parametrize("column", ["glycerol_ra_umol_kg_min"])
def test_il6_raises_lipolysis_modestly_next_to_exercise(column):
    # rhIL-6 at rest held near the plasma IL-6 of 2 h of moderate cycling, against that cycling itself.
    exercise = run([bout(120.0, 65.0)], 180.0)
    level = exercise.at(IL6, 120.0)
    infusion = run([], 180.0, il6_infusion=[{"start_min": 0.0, "duration_min": 120.0,
                                             "rate_ug_per_h": _rate_for_level(level)}])
    assert infusion.at(IL6, 110.0) == pytest.approx(level, rel=0.25)
    il6_effect = rise_of_mean(infusion, column, 60.0, 120.0)
    exercise_effect = rise_of_mean(exercise, column, 60.0, 120.0)
    assert il6_effect > 0.02
    assert il6_effect < 0.5 * exercise_effect


def _rate_for_level(level_pg_ml: float) -> float:
    """Infusion rate (ug/h) whose steady plasma IL-6 at rest is ``level_pg_ml``: affine in the rate."""
    probe = 1.0
    result = run([], 180.0, il6_infusion=[{"start_min": 0.0, "duration_min": 120.0, "rate_ug_per_h": probe}])
    baseline, reached = result.at(IL6, 0.0), result.at(IL6, 110.0)
    return probe * (level_pg_ml - baseline) / (reached - baseline)


def test_il6_raises_hepatic_glucose_output_during_exercise_but_not_at_rest():
    """Febbraio 2004 (during exercise) against Steensberg 2003 and Petersen 2005 (at rest)."""
    infusion = [{"start_min": 0.0, "duration_min": 120.0, "rate_ug_per_h": 10.0}]
    column = "hepatic_glucose_output_mg_kg_min"
    rest, rest_il6 = run([], 180.0), run([], 180.0, il6_infusion=infusion)
    cycling, cycling_il6 = run([bout(120.0, 40.0)], 180.0), run([bout(120.0, 40.0)], 180.0, il6_infusion=infusion)
    assert rest_il6.at(column, 110.0) == pytest.approx(rest.at(column, 110.0), rel=1e-3)
    assert cycling_il6.at(column, 110.0) > 1.03 * cycling.at(column, 110.0)
