"""The shipped defaults give physiological magnitudes (hand calibration level)."""

import myokine_sim as ms
import myokine_sim.scenario


def test_resting_plasma_il6_is_half_to_two_pg_per_ml():
    result = ms.simulate("rest")
    assert 0.5 <= result["plasma_il6_pg_ml"][0] <= 2.0


def test_long_running_raises_plasma_il6_tens_fold():
    metrics = ms.simulate("marathon").summary()["metrics"]["plasma_il6_pg_ml"]
    assert metrics["fold_peak"] >= 20.0
    assert abs(metrics["time_of_peak_min"] - 210.0) <= 30.0  # peaks near the finish


def test_glycogen_falls_at_published_rates():
    # Watt 2002: 468 -> 217 mmol/kg dw in 120 min of cycling at 57% VO2max; the fall within a factor 1.5.
    scenario = ms.scenario.scenario_from_dict({
        "name": "watt", "subject": {"muscle_glycogen_mmol_kg_dw": 468.0},
        "exercise": [{"duration_min": 240, "intensity_pct_vo2max": 57, "modality": "cycling"}],
    })
    result = ms.simulate(scenario)
    fall = 468.0 - result.at("muscle_glycogen_mmol_kg_dw", 120.0)
    assert 251.0 / 1.5 <= fall <= 251.0 * 1.5
