"""`myokine evidence`: the calibration studies nearest to a scenario, and whether it is within their range."""

import json

import pytest
from typer.testing import CliRunner

from myokine_sim.calibration.evidence import (
    GLYCOGEN_DOUBLING,
    INTENSITY_STEP_PCT,
    MISSING_EXERCISE,
    MISSING_INPUT,
    OTHER_KIND_OF_WORK,
    OTHER_TRAINING_STATUS,
    REPEAT_DOUBLING,
    SHOWN_DECIMALS,
    TIMING_STEP_MIN,
    WITHIN_RANGE,
    StudyMatch,
    calibration_studies,
    distance,
    nearest_studies,
    protocol,
)
from myokine_sim.calibration.targets import load_targets
from myokine_sim.cli import app
from myokine_sim.scenario import Scenario, load_scenario

runner = CliRunner()


def scenario(**tables) -> Scenario:
    return Scenario.model_validate({"name": "asked", **tables})


def bout(**fields) -> dict:
    return {"start_min": 0, "duration_min": 60, "intensity_pct_vo2max": 65, "modality": "cycling", **fields}


BASE = protocol(scenario(exercise=[bout()]))


@pytest.fixture(scope="module")
def studies():
    return calibration_studies()


def test_every_scored_targets_scenario_finds_its_own_study_at_distance_zero_behind_only_ties_in_file_order(studies):
    """A study's own scenario is at distance 0 from it; studies that ran the same protocol tie with it and are
    listed in file order, so only such ties may rank ahead of it."""
    file_order = list(studies.protocols)
    for target in (t for t in load_targets() if t.scored and t.simulable):
        for name in target.scenarios:
            matches = nearest_studies(load_scenario(name), limit=len(studies.protocols), studies=studies)
            position = [m.study for m in matches].index(target.study)
            own, ahead = matches[position], matches[:position]
            assert own.distance == 0.0 and own.within_range, (target.id, name)
            assert all(m.distance == 0.0 for m in ahead), (target.id, name, [m.study for m in ahead])
            ranks = [file_order.index(m.study) for m in matches if m.distance == 0.0]
            assert ranks == sorted(ranks), (target.id, name)


@pytest.mark.parametrize(("change", "steps"), [
    ({"intensity_pct_vo2max": 65 + INTENSITY_STEP_PCT}, 1.0),   # ten points of VO2max
    ({"intensity_pct_vo2max": 65 - 2.5 * INTENSITY_STEP_PCT}, 2.5),
    ({"duration_min": 120}, 1.0),                              # one doubling
    ({"duration_min": 15}, 2.0),                               # two halvings
    ({"modality": "running"}, 1.0),
    ({"modality": "knee_extension_two_leg", "intensity_pct_vo2max": 90}, OTHER_KIND_OF_WORK),  # % of leg power
    ({"start_min": TIMING_STEP_MIN}, 0.0),                     # a lone bout's start is where time counts from
])
def test_one_step_is_ten_points_of_vo2max_a_doubling_of_duration_or_running_for_cycling_knee_extension_three(
        change, steps):
    assert distance(protocol(scenario(exercise=[bout(**change)])), BASE) == pytest.approx(steps, abs=1e-12)


def test_the_distance_is_symmetric_and_a_warm_up_weighs_by_its_work():
    intervals = bout(duration_min=1, intensity_pct_vo2max=100, repeat=10, every_min=2, start_min=10)
    warmed = protocol(scenario(exercise=[bout(duration_min=10, intensity_pct_vo2max=50), intervals]))
    bare = protocol(scenario(exercise=[{**intervals, "start_min": 0}]))
    assert distance(warmed, bare) == distance(bare, warmed)
    warm_up_alone = distance(protocol(scenario(exercise=[bout(duration_min=10, intensity_pct_vo2max=50)])), bare)
    # The warm-up carries 500 of the 1,500 %VO2max-minutes, so it adds about a third of its own distance.
    assert 0.0 < distance(warmed, bare) < warm_up_alone / 2
    sparse = protocol(scenario(exercise=[{**intervals, "start_min": 0, "every_min": 4}]))
    assert distance(sparse, bare) == pytest.approx(0.5)  # the time between repeats doubled


