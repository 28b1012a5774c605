"""Behaviour over generated protocols (hypothesis), with the shipped parameter set.

Each property is one a physiologist would check by hand; each can fail: a model
whose IL-6 rose again after exercise, whose glycogen use fell with intensity, or
whose resting state drifted would fail it.
"""

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import trapezoid

import myokine_sim as ms
from myokine_sim.scenario import scenario_from_dict

from conftest import resting_right_hand_side

IL6 = "plasma_il6_pg_ml"
# Derandomised: a failure reproduces on every run and in CI.
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])

modalities = st.sampled_from(["cycling", "running", "knee_extension_one_leg", "knee_extension_two_leg"])
durations = st.floats(min_value=20.0, max_value=240.0)
training = st.sampled_from(["untrained", "recreational", "trained"])


def run(document: dict) -> ms.Result:
    return ms.simulate(scenario_from_dict({"name": "property", **document}, "property"))


def single_bout(duration, intensity, modality="cycling", status="recreational", recovery=480.0, subject=None,
                **tables):
    return run({
        "subject": {"training_status": status, **(subject or {})},
        "exercise": [{"start_min": 0.0, "duration_min": duration, "intensity_pct_vo2max": intensity,
                      "modality": modality}],
        "simulation": {"t_end_min": duration + recovery},
        **tables,
    })


def check_single_peak(duration, intensity, modality, status):
    result = single_bout(duration, intensity, modality, status)
    il6, t = result[IL6], result.time_min
    peak_time = t[int(np.argmax(il6))]
    assert peak_time <= duration + 30.0
    # From 30 min after the bout on, plasma IL-6 does not rise again measurably: by no more than 1% of its
    # exercise rise or 0.1 pg/mL, the resolution of high-sensitivity assays (slow adipose and immune routes
    # may add a trace).
    after = il6[t >= duration + 30.0]
    rise = float(np.max(after - np.minimum.accumulate(after), initial=0.0))
    assert rise <= max(0.01 * (il6.max() - il6[0]), 0.1), f"rises by {rise:.3g} pg/mL after the bout"


@PROPERTY_SETTINGS
@given(durations, st.floats(min_value=30.0, max_value=90.0), modalities, training)
def test_plasma_il6_peaks_near_the_end_of_a_bout_and_does_not_rise_again(duration, intensity, modality, status):
    check_single_peak(duration, intensity, modality, status)


@PROPERTY_SETTINGS
@given(st.floats(min_value=25.0, max_value=85.0), st.floats(min_value=5.0, max_value=15.0), training)
def test_glycogen_use_rises_with_intensity(intensity, step, status):
    def used(pct):
        result = single_bout(60.0, pct, status=status, recovery=0.0)
        return result.at("muscle_glycogen_mmol_kg_dw", 0.0) - result.at("muscle_glycogen_mmol_kg_dw", 60.0)

    assert used(intensity + step) > used(intensity) > 0.0


@PROPERTY_SETTINGS
@given(st.floats(min_value=0.05, max_value=1.5), st.floats(min_value=1.5, max_value=4.0))
def test_tnf_alpha_after_endotoxin_rises_with_dose(dose, factor):
    def peak_tnf(d):
        return float(run({"endotoxin": [{"time_min": 30.0, "dose_ng_per_kg": d}],
                          "simulation": {"t_end_min": 400.0}})["tnf_alpha_pg_ml"].max())

    assert peak_tnf(min(dose * factor, 4.0)) > peak_tnf(dose) > run(
        {"simulation": {"t_end_min": 400.0}})["tnf_alpha_pg_ml"].max()


def hydrocortisone_then_endotoxin(rate_ug_kg_min, dose, gap):
    """Peak TNF-alpha and IL-10 after an endotoxin bolus ``gap`` min after a 4-h hydrocortisone infusion ends."""
    infusion = [{"start_min": 0.0, "duration_min": 240.0, "rate_ug_kg_min": rate_ug_kg_min}] * (rate_ug_kg_min > 0)
    result = run({"hydrocortisone_infusion": infusion, "endotoxin": [{"time_min": 240.0 + gap, "dose_ng_per_kg": dose}],
                  "simulation": {"t_end_min": 240.0 + gap + 600.0, "output_step_min": 5.0}})
    return result["tnf_alpha_pg_ml"].max(), result["il10_pg_ml"].max()


