"""Each defect of the first model, as a check that fails if it comes back (shipped parameter set).

The numbers in the asserts are physiological bounds from the studies named, not results of the fit.
"""

import numpy as np
import pytest

import myokine_sim as ms
from myokine_sim.errors import InputError
from myokine_sim.scenario import load_scenario, scenario_from_dict

IL6 = "plasma_il6_pg_ml"
HGO = "hepatic_glucose_output_mg_kg_min"
GLYCOGEN = "muscle_glycogen_mmol_kg_dw"


def run(t_end: float, parameters: dict[str, float] | None = None, **tables) -> ms.Result:
    return ms.simulate(scenario_from_dict({"name": "defect", "simulation": {"t_end_min": t_end}, **tables}),
                       parameters=parameters)


def bout(duration: float, intensity: float, modality: str = "cycling", start: float = 0.0) -> list[dict]:
    return [{"start_min": start, "duration_min": duration, "intensity_pct_vo2max": intensity, "modality": modality}]


def test_after_a_marathon_il6_il1ra_and_glucose_output_return_towards_rest():
    """Ostrowski 1999 (IL-6 near rest within hours); the first model held 20 pg/mL for 13 h."""
    result = ms.simulate(scenario_from_dict({**ms.load_scenario("marathon").model_dump(),
                                             "simulation": {"t_end_min": 1200.0}}))
    rest, finish = result.at(IL6, 0.0), result.at(IL6, 210.0)
    assert result.at(IL6, 210.0 + 480.0) < 0.1 * finish
    assert result.at(IL6, 210.0 + 960.0) < 2.0 * rest
    assert result.at("il1ra_pg_ml", 210.0 + 960.0) < 5.0 * result.at("il1ra_pg_ml", 0.0)
    assert result.at(HGO, 210.0 + 480.0) < 1.1 * result.at(HGO, 0.0)


def test_an_hour_of_hard_running_leaves_il6_below_its_end_of_exercise_value_hours_later():
    result = run(460.0, exercise=bout(60.0, 85.0, "running"))
    assert result.at(IL6, 60.0 + 336.0) < 0.5 * result.at(IL6, 60.0)


def test_gut_barrier_heals_at_its_repair_rate_once_hard_running_stops():
    """The exercise gut injury is transient (van Wijck 2011): at rest it decays at the repair rate, not at the slow
    rate at which it built up, so no gut endotoxin, and no late immune IL-6, outlasts the run by hours."""
    result = run(480.0, exercise=bout(180.0, 80.0, "running"))
    repair = ms.build_model().parameter("endotoxin.gut_repair_rate_per_min").value
    injury = "gut_barrier_injury_rel"
    # Reduced case: with the run over (hypoperfusion ~0) the injury decays exponentially at the repair rate.
    expected = result.at(injury, 240.0) * np.exp(-repair * 120.0)
    assert result.at(injury, 360.0) == pytest.approx(expected, rel=1e-3)
    assert result.at(injury, 180.0) > 0.1
    il6 = result[IL6][result.time_min >= 210.0]
    assert np.all(np.diff(il6) <= 1e-9 * il6.max())


@pytest.mark.parametrize("scenario", ["running_150min_75pct_carbohydrate", "cycling_150min_75pct_carbohydrate"])
def test_after_a_long_bout_with_carbohydrate_plasma_il6_does_not_rise_again(scenario):
    """A single bout's IL-6 does not rise again without new exercise or inputs (the last drink is 15 min before the
    end). Nehlsen-Cannarella 1997 (B13, B15) and Nieman 1998 sampled only to 1.5 h after these bouts, so this checks
    the rule, not a measured time course. Endotoxin leaked from the gut in the bout used to induce a small wave of
    innate IL-6 hours later: with near-total blunting of muscle IL-6 (0.96) it broke the rule (the ride rose 1.39-fold
    from its trough, the run 1.13-fold), and with the partial blunting of Keller 2003 (B113) it passed inside the 10%
    allowance (the ride 1.04-fold, the run 1.00). Since innate IL-6 induction is of order 1.46 in the TNF-alpha rise
    (endotoxin.il6_tnf_order, fitted for Krabbe 2005's low-dose response, B127) the gut's endotoxin barely induces
    IL-6 and neither rises again (1.00-fold). The same power law, tried earlier against this wave alone, was not
    kept then; braking the wave with the monocyte restraint was not kept either."""
    result = ms.simulate(scenario_from_dict({**ms.load_scenario(scenario).model_dump(),
                                             "simulation": {"t_end_min": 600.0}}))
    after = result[IL6][result.time_min >= 180.0]
    trough_so_far = np.minimum.accumulate(after)
    assert np.all(after <= 1.1 * trough_so_far)