def test_inputs_count_two_when_only_one_scenario_has_them_and_one_per_doubling_or_six_hours_otherwise():
    drink = {"start_min": 0, "every_min": 15, "until_min": 45, "grams": 16}
    with_drinks = protocol(scenario(exercise=[bout()], carbohydrate=[drink]))
    twice_the_drinks = protocol(scenario(exercise=[bout()], carbohydrate=[{**drink, "grams": 32}]))
    later_drinks = protocol(scenario(exercise=[bout()], carbohydrate=[{**drink, "start_min": 30, "until_min": 75}]))
    assert distance(with_drinks, BASE) == distance(BASE, with_drinks) == MISSING_INPUT
    assert distance(twice_the_drinks, with_drinks) == pytest.approx(1.0)
    assert distance(later_drinks, with_drinks) == pytest.approx(30 / TIMING_STEP_MIN)
    rest = protocol(scenario(endotoxin=[{"time_min": 0, "dose_ng_per_kg": 2.0}]))
    assert distance(rest, BASE) == MISSING_EXERCISE + MISSING_INPUT


def test_an_infusion_counts_by_its_total_dose_so_a_longer_one_is_a_larger_one():
    short = protocol(scenario(il6_infusion=[{"duration_min": 90, "rate_ug_per_h": 5}]))
    long = protocol(scenario(il6_infusion=[{"duration_min": 180, "rate_ug_per_h": 5}]))
    strong = protocol(scenario(il6_infusion=[{"duration_min": 90, "rate_ug_per_h": 10}]))
    assert distance(short, long) == pytest.approx(1.0) and distance(short, strong) == pytest.approx(1.0)
    assert distance(long, strong) == pytest.approx(0.0)


def test_an_il6_infusion_given_as_a_plasma_rise_counts_as_the_dose_that_holds_it():
    """A rise is dosed with the scenario's subject (rise x clearance x volume), so the same dose written as a rate is
    the same input, and twice that dose one doubling away."""
    from myokine_sim.simulation import resolve_parameters

    rise = scenario(il6_infusion=[{"start_min": 60, "duration_min": 180, "plasma_rise_pg_ml": 142.0}])
    p = resolve_parameters(rise)
    ng_min = 142.0 * p["plasma_il6.clearance_per_min"] * p["plasma_il6.volume_l_per_kg"] * p["subject.body_mass_kg"]

    def dose(factor: float):
        return protocol(scenario(il6_infusion=[{"start_min": 60, "duration_min": 180,
                                                "rate_ug_per_h": factor * ng_min * 60.0 / 1000.0}]))

    assert distance(protocol(rise), dose(1.0)) == pytest.approx(0.0, abs=1e-9)
    assert distance(protocol(rise), dose(2.0)) == pytest.approx(1.0)


def test_a_race_in_paced_stretches_is_one_bout_but_a_graded_test_stays_graded():
    stretches = protocol(scenario(exercise=[bout(duration_min=170, intensity_pct_vo2max=72, modality="running"),
                                            bout(start_min=170, duration_min=55, intensity_pct_vo2max=65,
                                                 modality="running")]))
    (race,) = stretches.bouts
    assert race.duration_min == 225 and race.intensity_pct == pytest.approx((72 * 170 + 65 * 55) / 225)
    graded = protocol(scenario(exercise=[bout(duration_min=20, intensity_pct_vo2max=40),
                                         bout(start_min=20, duration_min=20, intensity_pct_vo2max=80)]))
    assert len(graded.bouts) == 2
    apart = protocol(scenario(exercise=[bout(duration_min=170), bout(start_min=180, duration_min=55)]))
    assert len(apart.bouts) == 2  # a pause keeps two bouts


def test_an_exercise_scenario_ranks_exercise_studies_before_resting_ones(studies):
    hiit = nearest_studies(load_scenario("hiit_10x1min"), limit=3, studies=studies)
    assert all(studies.protocols[m.study][m.scenario].bouts for m in hiit)
    # 30 s at 150% VO2max: past the few supramaximal studies the exercise studies are more than 10 steps away,
    # and still no resting study comes before them.
    sprint = nearest_studies(scenario(exercise=[bout(duration_min=0.5, intensity_pct_vo2max=150)]), limit=5,
                             studies=studies)
    assert sprint[-1].distance > MISSING_EXERCISE
    assert all(studies.protocols[m.study][m.scenario].bouts for m in sprint)


def test_touching_repeats_are_one_bout_and_graded_steps_of_ten_points_stay_apart():
    repeats = protocol(scenario(exercise=[bout(duration_min=15, repeat=4, every_min=15)]))
    assert repeats.bouts == protocol(scenario(exercise=[bout(duration_min=60)])).bouts
    steps = [bout(start_min=5 * k, duration_min=5, intensity_pct_vo2max=40 + 10 * k) for k in range(5)]
    assert [b.intensity_pct for b in protocol(scenario(exercise=steps)).bouts] == [40, 50, 60, 70, 80]