@PROPERTY_SETTINGS
@given(st.floats(min_value=0.3, max_value=4.0), st.floats(min_value=0.5, max_value=4.0),
       st.floats(min_value=1.5, max_value=4.0), st.floats(min_value=0.0, max_value=360.0))
def test_more_hydrocortisone_before_endotoxin_brakes_tnf_alpha_more(dose, rate, factor, gap):
    """Glucocorticoids before endotoxin lower the TNF-alpha response, and more so at a higher infusion rate, also when
    the infusion ended up to 6 h before the bolus (Barber 1993, 1995)."""
    tnf_none, _ = hydrocortisone_then_endotoxin(0.0, dose, gap)
    tnf_low, _ = hydrocortisone_then_endotoxin(rate, dose, gap)
    tnf_high, _ = hydrocortisone_then_endotoxin(rate * factor, dose, gap)
    assert tnf_high < tnf_low < tnf_none


@PROPERTY_SETTINGS
@given(st.floats(min_value=0.5, max_value=4.0), st.floats(min_value=2.0, max_value=4.0),
       st.floats(min_value=900.0, max_value=8640.0))
def test_hydrocortisone_15_h_to_6_days_before_endotoxin_primes_tnf_alpha(dose, rate, gap):
    """Once the glucocorticoid brake has faded, the priming it leaves raises the TNF-alpha response: hydrocortisone
    12 h to 6 days before endotoxin enhanced it (Barber 1993, 1995; van der Poll 1996). The model's crossover from
    brake to priming falls near 12 h (B142 holds it there for a 6-h infusion; after these 4-h infusions it is
    about 12-13 h), so the property starts at 15 h."""
    tnf_none, _ = hydrocortisone_then_endotoxin(0.0, dose, gap)
    tnf_primed, _ = hydrocortisone_then_endotoxin(rate, dose, gap)
    assert tnf_primed > tnf_none


def test_tolerant_monocytes_are_hardly_primed_by_hydrocortisone():
    """Tolerance silences the inflammatory genes (Foster 2007), so hydrocortisone a day after endotoxin builds priming
    only in the share of monocytes not tolerant: the priming it adds is the naive priming times 1 - tolerance."""
    infusion = [{"start_min": 1440.0, "duration_min": 360.0, "rate_ug_kg_min": 3.0}]
    bolus = [{"time_min": 0.0, "dose_ng_per_kg": 2.0}]
    end = {"t_end_min": 3240.0, "output_step_min": 5.0}
    tolerant = run({"endotoxin": bolus, "hydrocortisone_infusion": infusion, "simulation": end})
    endotoxin_only = run({"endotoxin": bolus, "simulation": end})
    naive = run({"hydrocortisone_infusion": infusion, "simulation": end})
    added = (tolerant.at("monocyte_glucocorticoid_priming_rel", 3240.0)
             - endotoxin_only.at("monocyte_glucocorticoid_priming_rel", 3240.0))
    naive_priming = naive.at("monocyte_glucocorticoid_priming_rel", 3240.0)
    not_tolerant = 1.0 - tolerant.at("monocyte_tolerance_rel", 1440.0)
    assert not_tolerant < 0.5
    # Tolerance fades by a few per cent over the day and cortisol adds almost linearly, hence the 10% band.
    assert added / naive_priming == pytest.approx(not_tolerant, rel=0.1)


@pytest.mark.parametrize("tolerance", [0.0, 0.5, 0.9])
def test_priming_raises_monocyte_tnf_alpha_output_only_in_the_share_not_tolerant(tolerance):
    """At full activation from rest (no brakes), TNF-alpha production over basal is multiplied by
    1 + priming * (1 - tolerance): evaluated on the right-hand side itself."""
    index, rest, rates = resting_right_hand_side()

    def tnf_rate(priming: float) -> float:
        return rates(monocyte_activation_rel=1.0, monocyte_tolerance_rel=tolerance,
                     monocyte_glucocorticoid_priming_rel=priming)[index["tnf_alpha_pg_ml"]]

    assert tnf_rate(1.0) / tnf_rate(0.0) == pytest.approx(1.0 + (1.0 - tolerance), rel=1e-12)