def test_peritendinous_il6_builds_in_running_only_and_fades_at_its_rate_after_it():
    """Langberg 2002: IL-6 around the Achilles tendon after a long run; cycling loads no tendon this way."""
    running = run(480.0, exercise=bout(120.0, 75.0, "running"))
    cycling = run(480.0, exercise=bout(120.0, 75.0))
    state = "peritendinous_il6_activation_rel"
    # The rate the run used: the shipped parameter set's fitted value, not the module's declared default.
    rate = ms.resolve_parameters(ms.load_scenario("rest"))["tendon_il6.activation_rate_per_min"]
    assert running.at(state, 120.0) > 0.1
    assert float(np.abs(cycling[state]).max()) < 1e-12
    # Reduced case: with the run over (no loading) the activation decays exponentially at its rate.
    expected = running.at(state, 240.0) * np.exp(-rate * 120.0)
    assert running.at(state, 360.0) == pytest.approx(expected, rel=1e-3)


def test_carbohydrate_does_not_blunt_the_tendon_il6_that_running_adds():
    """A check of the model's structure: the IL-6 of the tissue around the tendons, which only running adds, is taken
    not to be blunted by carbohydrate, so it lifts running's fed-over-placebo ratio of plasma IL-6 and leaves
    cycling's alone. Whether running then ends up blunted less than cycling is left to the fit: the data put both
    near 0.6 (Nehlsen-Cannarella 1997, running: +421% against +753%, 0.61; Keller 2003, cycling: 0.60). With the
    tendon route at 1.55 ng/min (2.26 before the refit of 2026-12-04) the model gives 0.70 for running and 0.71 for
    cycling. Trained subjects, as in Nehlsen-Cannarella 1997 and Nieman 1998."""
    subject = ms.load_scenario("running_150min_75pct").subject.model_dump()
    drinks = [{"start_min": 0.0, "every_min": 15.0, "until_min": 150.0, "grams": 18.0}]
    no_tendon = {"tendon_il6.release_max_ng_min": 0.0}

    def blunting(modality: str, overrides: dict | None = None) -> float:
        def plasma_il6(carbohydrate: list[dict]) -> float:
            scenario = scenario_from_dict({"name": "blunting", "simulation": {"t_end_min": 150.0}, "subject": subject,
                                           "exercise": bout(150.0, 75.0, modality), "carbohydrate": carbohydrate})
            return ms.simulate(scenario, overrides).at(IL6, 150.0)

        return plasma_il6(drinks) / plasma_il6([])

    assert blunting("running") > blunting("running", no_tendon) + 0.01
    assert blunting("cycling") == pytest.approx(blunting("cycling", no_tendon), rel=1e-9)


def test_a_sports_drink_lowers_il6_release_and_plasma_il6_partially_not_to_rest():
    """Glucose ingestion (64 g/h) attenuated IL-6 release from the working leg in 2 h of cycling (Febbraio 2003b),
    and plasma IL-6 ended 0.60 of placebo after 3 h of cycling (Keller 2003: 15.6 against 26.0 pg/mL) and 0.61 after
    2.5 h of running (Nehlsen-Cannarella 1997: +421% against +753%). The bands are read from those plasma ratios,
    allowing for the IL-6 that does not come from muscle; the abstracts do not give the release ratio. The previous
    fit cut release to a tenth and plasma IL-6 to a quarter (0.10, 0.23). The dose response is still a switch: any
    drink above a few grams an hour gives nearly the full effect (see carbohydrate.availability_half_g_min)."""
    drinks = [{"start_min": 0.0, "every_min": 15.0, "until_min": 120.0, "grams": 16.0}]
    fed = run(120.0, exercise=bout(120.0, 65.0), carbohydrate=drinks)
    placebo = run(120.0, exercise=bout(120.0, 65.0))
    release = fed.at("il6_release_ng_min", 120.0) / placebo.at("il6_release_ng_min", 120.0)
    plasma = fed.at(IL6, 120.0) / placebo.at(IL6, 120.0)
    assert 0.3 < release < 0.8
    assert 0.4 < plasma < 0.9
    assert fed.at(IL6, 120.0) > 3.0 * fed.at(IL6, 0.0)


def test_tnf_response_to_endotoxin_does_not_grow_with_resting_il6():
    def peak(resting_il6: float) -> float:
        return float(run(400.0, endotoxin=[{"time_min": 30.0, "dose_ng_per_kg": 2.0}],
                         parameters={"plasma_il6.baseline_pg_ml": resting_il6})["tnf_alpha_pg_ml"].max())

    # Within 2%: the saturating IL-6 drives of cortisol and IL-10 are counted from each subject's rest.
    assert peak(3.0) <= peak(1.0) * 1.02


