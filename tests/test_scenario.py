"""Scenario files: the example loads as written; bad input names file and field."""

from pathlib import Path

import pytest

from myokine_sim.errors import InputError
from myokine_sim.paths import shipped_scenarios
from myokine_sim.scenario import load_scenario, scenario_from_dict, with_settings

SHIPPED = sorted(shipped_scenarios())


def test_the_contract_example_loads_exactly_as_written(example_scenario_path):
    scenario = load_scenario(example_scenario_path)
    assert scenario.name == "example-all-inputs"
    assert scenario.subject.fat_mass_kg == 15.0
    assert [b.duration_min for b in scenario.exercise] == [120, 4]
    assert scenario.exercise[1].repeat == 4 and scenario.exercise[1].every_min == 7
    assert scenario.carbohydrate[0].times() == [0, 15, 30, 45, 60, 75, 90, 105]
    assert scenario.il6_infusion[0].rate_ug_per_h == 2.0
    assert scenario.endotoxin[0].time_min == 350
    assert scenario.parameters == {"plasma_il6.clearance_per_min": 0.4}
    assert scenario.t_end_min == 720
    assert len(scenario.schedule().bouts) == 5


def test_every_shipped_scenario_loads_and_says_which_study_it_mirrors():
    expected = {
        "rest", "cycling_60min_65pct", "knee_extension_one_leg_5h", "knee_extension_3h_normal_glycogen",
        "knee_extension_3h_low_glycogen", "treadmill_150min_75pct", "marathon", "cycling_120min_placebo",
        "cycling_120min_glucose", "il6_infusion_low", "il6_infusion_high", "endotoxin_rest", "hiit_10x1min",
    }
    assert expected <= set(SHIPPED)
    for name, path in shipped_scenarios().items():
        assert load_scenario(name).name == name
        assert path.read_text().startswith("#"), f"{name} lacks a comment naming its study"


def test_only_the_name_is_required_and_defaults_are_documented():
    scenario = scenario_from_dict({"name": "minimal"})
    assert scenario.t_end_min == 1440.0
    assert scenario.subject.body_mass_kg == 75.0
    with pytest.raises(InputError, match="name: required field is missing"):
        scenario_from_dict({})


def test_missing_end_time_defaults_to_six_hours_after_the_last_event():
    scenario = scenario_from_dict({"name": "x", "exercise": [{"start_min": 30, "duration_min": 60}]})
    assert scenario.t_end_min == 90 + 360