@PROPERTY_SETTINGS
@given(st.floats(min_value=0.5, max_value=4.0), st.floats(min_value=2.0, max_value=4.0),
       st.floats(min_value=0.0, max_value=60.0))
def test_stress_dose_hydrocortisone_up_to_endotoxin_raises_il10(dose, rate, gap):
    """Hydrocortisone at the stress doses of the studies (2-4 ug/kg/min) up to the endotoxin raises IL-10 (van der Poll
    1996). Not claimed at lower rates: there the model's loss of IL-6-driven IL-10, as its innate IL-6 falls with
    TNF-alpha (B134, a known disagreement), can outweigh cortisol's induction."""
    _, il10_none = hydrocortisone_then_endotoxin(0.0, dose, gap)
    _, il10_stress = hydrocortisone_then_endotoxin(rate, dose, gap)
    assert il10_stress > il10_none


@PROPERTY_SETTINGS
@given(st.floats(min_value=0.1, max_value=1.0), st.floats(min_value=2.0, max_value=4.0))
def test_innate_il6_rises_more_steeply_with_endotoxin_dose_than_tnf_alpha(dose, factor):
    """Krabbe 2005 (0.2 ng/kg: IL-6 ~7-fold with TNF-alpha ~2-fold) against Copeland 2005 (2 ng/kg: ~1,000 pg/mL
    IL-6 with a TNF-alpha rise of a few hundred pg/mL): the IL-6 rise per unit of TNF-alpha rise grows with the dose,
    as IL-6 induction is of an order above one in TNF-alpha (endotoxin.il6_tnf_order)."""
    def il6_per_tnf(d):
        result = run({"endotoxin": [{"time_min": 30.0, "dose_ng_per_kg": d}], "simulation": {"t_end_min": 600.0}})
        # Rises over the resting values at the bolus (the resting state is a steady state).
        il6_rise = result["plasma_il6_pg_ml"].max() - result.at("plasma_il6_pg_ml", 0.0)
        tnf_rise = result["tnf_alpha_pg_ml"].max() - result.at("tnf_alpha_pg_ml", 0.0)
        return il6_rise / tnf_rise

    assert il6_per_tnf(dose * factor) > il6_per_tnf(dose) > 0.0


@PROPERTY_SETTINGS
@given(st.floats(min_value=1.0, max_value=4.0), st.floats(min_value=1.0, max_value=5.0))
def test_endotoxin_tolerance_weakens_a_second_dose_less_the_longer_the_gap(dose, gap_days):
    """Endotoxin tolerance: a second, equal dose raises TNF-alpha less than the first, and less still after a
    shorter gap, as tolerance fades over days (Draisma 2009; Leentjens 2012; both at 2 ng/kg). Not claimed below
    1 ng/kg: there a dose leaves little tolerance (a sixth at 0.5 ng/kg), and the glucocorticoid priming its own
    cortisol leaves can outweigh the fading of tolerance for a few days (an untested prediction of the model)."""
    def tnf_rises(gap_min):
        result = run({"endotoxin": [{"time_min": 0.0, "dose_ng_per_kg": dose},
                                    {"time_min": gap_min, "dose_ng_per_kg": dose}],
                      "simulation": {"t_end_min": gap_min + 480.0, "output_step_min": 5.0}})
        tnf = np.asarray(result["tnf_alpha_pg_ml"])
        # Tolerance is a share of the endotoxin sensed: above 1, (sensed^2)^(n/2) would sensitise monocytes again.
        tolerance = np.asarray(result["monocyte_tolerance_rel"])
        assert tolerance.min() >= 0.0 and tolerance.max() < 1.0
        t = result.time_min
        rest = tnf[0]
        return tnf[t < 480.0].max() - rest, tnf[t >= gap_min].max() - rest

    first, second_soon = tnf_rises(gap_days * 1440.0)
    _, second_later = tnf_rises((gap_days + 3.0) * 1440.0)
    assert second_soon < second_later < first


@PROPERTY_SETTINGS
@given(durations, st.floats(min_value=40.0, max_value=85.0), modalities)
def test_trained_muscle_releases_less_il6_than_untrained_at_the_same_relative_load(duration, intensity, modality):
    def released(status):
        result = single_bout(duration, intensity, modality, status, recovery=0.0)
        return float(trapezoid(result["il6_release_ng_min"], result.time_min))

    assert released("trained") < released("untrained")