def test_endotoxin_at_challenge_doses_gives_hundreds_of_pg_of_tnf_peaking_within_two_hours():
    result = run(480.0, endotoxin=[{"time_min": 0.0, "dose_ng_per_kg": 2.0}])
    tnf = result["tnf_alpha_pg_ml"]
    assert tnf.max() > 50.0
    assert 60.0 <= result.time_min[int(np.argmax(tnf))] <= 150.0  # 90 min (Michie 1988; Barber 1993)
    assert result[IL6].max() > 200.0


BOLUS_MIN = 60.0


def bolus_response(dose: float) -> ms.Result:
    return run(540.0, endotoxin=[{"time_min": BOLUS_MIN, "dose_ng_per_kg": dose}])


def peak_time_after_bolus(result: ms.Result, column: str) -> float:
    return float(result.time_min[int(np.argmax(result[column]))]) - BOLUS_MIN


@pytest.mark.parametrize("dose", [2.0, 4.0])
def test_tnf_alpha_peaks_75_to_120_min_after_a_challenge_dose_whatever_the_dose(dose):
    """1.5 h at 2 ng/kg (van der Poll 1997 Blood 89:3727) and at 4 ng/kg (Suffredini 1995); 2 h at 2 and 4 ng/kg
    (Copeland 2005; Fijen 2000). Brakes acting at once ended the rise after about an hour at 2 ng/kg."""
    assert 75.0 <= peak_time_after_bolus(bolus_response(dose), "tnf_alpha_pg_ml") <= 120.0


def test_innate_il6_rises_after_tnf_alpha_and_peaks_later():
    """The cytokine cascade: IL-6 peaks after TNF-alpha, 30 min later in Barber 1993 (90 vs 120 min) and 90 min
    later in Suffredini 1995 (1.5 vs 3 h). When TNF-alpha has appeared, 30 min after the bolus (Fijen 2000), IL-6
    has barely begun to rise; 10% and 15% of the peak rise are this test's thresholds for 'appeared' and 'barely'."""
    result = bolus_response(4.0)
    assert peak_time_after_bolus(result, IL6) - peak_time_after_bolus(result, "tnf_alpha_pg_ml") >= 30.0
    rise = lambda column, t: result.at(column, BOLUS_MIN + t) - result.at(column, 0.0)  # noqa: E731
    peak_rise = lambda column: float(result[column].max()) - result.at(column, 0.0)  # noqa: E731
    assert rise(IL6, 30.0) < 0.15 * peak_rise(IL6)
    assert rise("tnf_alpha_pg_ml", 30.0) > 0.1 * peak_rise("tnf_alpha_pg_ml")


@pytest.mark.parametrize("dose", [0.6, 2.0, 4.0])
def test_innate_il6_falls_back_within_hours_of_its_peak(dose):
    """IL-6 peaked at 2 h and was back to baseline by 4-6 h after 2 ng/kg (Copeland 2005, mice and humans together),
    yet still raised at 8 h in Mant 2008: after its single peak it only falls, to under a fifth of the peak 6 h after
    the bolus. A single slow synthesis lag held it at 60% of its peak then."""
    result = bolus_response(dose)
    il6 = result[IL6]
    after_peak = il6[int(np.argmax(il6)):]
    assert np.all(np.diff(after_peak) <= 1e-6 * il6.max())
    assert result.at(IL6, BOLUS_MIN + 360.0) < 0.2 * il6.max()


def test_low_intensity_barely_switches_on_il6_transcription_or_empties_glycogen():
    low, high = run(60.0, exercise=bout(60.0, 20.0)), run(60.0, exercise=bout(60.0, 85.0))
    assert low.at("il6_mrna_fold", 60.0) < 0.3 * high.at("il6_mrna_fold", 60.0)
    slow = run(120.0, exercise=bout(120.0, 25.0))
    assert slow.at(GLYCOGEN, 120.0) > 0.85 * slow.at(GLYCOGEN, 0.0)


def test_supramaximal_work_uses_glycogen_many_times_faster_per_minute_than_moderate_work():
    """Thomson 1979 (Pflugers Arch 379:105): ten 1-min bouts above VO2max emptied 52% of muscle glycogen, 2 h at 60%
    VO2max 77%, so a minute of supramaximal work used about 8 times as much; at least half of that is asked here.
    Without anaerobic glycogenolysis the model's use law saturates with intensity and gave about 3 times."""
    sprint, steady = ms.simulate("cycling_10x1min_120pct"), ms.simulate("cycling_120min_60pct")
    sprint_per_min = (sprint.at(GLYCOGEN, 0.0) - sprint.at(GLYCOGEN, 37.0)) / 10.0
    steady_per_min = (steady.at(GLYCOGEN, 0.0) - steady.at(GLYCOGEN, 120.0)) / 120.0
    assert sprint_per_min > 4.0 * steady_per_min