@pytest.mark.parametrize(
    "text, field, fragment",
    [
        ('name = "x"\n[[exercise]\n', None, "malformed TOML"),
        ('name = "x"\nspeed = 3\n', "speed", "unknown field"),
        ('name = "x"\n[subject]\nbody_mas_kg = 70\n', "subject.body_mas_kg", "did you mean 'body_mass_kg'"),
        ('name = "x"\n[parameters]\n"plasma_il6.clearence_per_min" = 0.3\n', "parameters.plasma_il6.clearence_per_min",
         "did you mean 'plasma_il6.clearance_per_min'"),
        ('name = "x"\n[parameters]\nplasma_il6.clearance_per_min = 9.0\n', "parameters.plasma_il6.clearance_per_min",
         "allowed: 0.05 to 2"),
        ('name = "x"\n[[exercise]]\nduration_min = -10\n', "exercise[0].duration_min", "greater than or equal to 0.01"),
        ('name = "x"\n[[exercise]]\nduration_min = nan\n', "exercise[0].duration_min", "finite"),
        ('name = "x"\n[[exercise]]\nintensity_pct_vo2max = 300\n', "exercise[0].intensity_pct_vo2max", "150"),
        ('name = "x"\n[[exercise]]\nmodality = "swimming"\n', "exercise[0].modality", "'swimming'"),
        ('name = "x"\n[[exercise]]\nstart_min = 0\nduration_min = 60\n[[exercise]]\nstart_min = 45\n', "exercise",
         "overlaps"),
        ('name = "x"\n[[exercise]]\nduration_min = 10\nrepeat = 3\nevery_min = 5\n', "exercise[0]", "overlap"),
        ('name = "x"\n[[exercise]]\nduration_min = 60\n[simulation]\nt_end_min = 30\n', "simulation.t_end_min",
         "before the end of the last event"),
    ],
)
def test_bad_input_names_the_file_the_field_and_what_is_allowed(tmp_path, text, field, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert error.value.source == str(path)
    assert error.value.field == field
    assert fragment in str(error.value)


def test_unknown_scenario_lists_the_shipped_ones():
    with pytest.raises(InputError, match="marathon"):
        load_scenario("marathn")


def test_settings_apply_to_parameters_and_subject_and_are_validated():
    scenario = with_settings(load_scenario("marathon"), ["plasma_il6.clearance_per_min=0.5", "subject.body_mass_kg=80"])
    assert scenario.parameters["plasma_il6.clearance_per_min"] == 0.5
    assert scenario.subject.body_mass_kg == 80.0
    for bad in (["nonsense"], ["plasma_il6.nope=1"], ["plasma_il6.clearance_per_min=abc"], ["subject.height=1"]):
        with pytest.raises(InputError):
            with_settings(load_scenario("marathon"), bad)


def test_scenario_path_not_found(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_scenario(tmp_path / "missing.toml")


def test_shipped_files_are_found_without_the_shared_folder():
    for path in shipped_scenarios().values():
        assert "shared" not in Path(path).parts


def test_meals_repeat_daily_and_become_slow_gut_boluses():
    scenario = scenario_from_dict({"name": "days", "meal": [{"time_min": 480.0, "carbohydrate_g": 120.0, "repeat": 3,
                                                              "every_min": 1440.0}]})
    boluses = [b for b in scenario.schedule().boluses if b.kind == "meal"]
    assert [b.time_min for b in boluses] == [480.0, 1920.0, 3360.0]
    assert {b.amount for b in boluses} == {120.0}
    assert scenario.t_end_min == 3360.0 + 360.0


@pytest.mark.parametrize(("table", "field", "problem"), [
    ({"meal": [{"time_min": 10.0, "repeat": 2}]}, "meal[0]", "every_min is required"),
    ({"meal": [{"carbohydrate_g": -5.0}]}, "meal[0].carbohydrate_g", "greater than 0"),
    ({"subject": {"training_status": "elite"}}, "subject.training_status", "'untrained', 'recreational' or 'trained'"),
    ({"exercise": [{"duration_min": 60.0, "intensity_pct_vo2max": 150.0}]}, "exercise[0]", "at most 1.38 min"),
    ({"exercise": [{"duration_min": 5.0, "intensity_pct_vo2max": 120.0}]}, "exercise[0]", "at most 2.57 min"),
    ({"il6_infusion": [{"rate_ug_per_h": 3.0, "plasma_rise_pg_ml": 100.0}]}, "il6_infusion[0]", "not both"),
    ({"il6_infusion": [{"plasma_rise_pg_ml": -5.0}]}, "il6_infusion[0].plasma_rise_pg_ml", "greater than 0"),
    ({"il6_infusion": [{"start_min": 0.0, "plasma_rise_pg_ml": 50.0},
                       {"start_min": 100.0, "rate_ug_per_h": 3.0}]}, "il6_infusion", "overlaps"),
])
def test_new_tables_reject_bad_input_naming_the_field(table, field, problem):
    with pytest.raises(InputError) as raised:
        scenario_from_dict({"name": "bad", **table}, "bad.toml")
    assert raised.value.field == field
    assert problem in raised.value.problem


def test_an_infusion_without_a_dose_gets_the_default_rate_written_out():
    infusion = scenario_from_dict({"name": "x", "il6_infusion": [{"start_min": 0.0}]}, "x.toml").il6_infusion[0]
    assert infusion.rate_ug_per_h == 5.0 and infusion.plasma_rise_pg_ml is None
    assert infusion.model_input() == "il6_infusion_ng_min" and infusion.input_value() == pytest.approx(5000.0 / 60.0)


def test_a_supramaximal_bout_within_the_critical_power_limit_is_accepted():
    from myokine_sim.scenario import longest_supramaximal_bout_min

    assert longest_supramaximal_bout_min(100.0) == pytest.approx(6.0)
    scenario = scenario_from_dict({"name": "sprints", "exercise": [
        {"duration_min": 0.5, "intensity_pct_vo2max": 150.0, "repeat": 6, "every_min": 4.0}]})
    assert len(scenario.schedule().bouts) == 6


def test_training_status_sets_the_training_level_parameter():
    for status, level in (("untrained", 0.0), ("recreational", 0.5), ("trained", 1.0)):
        scenario = scenario_from_dict({"name": "t", "subject": {"training_status": status}})
        assert scenario.parameter_overrides()["subject.training_level"] == level
    changed = with_settings(scenario_from_dict({"name": "t"}), ["subject.training_status=trained"])
    assert changed.subject.training_status == "trained"


def test_a_parameter_set_is_parsed_once_per_content_of_its_file_and_each_caller_gets_its_own_dict(tmp_path):
    """Loading many scenarios parses their shared set once; a file rewritten with other values of the same size (in
    the same clock tick, as far as its timestamp shows) is parsed again, and a broken one is refused every time, not
    remembered as good."""
    from myokine_sim.parameters import _parsed_for_shipped_model, load_parameter_set

    path = tmp_path / "set.toml"
    path.write_text('[values]\n"plasma_il6.clearance_per_min" = 0.50\n')
    first = load_parameter_set(str(path))
    first["plasma_il6.clearance_per_min"] = 99.0
    hits = _parsed_for_shipped_model.cache_info().hits
    assert load_parameter_set(str(path)) == {"plasma_il6.clearance_per_min": 0.5}
    assert _parsed_for_shipped_model.cache_info().hits == hits + 1

    path.write_text('[values]\n"plasma_il6.clearance_per_min" = 0.25\n')
    assert load_parameter_set(str(path)) == {"plasma_il6.clearance_per_min": 0.25}

    path.write_text('[values]\n"plasma_il6.clearance_per_min" = -1.0\n')
    for _ in range(2):
        with pytest.raises(InputError, match="clearance_per_min"):
            load_parameter_set(str(path))