@PROPERTY_SETTINGS
@given(st.floats(min_value=35.0, max_value=60.0), st.floats(min_value=1.05, max_value=1.3),
       st.floats(min_value=35.0, max_value=65.0), st.floats(min_value=60.0, max_value=180.0))
def test_training_eases_the_same_absolute_work(vo2max, gain, load, duration):
    """Tabata 1990 (B231): after 7 weeks of training the work that was 50% of VO2max is a smaller share of a larger
    VO2max, and the fasted bout no longer empties the muscle, lowers glucose or raises cortisol as before. The
    same work, before (untrained) and after (recreational, VO2max x gain): at its end the trained subject has at
    least as much working-muscle glycogen and glucose left, and no more cortisol (0.1% for solver noise)."""
    def end_of(status, vo2max_now, intensity):
        result = single_bout(duration, intensity, status=status, recovery=0.0,
                             subject={"vo2max_ml_kg_min": vo2max_now})
        return {name: result.at(name, duration) for name in
                ("working_muscle_glycogen_mmol_kg_dw", "plasma_glucose_mmol_l", "cortisol_nmol_l")}

    before, after = end_of("untrained", vo2max, load), end_of("recreational", vo2max * gain, load / gain)
    assert after["working_muscle_glycogen_mmol_kg_dw"] >= before["working_muscle_glycogen_mmol_kg_dw"]
    assert after["plasma_glucose_mmol_l"] >= before["plasma_glucose_mmol_l"]
    assert after["cortisol_nmol_l"] <= 1.001 * before["cortisol_nmol_l"]


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=5), st.floats(min_value=40.0, max_value=150.0),
       st.floats(min_value=20.0, max_value=85.0), st.floats(min_value=3.0, max_value=80.0), training)
def test_resting_runs_stay_flat_over_days(days, body_mass, vo2max, fat_mass, status):
    result = run({"subject": {"body_mass_kg": body_mass, "vo2max_ml_kg_min": vo2max, "fat_mass_kg": fat_mass,
                              "training_status": status},
                  "simulation": {"t_end_min": 1440.0 * days, "output_step_min": 30.0}})
    for name, column in result.columns.items():
        column = np.asarray(column, dtype=float)
        # Relative to the resting value; quantities resting at zero carry solver rounding (~1e-10).
        assert np.abs(column - column[0]).max() <= 1e-6 * abs(column[0]) + 1e-8, name


@functools.cache
def daily_training(carbohydrate_g_per_kg_day: float, days: int = 5) -> ms.Result:
    """Days of 1 h at 65% VO2max each morning, the day's carbohydrate in three meals (default subject)."""
    body_mass = ms.build_model().parameter("subject.body_mass_kg").value
    meal_g = carbohydrate_g_per_kg_day * body_mass / 3.0
    return run({
        "exercise": [{"start_min": 60.0, "duration_min": 60.0, "intensity_pct_vo2max": 65.0, "repeat": days,
                      "every_min": 1440.0}],
        "meal": [{"time_min": t, "carbohydrate_g": meal_g, "repeat": days - 1, "every_min": 1440.0}
                 for t in (150.0, 480.0, 780.0)],
        "simulation": {"t_end_min": (days - 1) * 1440.0 + 120.0},
    })