def test_plasma_ffa_dips_at_the_start_of_exercise_and_rebounds_after_it():
    result = run(180.0, exercise=bout(60.0, 65.0))
    rest = result.at("plasma_ffa_mmol_l", 0.0)
    assert result["plasma_ffa_mmol_l"][result.time_min <= 20.0].min() < rest
    assert result.at("plasma_ffa_mmol_l", 90.0) > rest


def test_plasma_ffa_stays_within_what_albumin_carries_in_prolonged_exercise():
    """A 100-km race ends at 2.44 mmol/L FFA after 10 h (PMID 7026231); FFA rises all through 4 h of cycling
    (Watt 2002) and rebounds after exercise, yet never to the 4-5 mmol/L the first model reached."""
    marathon = ms.simulate("marathon")
    assert marathon["plasma_ffa_mmol_l"].max() < 2.5
    watt = ms.simulate("cycling_240min_57pct")
    ffa = watt["plasma_ffa_mmol_l"]
    assert 1.0 < watt.at("plasma_ffa_mmol_l", 240.0) and ffa.max() < 2.5
    assert watt.at("plasma_ffa_mmol_l", 240.0) > watt.at("plasma_ffa_mmol_l", 120.0)  # still rising


def test_glucose_drunk_during_a_bout_suppresses_lipolysis_less_than_the_same_glucose_drunk_at_rest():
    """The first model suppressed lipolysis by the glucose being absorbed, whatever the work rate, so glucose drunk
    through a ride left fat 18% of the energy where van Loon 1999 (B211) measured 33%. Insulin carries the
    suppression, and exercise keeps insulin near rest (Galbo 1977; in the model working muscle's uptake keeps glucose
    from rising and the gut hormones' amplification fades), so the same 60 g suppresses less in a bout."""
    drink = [{"start_min": 0.0, "grams": 60.0}]
    at_rest, fasted_rest = run(120.0, carbohydrate=drink), run(120.0)
    ride = bout(120.0, 55.0)
    in_bout, fasted_bout = run(120.0, carbohydrate=drink, exercise=ride), run(120.0, exercise=ride)
    lipolysis = "glycerol_ra_umol_kg_min"
    rest_suppression = 1.0 - at_rest.at(lipolysis, 90.0) / fasted_rest.at(lipolysis, 90.0)
    bout_suppression = 1.0 - in_bout.at(lipolysis, 90.0) / fasted_bout.at(lipolysis, 90.0)
    assert rest_suppression > 0.5
    assert bout_suppression < 0.85 * rest_suppression  # the first model suppressed both alike


def test_insulin_action_on_adipose_tissue_is_a_first_order_lag_of_insulin_mediated_disposal():
    """Reduced case: the antilipolytic action solves d(action)/dt = k (rise - action) from 0, so integrating that
    linear equation exactly over each output step, with the rise linear between samples, reproduces it. The
    tolerance allows for the rise being sampled every 0.25 min."""
    result = ms.simulate(scenario_from_dict({**ms.load_scenario("ogtt_75g_rest").model_dump(),
                                             "simulation": {"t_end_min": 240.0, "output_step_min": 0.25}}))
    rate = result.parameters["adipose.insulin_action_rate_per_min"]
    rise, action = result["insulin_disposal_rise_mg_kg_min"], result["adipose_insulin_action_mg_kg_min"]
    decay = np.exp(-rate * np.diff(result.time_min))
    ramp = 1.0 - (1.0 - decay) / (rate * np.diff(result.time_min))
    expected = np.empty_like(action)
    expected[0] = 0.0
    for n in range(len(decay)):
        expected[n + 1] = expected[n] * decay[n] + rise[n] * (1.0 - decay[n]) + (rise[n + 1] - rise[n]) * ramp[n]
    atol, rtol = 1e-3, 1e-3
    assert action.max() > 1.0
    assert np.max(np.abs(action - expected) / (atol + rtol * np.abs(expected))) < 1.0


def test_rhil6_at_rest_leaves_glucose_output_alone_but_raises_it_in_exercise():
    infusion = [{"start_min": 0.0, "duration_min": 180.0, "rate_ug_per_h": 18.0}]
    rest = run(180.0, il6_infusion=infusion)
    assert rest.at(HGO, 170.0) == pytest.approx(rest.at(HGO, 0.0), rel=1e-3)


