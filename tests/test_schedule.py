"""The protocol object: [start, end) semantics, repeats, overlaps, breakpoints."""

import pytest

from myokine_sim.model.inputs import INPUTS
from myokine_sim.schedule import Bolus, Bout, Infusion, Schedule, ScheduleError

RH_IL6 = "il6_infusion_ng_min"


def bout(start, end, intensity=60.0, modality="cycling", label="bout"):
    return Bout(start, end, intensity, modality, label)


def test_intervals_are_closed_at_the_start_and_open_at_the_end():
    schedule = Schedule((bout(10.0, 20.0),), (Infusion(5.0, 15.0, 50.0, "inf", RH_IL6),), (), 30.0)
    names = ["intensity_pct_vo2max", "knee_extension_legs", "whole_leg_exercise", "running", "il6_infusion_ng_min"]
    at = lambda t: dict(zip(names, schedule.inputs_at(t)))  # noqa: E731
    assert at(10.0)["intensity_pct_vo2max"] == 60.0
    assert at(19.999)["intensity_pct_vo2max"] == 60.0
    assert at(20.0)["intensity_pct_vo2max"] == 0.0
    assert at(5.0)["il6_infusion_ng_min"] == 50.0 and at(15.0)["il6_infusion_ng_min"] == 0.0


def test_working_muscle_is_remembered_after_the_bout():
    schedule = Schedule((bout(0.0, 10.0, modality="knee_extension_one_leg"), bout(20.0, 30.0, modality="running")),
                        (), (), 60.0)
    assert schedule.inputs_at(15.0)[1:4] == (1.0, 0.0, 0.0)
    assert schedule.inputs_at(45.0)[1:4] == (0.0, 1.0, 1.0)


def test_touching_intervals_are_allowed_and_overlaps_rejected():
    Schedule((bout(0.0, 10.0), bout(10.0, 20.0)), (), (), 30.0)
    with pytest.raises(ScheduleError, match="overlaps"):
        Schedule((bout(0.0, 10.0, label="a"), bout(9.5, 20.0, label="b")), (), (), 30.0)
    with pytest.raises(ScheduleError, match="overlaps"):
        Schedule((), (Infusion(0.0, 10.0, 1.0, "x", RH_IL6), Infusion(5.0, 8.0, 1.0, "y", RH_IL6)), (), 30.0)


def test_two_doses_of_one_kind_at_one_instant_are_rejected():
    with pytest.raises(ScheduleError, match="coincides"):
        Schedule((), (), (Bolus(5.0, "endotoxin", 0.06, "a"), Bolus(5.0, "endotoxin", 0.06, "b")), 30.0)


def test_end_before_the_last_event_is_rejected():
    with pytest.raises(ScheduleError) as error:
        Schedule((bout(0.0, 60.0),), (), (), 45.0)
    assert error.value.field == "simulation.t_end_min"


def test_breakpoints_are_sorted_unique_and_span_the_run():
    schedule = Schedule(
        (bout(10.0, 20.0), bout(20.0, 25.0)), (Infusion(15.0, 40.0, 1.0, "i", RH_IL6),),
        (Bolus(17.5, "carbohydrate", 10.0, "d"),), 50.0,
    )
    assert schedule.breakpoints == [0.0, 10.0, 15.0, 17.5, 20.0, 25.0, 40.0, 50.0]
    segments = schedule.segments()
    assert [s.start_min for s in segments] == schedule.breakpoints[:-1]
    assert [b.label for s in segments for b in s.boluses] == ["d"]


def test_each_drug_has_its_own_infusion_input_and_may_overlap_the_other():
    hydrocortisone = "hydrocortisone_infusion_ug_kg_min"
    infusions = (Infusion(0.0, 60.0, 10.0, "il6", RH_IL6), Infusion(30.0, 90.0, 3.0, "cortisol", hydrocortisone))
    schedule = Schedule((), infusions, (), 120.0)
    names = [q.name for q in INPUTS]
    at = lambda t: dict(zip(names, schedule.inputs_at(t)))  # noqa: E731
    assert at(45.0)["il6_infusion_ng_min"] == 10.0 and at(45.0)[hydrocortisone] == 3.0
    assert at(60.0)["il6_infusion_ng_min"] == 0.0
    assert at(89.999)[hydrocortisone] == 3.0 and at(90.0)[hydrocortisone] == 0.0
    assert schedule.breakpoints == [0.0, 30.0, 60.0, 90.0, 120.0]
    with pytest.raises(ScheduleError, match="overlaps") as error:
        Schedule((), (Infusion(0.0, 60.0, 3.0, "a", hydrocortisone), Infusion(59.0, 90.0, 3.0, "b", hydrocortisone)),
                 (), 120.0)
    assert error.value.field == "hydrocortisone_infusion"


def test_an_infusion_of_an_unknown_input_is_refused():
    with pytest.raises(ScheduleError, match="unknown infusion input 'glucagon_ng_min'; allowed: il6_infusion_ng_min"):
        Infusion(0.0, 10.0, 1.0, "x", "glucagon_ng_min")