def pre_session_glycogen(result: ms.Result) -> list[float]:
    days = int(result.time_min[-1] // 1440.0) + 1
    return [result.at("muscle_glycogen_mmol_kg_dw", 60.0 + 1440.0 * day) for day in range(days)]


def test_meals_keep_daily_training_in_glycogen_balance():
    """On a high-carbohydrate diet (10 g/kg/day, Sherman 1993's high arm) glycogen before each session settles
    within 15% of its start instead of drifting down, and the end-of-session IL-6 does not climb."""
    result = daily_training(10.0)
    before = pre_session_glycogen(result)
    assert min(before) > 0.85 * before[0], before
    assert abs(before[-1] - before[-2]) < 0.02 * before[0], before  # settled, not drifting
    ends = [result.at(IL6, 120.0 + 1440.0 * day) for day in range(5)]
    assert max(ends) < 1.5 * ends[0], ends


@pytest.mark.xfail(strict=True, reason="on 8 g/kg/day the recreational subject settles 17% below its start: meal "
                   "storage follows the insulin-mediated disposal above rest, which grows steeply with the glucose "
                   "load, but muscle_glycogen.rested_storage_relative (meal storage long after exercise) sits at its "
                   "lower bound, where fits left it to pass Sherman 1993's moderate diet (B60, at the edge of its "
                   "band; held there since 2026-12-07); "
                   "meals are taken on top of the habitual intake that holds the resting state, so a moderate diet "
                   "is not the carbohydrate deficit it is in the study")
def test_meals_keep_daily_training_in_glycogen_balance_on_8_g_per_kg():
    """8 g/kg/day, within the 6-10 g/kg/day recommended for 1 h of daily training, should hold glycogen too."""
    before = pre_session_glycogen(daily_training(8.0))
    assert min(before) > 0.85 * before[0], before


def test_daily_training_settles_lower_on_less_carbohydrate():
    """Sherman 1993: a week on 5 g/kg/day ends 30-36% lower than on 10 g/kg/day; each diet settles to a plateau
    within that week (the last day's fall is under 3% of the start)."""
    moderate, high = pre_session_glycogen(daily_training(5.0, 7)), pre_session_glycogen(daily_training(10.0, 7))
    assert moderate[-1] < 0.8 * high[-1], (moderate, high)
    assert abs(moderate[-1] - moderate[-2]) < 0.03 * moderate[0], moderate


@PROPERTY_SETTINGS
@given(st.floats(min_value=10.0, max_value=60.0), st.floats(min_value=50.0, max_value=85.0), training)
def test_running_uses_less_thigh_glycogen_than_cycling_at_the_same_relative_intensity(duration, intensity, status):
    """The thigh, where biopsies are taken, works less in running (Bijker 2002; Tsintzas 1995, B81)."""
    used = {}
    for modality in ("cycling", "running"):
        glycogen = single_bout(duration, intensity, modality, status, recovery=0.0)["muscle_glycogen_mmol_kg_dw"]
        used[modality] = glycogen[0] - glycogen[-1]
    assert 0.0 < used["running"] < used["cycling"]


@PROPERTY_SETTINGS
@given(st.floats(min_value=10.0, max_value=120.0), st.floats(min_value=50.0, max_value=85.0), modalities, training)
def test_the_working_muscle_store_is_the_thigh_store_except_in_running(duration, intensity, modality, status):
    """The IL-6 sensors read the mean glycogen of all working muscle; only in running does the thigh, where
    biopsies are taken, work less than the rest (Impey 2020: running empties gastrocnemius more than vastus
    lateralis)."""
    result = single_bout(duration, intensity, modality, status, recovery=60.0)
    thigh, working = result["muscle_glycogen_mmol_kg_dw"], result["working_muscle_glycogen_mmol_kg_dw"]
    if modality == "running":
        assert np.all(working <= thigh + 1e-9) and working[-1] < thigh[-1] - 1.0
    else:
        np.testing.assert_array_equal(working, thigh)


@PROPERTY_SETTINGS
@given(st.floats(min_value=150.0, max_value=200.0), st.floats(min_value=400.0, max_value=450.0),
       st.floats(min_value=1.3, max_value=1.8), st.floats(min_value=60.0, max_value=85.0))
def test_use_per_unit_of_glycogen_is_high_from_a_loaded_store_and_stays_high_from_a_low_one(low, normal, load,
                                                                                              intensity):
    """Spencer 1992: a loaded store (725) is used fastest, and a low one (182) is still emptied fast. In the first
    10 min a loaded store loses a larger share than a normal one, and a low store at least 82% of the normal
    store's share (a law of order 1.33 in glycogen, without extra use from a loaded store, gives under 80%)."""
    share = {}
    for store in (low, normal, normal * load):
        glycogen = run({
            "subject": {"training_status": "recreational", "muscle_glycogen_mmol_kg_dw": store},
            "exercise": [{"start_min": 0.0, "duration_min": 10.0, "intensity_pct_vo2max": intensity}],
            "simulation": {"t_end_min": 10.0},
        })["muscle_glycogen_mmol_kg_dw"]
        share[store] = (glycogen[0] - glycogen[-1]) / glycogen[0]
    assert share[normal * load] > share[normal] > 0.0
    assert share[low] > 0.82 * share[normal]