def test_gut_hormones_amplify_the_insulin_response_to_an_oral_load_at_rest_but_little_in_exercise():
    """Incretins carry 50-70% of the insulin response to oral glucose (Meier & Nauck 2010; Mari 2013: oral over
    intravenous secretion 1.7 for 75 g), amplifying glucose-stimulated secretion only; in exercise alpha-adrenergic
    inhibition holds insulin secretion down (Galbo 1977)."""
    glucose = "plasma_glucose_mmol_l"
    without = {"plasma_glucose.incretin_gain": 0.0}
    ogtt = ms.simulate("ogtt_75g_rest")
    ogtt_without = ms.simulate("ogtt_75g_rest", parameters=without)
    uptake, glycogenolysis = "glucose_uptake_mg_kg_min", "hepatic_glycogenolysis_mg_kg_min"
    assert ogtt.at(uptake, 0.0) == ogtt_without.at(uptake, 0.0)  # absorbing, but glucose still at rest: no rise
    assert ogtt[glucose].max() < ogtt_without[glucose].max() - 0.5
    # The liver's brake is amplified too: less glycogenolysis early in the load although glucose has risen less.
    assert ogtt.at(glycogenolysis, 15.0) < ogtt_without.at(glycogenolysis, 15.0)
    assert ogtt.at(glucose, 15.0) < ogtt_without.at(glucose, 15.0)
    drinks = {"exercise": bout(120.0, 65.0),
              "carbohydrate": [{"start_min": 0.0, "every_min": 15.0, "until_min": 120.0, "grams": 16.0}]}
    ride, ride_without = run(120.0, **drinks), run(120.0, parameters=without, **drinks)
    late = ride.time_min >= 30.0
    assert np.allclose(ride[glucose][late], ride_without[glucose][late], rtol=0.005)  # 1.7% without the fade


def test_carbohydrate_during_exercise_holds_glucose_output_near_rest():
    """Jeukendrup 1999: ingested glucose suppresses hepatic output during exercise. Absorbed glucose replaces the
    exercise rise of glycogenolysis, the glucose it raises suppresses the rest (through insulin), and it lowers the
    glucagon drive of gluconeogenesis."""
    fed = run(120.0, exercise=bout(120.0, 60.0), carbohydrate=[{"start_min": 0.0, "every_min": 15.0,
                                                                "until_min": 120.0, "grams": 30.0}])
    assert fed.at(HGO, 110.0) < 1.3 * fed.at(HGO, 0.0)


def test_a_sports_drink_dose_during_exercise_holds_glucose_and_keeps_glucose_output_near_rest():
    """A sports-drink dose (16 g every 15 min, 64 g/h) through 2 h at 65% VO2max. Plasma glucose stays within a tenth
    of rest; through the whole ride, the quarter hour after the last drink included, hepatic output stays below 1.5
    times rest, as with an 8% drink in Angus 2002 (target B110: a trained subject at 80 g/h), although glucose dips
    below rest as the working muscle's glycogen runs low (insulin, which holds the liver, falls only as glucose
    does; glucose ends at 0.93 of rest, 0.97 when the hold was a switch in glucose that doubled the output instead);
    and from 30 min on it is at most half the fasted ride's, which rises several-fold (Jeukendrup 1999: 9.2
    mg/kg/min at 120 min on water, about 4.5 times rest; a 4% drink, about 23 g/h, already suppressed output
    partially)."""
    drinks = [{"start_min": 0.0, "every_min": 15.0, "until_min": 120.0, "grams": 16.0}]
    fed = run(120.0, exercise=bout(120.0, 65.0), carbohydrate=drinks)
    fasted = run(120.0, exercise=bout(120.0, 65.0))
    resting_output = fed.at(HGO, 0.0)
    assert fed["plasma_glucose_mmol_l"].min() >= 0.9 * fed.at("plasma_glucose_mmol_l", 0.0)
    assert fed[HGO].max() < 1.5 * resting_output
    later = fed.time_min >= 30.0
    assert np.all(fed[HGO][later] <= 0.5 * fasted[HGO][later])
    assert fasted.at(HGO, 120.0) > 3.0 * resting_output