def test_an_input_at_another_dose_or_time_is_never_further_than_none():
    meal = {"time_min": 0, "carbohydrate_g": 100}
    early = protocol(scenario(exercise=[bout(start_min=900)], meal=[meal]))
    late = protocol(scenario(exercise=[bout()], meal=[meal]))  # the meal with the bout, 15 h later in its day
    assert distance(early, late) == pytest.approx(MISSING_INPUT)


def test_the_module_states_the_step_sizes_the_code_uses():
    import myokine_sim.calibration.evidence as evidence

    doc = " ".join(evidence.__doc__.split())  # the statements as sentences, whatever the line breaks
    for statement in [f"1 per {INTENSITY_STEP_PCT:g}% VO2max", f"1 per {TIMING_STEP_MIN / 60:g} h of start",
                      f"({OTHER_KIND_OF_WORK:g}, intensities not compared",
                      f"Exercise against none is {MISSING_EXERCISE:g}",
                      f"{REPEAT_DOUBLING:g} per doubling of the number of repeats or of the time between them",
                      f"subject: {OTHER_TRAINING_STATUS:g} for another training status, {GLYCOGEN_DOUBLING:g} per "
                      "doubling of the starting muscle glycogen",
                      f"{MISSING_INPUT:g} when only one scenario has it", f"at most {MISSING_INPUT:g}.",
                      f"A distance of at most {WITHIN_RANGE:g} is within the calibrated range"]:
        assert statement in doc, statement


def test_the_nearest_studies_carry_their_known_failures_as_targets_toml_labels_them(studies):
    (nearest,) = nearest_studies(load_scenario("running_225min_65pct_water"), limit=1, studies=studies)
    labelled = [(t.id, t.quantity) for t in load_targets()
                if t.study == nearest.study and t.scored and t.known_failure]
    assert nearest.study == "O'Brien 1993" and list(nearest.known_failures) == labelled and labelled


def test_a_protocol_no_study_ran_is_outside_the_calibrated_range(studies):
    far = scenario(exercise=[bout(modality="knee_extension_one_leg", intensity_pct_vo2max=20, duration_min=600)],
                   subject={"training_status": "untrained"})
    matches = nearest_studies(far, limit=3, studies=studies)
    assert matches[0].distance > WITHIN_RANGE and not any(m.within_range for m in matches)
    assert [m.distance for m in matches] == sorted(m.distance for m in matches)


def test_the_command_prints_a_table_and_verdict_and_json_on_request(tmp_path):
    table = runner.invoke(app, ["evidence", "marathon", "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert "Ostrowski 1998b" in table.output and "within the calibrated range" in table.output
    far = tmp_path / "far.toml"
    far.write_text('name = "far"\n[[exercise]]\nmodality = "knee_extension_one_leg"\nintensity_pct_vo2max = 20\n'
                   'duration_min = 600\n[subject]\ntraining_status = "untrained"\n')
    outside = runner.invoke(app, ["evidence", str(far)])
    assert outside.exit_code == 0 and "outside the calibrated range" in outside.output
    records = json.loads(runner.invoke(app, ["evidence", "marathon", "--format", "json"]).output)
    assert len(records) == 5 and records[0]["distance"] == 0.0 and records[0]["within_range"] is True
    assert {"study", "scenario", "targets", "known_failures"} <= set(records[0])


@pytest.mark.parametrize(("arguments", "named"), [
    (["evidence", "marathon", "--limit", "0"], "--limit"),
    (["evidence", "marathon", "--format", "xml"], "--format"),
    (["evidence", "no_such_scenario"], "no_such_scenario"),
])
def test_bad_input_exits_2_naming_what_is_wrong(arguments, named):
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and named in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("raw", "shown", "within"), [(1.004, 1.0, True), (1.006, 1.01, False), (0.996, 1.0, True)])
def test_the_verdict_reads_the_distance_as_shown(raw, shown, within):
    """A distance printed as 1.00 is within the range and one printed as 1.01 is not: the verdict, the table and the
    JSON record never disagree about a distance just past the limit."""
    match = StudyMatch("A study", "a_scenario", raw, ("T1",), ())
    record = match.as_record()
    assert match.within_range is within and record["within_range"] is within
    assert record["distance"] == shown and f"{match.distance:.{SHOWN_DECIMALS}f}" == f"{shown:.{SHOWN_DECIMALS}f}"