def test_with_an_8pct_drink_the_liver_stays_near_rest_through_a_ride_to_fatigue():
    """Angus 2002 (Am J Physiol Endocrinol Metab 283:E573): trained men cycling at ~68% VO2peak to fatigue (232 min)
    on an 8% drink; liver output never rose above rest. Target B110 reads its scenario at 120 min only; this follows
    the ride to the end, where the working muscle has emptied and takes up more glucose. The liver's exercise
    glycogenolysis stays held by the insulin the drink keeps up as glucose falls only a little: output stays below
    1.5 times rest (1.40 now; it rose to 2.3 times rest when the hold was a switch in glucose,
    liver.portal_hold_glucose_order 16). The price, and what still disagrees: glucose ends 12% below rest (4.5%
    with the switch), where the study saw it stay at its pre-exercise level, as the emptying muscle's extra uptake
    runs ahead (B107)."""
    document = load_scenario("cycling_120min_68pct_carbohydrate_8pct").model_dump()
    document["exercise"][0]["duration_min"] = 232.0
    document["carbohydrate"][0]["until_min"] = 232.0
    document["simulation"]["t_end_min"] = 232.0
    fed = ms.simulate(scenario_from_dict(document))
    assert fed.at(GLYCOGEN, 232.0) < 0.3 * fed.at(GLYCOGEN, 0.0)  # the late phase this checks is reached
    assert fed[HGO].max() < 1.5 * fed.at(HGO, 0.0)
    assert fed["plasma_glucose_mmol_l"].min() > 0.85 * fed.at("plasma_glucose_mmol_l", 0.0)


@pytest.mark.xfail(strict=True, reason="working muscle's extra glucose uptake as its glycogen empties "
                   "(plasma_glucose.depleted_muscle_uptake_mg_kg_min, fitted to cycling to exhaustion) takes "
                   "glucose to about 0.58 of rest after 4 h at 57%; see B107's known_failure in targets.toml")
def test_four_hours_of_moderate_cycling_leave_a_trained_subject_near_resting_glucose():
    """Watt 2002 (J Physiol 541:969): trained men cycling 4 h at 57% VO2max, glucose only tended to fall (not
    significantly) while muscle glycogen fell to 144 mmol/kg dw, which the model matches (target C15b). The bound
    allows a quarter below rest; the abstract does not say whether the men had eaten, so this is a check, not a
    target. It fails today and is kept strict so that a fix of the glucose balance shows here."""
    result = ms.simulate("cycling_240min_57pct")
    assert result.at(GLYCOGEN, 240.0) < 200.0  # the muscle did empty as in the study
    assert result.at("plasma_glucose_mmol_l", 240.0) > 0.75 * result.at("plasma_glucose_mmol_l", 0.0)


def test_a_day_of_exercise_empties_the_liver_and_glucose_output_falls():
    result = run(1440.0, exercise=bout(1440.0, 50.0))
    assert result.at("liver_glycogen_g", 1439.0) < 0.5 * result.at("liver_glycogen_g", 0.0)
    assert result.at(HGO, 1439.0) < 0.8 * result[HGO].max()


def test_carbohydrate_after_exercise_resynthesises_glycogen_at_published_rates():
    """Ivy 1988 and later studies: ~20-45 mmol/kg dw/h with carbohydrate, a few without."""
    depleting = bout(90.0, 70.0)
    fed = run(210.0, exercise=depleting, carbohydrate=[{"start_min": 90.0, "grams": 112.0}])
    fasted = run(210.0, exercise=depleting)
    fed_rate = (fed.at(GLYCOGEN, 210.0) - fed.at(GLYCOGEN, 90.0)) / 2.0
    fasted_rate = (fasted.at(GLYCOGEN, 210.0) - fasted.at(GLYCOGEN, 90.0)) / 2.0
    assert 15.0 < fed_rate < 60.0
    assert fasted_rate < 0.5 * fed_rate


def test_running_and_cycling_differ_modestly_at_the_same_relative_load():
    cycling, running = run(300.0, exercise=bout(150.0, 70.0)), run(300.0, exercise=bout(150.0, 70.0, "running"))
    ratio = running.at(IL6, 150.0) / cycling.at(IL6, 150.0)
    assert 1.0 < ratio < 3.0


def test_fat_mass_raises_resting_il6_and_lipolysis():
    lean = run(60.0, subject={"fat_mass_kg": 8.0})
    obese = run(60.0, subject={"fat_mass_kg": 40.0})
    assert obese.at(IL6, 0.0) > 1.2 * lean.at(IL6, 0.0)
    assert obese.at("glycerol_ra_umol_kg_min", 0.0) > 1.2 * lean.at("glycerol_ra_umol_kg_min", 0.0)


def test_rhil6_raises_energy_expenditure_at_rest():
    """van Hall 2003 (+7%): the first model had no route from IL-6 to oxygen uptake."""
    result = run(240.0, il6_infusion=[{"start_min": 0.0, "duration_min": 180.0, "rate_ug_per_h": 18.0}])
    rise = result.at("energy_expenditure_kcal_min", 170.0) / result.at("energy_expenditure_kcal_min", 0.0) - 1.0
    assert 0.02 < rise < 0.15


def test_an_hour_at_150_percent_vo2max_is_rejected():
    with pytest.raises(InputError):
        scenario_from_dict({"name": "x", "exercise": bout(60.0, 150.0)})


def test_low_glycogen_boosts_il6_transcription_less_in_trained_muscle():
    """McConell 2005: training abolished the exercise rise of the muscle energy sensor (AMPK) at matched glycogen.

    Glycogen use is made the same for both statuses, so the ratio tells the statuses apart through the sensor's
    blunting (the training cut of transcription moves it by about 1%).
    """
    same_use = {"muscle_glycogen.untrained_use_gain": 0.0}

    def boost(status: str) -> float:
        def mrna(glycogen: float) -> float:
            return run(120.0, exercise=bout(120.0, 65.0), parameters=same_use,
                       subject={"training_status": status, "muscle_glycogen_mmol_kg_dw": glycogen}).at(
                "il6_mrna_fold", 120.0)
        return mrna(200.0) / mrna(450.0)

    assert boost("trained") < 0.8 * boost("untrained")


def test_starting_glycogen_moves_plasma_il6_much_less_in_trained_than_in_untrained_men():
    """MacDonald 2003: in well-trained men plasma IL-6 after 1 h at 70% VO2peak rose alike from ~160 and from ~900
    mmol/kg dw of glycogen (Wojtaszewski 2003 gives the stores). Training damps both glycogen sensors (for the one on
    synthesis a model assumption). The model still leaves trained men's ratio near 2 where the study found none: that
    is target B120, a known failure; this checks only that training damps the glycogen effect by more than half.
    Glycogen use is made the same for both statuses so that the sensors alone tell them apart."""
    same_use = {"muscle_glycogen.untrained_use_gain": 0.0}

    def depleted_over_loaded(status: str) -> float:
        def il6(glycogen: float) -> float:
            return run(60.0, exercise=bout(60.0, 70.0), parameters=same_use,
                       subject={"training_status": status, "muscle_glycogen_mmol_kg_dw": glycogen}).at(IL6, 60.0)
        return il6(160.0) / il6(900.0)

    assert depleted_over_loaded("trained") < 0.5 * depleted_over_loaded("untrained")


def test_il6_synthesis_grows_with_time_spent_working_without_the_glycogen_sensors():
    """Fischer 2006: duration alone explains more than half of the variation of the plasma IL-6 rise. With the
    glycogen sensors off, muscle IL-6 release grows from the second to the fourth hour at 60% VO2max, and the record
    of contraction carries a sizeable part of that growth: over a quarter more than without it (muscle_il6.duration_gain
    at 0; the mRNA's own slow approach gives the rest)."""
    no_sensors = {"il6_gene.glycogen_sensor_gain": 0.0, "muscle_il6.glycogen_release_gain": 0.0}

    def growth(parameters: dict) -> float:
        result = run(240.0, exercise=bout(240.0, 60.0), parameters=parameters)
        return result.at("il6_release_ng_min", 240.0) / result.at("il6_release_ng_min", 120.0)

    assert growth(no_sensors) > 1.25 * growth({**no_sensors, "muscle_il6.duration_gain": 0.0})


def test_il10_has_no_direct_catecholamine_term_and_answers_plasma_il6_as_its_hill_law_says():
    """Adrenaline potentiates endotoxin-induced IL-10 (van der Poll 1996) but has no direct route in the model: at an
    otherwise resting state, the sympatho-adrenal drive of hard exercise with glucose at 60% of rest (which raises the
    adrenal drive further) leaves IL-10's rate at zero, while the plasma IL-6 of a long run raises it by exactly the
    IL-6 induction. (Catecholamines still reach IL-10 indirectly, through IL-6 release and cortisol: not seen here.)"""
    from conftest import resting_right_hand_side

    index, rest, right_hand_side = resting_right_hand_side()
    model = ms.build_model()
    p = ms.resolve_parameters(ms.load_scenario("rest"), model=model)

    def il10_rate(**changes: float) -> float:
        return right_hand_side(**changes)[index["il10_pg_ml"]]

    assert il10_rate() == 0.0  # rest is a steady state
    stressed = il10_rate(catecholamine_drive_rel=2.0,
                         plasma_glucose_mmol_l=0.6 * rest[index["plasma_glucose_mmol_l"]])
    assert abs(stressed) < 1e-12
    resting_il6 = rest[index["plasma_il6_pg_ml"]]
    half = p["il10.il6_half_pg_ml"]
    induction = p["il10.il6_max_fold"] * (20.0 * resting_il6 / (20.0 * resting_il6 + half)
                                          - resting_il6 / (resting_il6 + half))
    expected = p["il10.elimination_rate_per_min"] * p["il10.baseline_pg_ml"] * induction
    assert il10_rate(plasma_il6_pg_ml=20.0 * resting_il6) == pytest.approx(expected, rel=1e-9)


def test_il1ra_routes_answer_monocyte_activation_and_cortisol_amplified_il6_as_their_laws_say():
    """IL-1ra's two routes, read off the right-hand side at an otherwise resting state: the monocyte route follows
    monocyte activation alone (not TNF-alpha or cortisol), cortisol without raised IL-6 induces nothing, and raised IL-6
    induces at its Hill drive times (cortisol / rest)^order."""
    from conftest import resting_right_hand_side

    index, rest, rates = resting_right_hand_side()
    p = ms.resolve_parameters(ms.load_scenario("rest"), model=ms.build_model())
    rate = p["il1ra.induction_rate_per_min"]
    cortisol_rest = rest[index["cortisol_nmol_l"]]

    monocyte = rates(monocyte_activation_rel=0.5, tnf_alpha_pg_ml=10.0 * rest[index["tnf_alpha_pg_ml"]],
                     cortisol_nmol_l=3.0 * cortisol_rest)
    assert monocyte[index["il1ra_monocyte_induction_rel"]] == pytest.approx(rate * 0.5, rel=1e-12)
    assert monocyte[index["il1ra_induction_rel"]] == 0.0  # cortisol amplifies IL-6's drive; alone it drives nothing
    produced = rates(il1ra_monocyte_induction_rel=0.2)[index["il1ra_pg_ml"]]
    assert produced == pytest.approx(
        p["il1ra.elimination_rate_per_min"] * p["il1ra.baseline_pg_ml"] * p["il1ra.monocyte_fold"] * 0.2, rel=1e-12)

    resting_il6 = rest[index["plasma_il6_pg_ml"]]
    half = p["il1ra.il6_half_pg_ml"]
    drive = 30.0 * resting_il6 / (30.0 * resting_il6 + half) - resting_il6 / (resting_il6 + half)
    for ratio in (1.0, 2.5):
        induced = rates(plasma_il6_pg_ml=30.0 * resting_il6, cortisol_nmol_l=ratio * cortisol_rest)
        assert induced[index["il1ra_induction_rel"]] == pytest.approx(
            rate * drive * ratio ** p["il1ra.cortisol_order"], rel=1e-9)


def test_cortisol_production_follows_a_steep_acth_threshold_and_removal_the_cortisol_cbg_leaves_unbound():
    """Cortisol's exercise drive, read off the right-hand side with glucose, IL-6 and TNF-alpha at rest (where the
    adrenaline drive is the catecholamine drive): a Hill threshold term in that drive, against removal in proportion
    to the cortisol CBG does not hold. The threshold sits where Hill 2008 puts it: off after 30 min at 40% VO2max
    (no cortisol rise), on after 30 min at 80% (ACTH raised)."""
    from myokine_sim.model.cortisol import EXERCISE_THRESHOLD_HILL, unbound_cortisol

    from conftest import resting_right_hand_side

    index, rest, rates = resting_right_hand_side()
    p = ms.resolve_parameters(ms.load_scenario("rest"), model=ms.build_model())
    baseline, k = p["cortisol.baseline_nmol_l"], p["cortisol.elimination_rate_per_min"]
    half = p["cortisol.exercise_threshold_drive"]
    binding = (p["cortisol.cbg_capacity_nmol_l"], p["cortisol.cbg_dissociation_nmol_l"],
               p["cortisol.albumin_bound_per_free"])

    def expected(drive, ratio):
        threshold = drive**EXERCISE_THRESHOLD_HILL / (drive**EXERCISE_THRESHOLD_HILL + half**EXERCISE_THRESHOLD_HILL)
        removal = unbound_cortisol(ratio * baseline, *binding) / unbound_cortisol(baseline, *binding)
        return k * baseline * (1.0 + p["cortisol.exercise_threshold_gain"] * threshold - removal)

    for drive in (0.3, half, 1.5):
        for ratio in (1.0, 2.0):
            rate = rates(catecholamine_drive_rel=drive, cortisol_nmol_l=ratio * baseline)[index["cortisol_nmol_l"]]
            assert rate == pytest.approx(expected(drive, ratio), rel=1e-9), (drive, ratio)
    # CBG saturates: twice the resting cortisol is removed more than twice as fast.
    assert rates(cortisol_nmol_l=2.0 * baseline)[index["cortisol_nmol_l"]] < -k * baseline

    def threshold_share(scenario):
        drive = ms.simulate(scenario).at("adrenaline_drive_rel", 30.0)
        return drive**EXERCISE_THRESHOLD_HILL / (drive**EXERCISE_THRESHOLD_HILL + half**EXERCISE_THRESHOLD_HILL)

    assert threshold_share("cycling_30min_40pct") < 0.01
    assert threshold_share("cycling_30min_80pct") > 0.9
