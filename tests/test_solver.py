"""The solver core: rest, breakpoints, batches, positivity and failures."""

import numpy as np
import pytest

import myokine_sim as ms
from myokine_sim.errors import SimulationError
from myokine_sim.parameters import parameter_vector
from myokine_sim.paths import shipped_scenarios
from myokine_sim.scenario import load_scenario, scenario_from_dict
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

from conftest import normalised_error


def test_rest_stays_flat_for_24_hours(model):
    result = ms.simulate("rest")
    assert result.time_min[-1] == 1440.0
    for name in model.state_names:
        values = result[name]
        atol = ATOL_FRACTION * model.states[model.state_index[name]].scale
        assert normalised_error(values, np.full_like(values, values[0]), 1e-6, atol).max() < 1.0, name


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_states_stay_non_negative_in_every_shipped_scenario(model, name):
    result = ms.simulate(name)
    for state in model.state_names:
        assert result[state].min() >= 0.0, state
    for column in result.columns.values():
        assert np.all(np.isfinite(column))


def test_breakpoints_appear_in_the_output_with_right_continuous_inputs():
    scenario = scenario_from_dict(
        {
            "name": "steps",
            "exercise": [{"start_min": 12.25, "duration_min": 3.5, "intensity_pct_vo2max": 90, "repeat": 3,
                          "every_min": 7.0}],
            "il6_infusion": [{"start_min": 40.3, "duration_min": 10.1, "rate_ug_per_h": 2.0}],
            "endotoxin": [{"time_min": 55.55, "dose_ng_per_kg": 0.06}],
            "simulation": {"t_end_min": 90.0, "output_step_min": 1.0},
        },
        "test",
    )
    result = ms.simulate(scenario)
    breakpoints = scenario.schedule().breakpoints
    assert set(breakpoints) <= set(result.time_min.tolist())
    intensity = dict(zip(result.time_min.tolist(), result["intensity_pct_vo2max"]))
    # [start, end): on at the start, off at the end.
    for start in (12.25, 19.25, 26.25):
        assert intensity[start] == 90.0 and intensity[start + 3.5] == 0.0
    infusion = dict(zip(result.time_min.tolist(), result["il6_infusion_ng_min"]))
    assert infusion[40.3] > 0.0 and infusion[40.3 + 10.1] == 0.0
    # The bolus is in the sample at its own time: endotoxin is linear, so it adds to the gut's own.
    without = ms.simulate(scenario.model_copy(update={"endotoxin": []}))
    endotoxin = dict(zip(result.time_min.tolist(), result["plasma_endotoxin_ng_kg"]))
    gut_only = np.interp(55.55, without.time_min, without["plasma_endotoxin_ng_kg"])  # ~1e-5, smooth
    assert endotoxin[55.55] - gut_only == pytest.approx(0.06, rel=1e-6)


def test_oxygen_uptake_kinks_exactly_at_the_end_of_a_bout():
    scenario = scenario_from_dict(
        {"name": "kink", "exercise": [{"start_min": 0, "duration_min": 10.37, "intensity_pct_vo2max": 80}],
         "simulation": {"t_end_min": 20, "output_step_min": 1.0}},
        "test",
    )
    result = ms.simulate(scenario)
    vo2 = result["exercise_vo2_pct_vo2max"]
    peak_index = int(np.argmax(vo2))
    assert result.time_min[peak_index] == 10.37


def _vectors(scenario, members):
    model = ms.build_model()
    base = np.array(parameter_vector(model, resolve_parameters(scenario)))
    return model, np.tile(base, (members, 1))


def test_a_batch_of_identical_members_equals_single_runs():
    scenario = load_scenario("hiit_10x1min")
    model, parameters = _vectors(scenario, 4)
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    settings = SolverSettings(method="RK45")
    batch = integrate(model, parameters, schedule, times, settings).states
    single = integrate(model, parameters[:1], schedule, times, settings).states
    scales = np.array([s.scale for s in model.states])[:, None]
    for member in range(4):
        error = normalised_error(batch[:, member], single[:, 0], settings.rtol, ATOL_FRACTION * scales)
        # The same steps: equal to rounding. A single run evaluates the model on Python floats (math.exp, float **),
        # a batch with NumPy's np.exp and np.power, which differ by an ulp for a few % of arguments; the catecholamine
        # drive's steep rate switch, crossed twice per interval here, amplifies that to a few 1e-6. Other steps
        # give ~6 (a 5-min step cap).
        assert error.max() < 1e-4


@pytest.mark.parametrize("kernel, rounding", [("numpy", 1e-2), ("numba", 1e-2)])
def test_each_member_of_a_mixed_batch_gets_single_run_accuracy(kernel, rounding):
    if kernel == "numba":
        pytest.importorskip("numba")
    scenario = load_scenario("cycling_60min_65pct")
    model, parameters = _vectors(scenario, 6)
    clearance = model.parameter_index["plasma_il6.clearance_per_min"]
    translation = model.parameter_index["muscle_il6.translation_ng_kg_min_per_fold"]
    parameters[:, clearance] = np.linspace(0.1, 1.5, 6)
    parameters[:, translation] = np.linspace(0.02, 0.5, 6)
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    batch = integrate(model, parameters, schedule, times, SolverSettings(method="RK45"), kernel=kernel).states
    scales = np.array([s.scale for s in model.states])[:, None]
    for member in range(6):
        single = integrate(model, parameters[member:member + 1], schedule, times,
                           SolverSettings(method="RK45")).states[:, 0]
        # Every member takes its own steps (batch_rk45): those of its single run, equal to rounding
        # (1e-4 of the tolerance is ~1e-10 relative: summation order in the vectorised arithmetic, grown
        # over 360 steps; other steps would differ by a sizeable fraction of the tolerance). The NumPy path
        # gave up to 1.3e-4 (member 5's plasma IL-6 at 321 min, 1.4e-10 relative) and the compiled kernel, which sums
        # stages in its own order, 1.5e-4; with insulin's lagged action on lipolysis (one more state) the NumPy path
        # gives 1.0e-3 (member 4's plasma IL-6 at 313 min, 1.1e-9 relative), and with FFA release limited by adipose
        # blood flow both paths 3.7e-3 (member 4's plasma IL-6 at 358 min, 4e-9 relative; the others below 1e-6):
        # bounded at 1e-2, still far below a different step sequence.
        assert normalised_error(batch[:, member], single, 1e-6, ATOL_FRACTION * scales).max() < rounding, member
        reference = integrate(model, parameters[member:member + 1], schedule, times,
                              SolverSettings(method="RK45", rtol=1e-10, atol_fraction=1e-10)).states[:, 0]
        # Global error of a single RK45 run at rtol 1e-6: a few local tolerances (LSODA's is alike). The bound is
        # the suite's: RK45 holds the RMS of the normalised local error over all states, so one state may carry
        # sqrt(n) of it, and its global error is allowed twice that (plasma IL-6 after the bout reaches 11.3 of 11.7).
        error = normalised_error(batch[:, member], reference, 1e-6, ATOL_FRACTION * scales)
        assert error.max() < 2.0 * np.sqrt(len(model.states)), member


def test_members_with_their_own_schedules_match_their_single_runs():
    short = load_scenario("cycling_60min_65pct")
    document = short.model_dump()
    document["exercise"][0]["duration_min"] = 45.0
    other = scenario_from_dict(document, "test")
    model = ms.build_model()
    vector = parameter_vector(model, resolve_parameters(short))
    schedules = [short.schedule(), other.schedule()]
    times = np.union1d(output_times(schedules[0], 1.0), output_times(schedules[1], 1.0))
    batch = integrate(model, np.array([vector, vector]), schedules, times, SolverSettings(method="RK45")).states
    for member, schedule in enumerate(schedules):
        single = integrate(model, np.array([vector]), schedule, times, SolverSettings(method="RK45", rtol=1e-10,
                                                                                     atol_fraction=1e-10)).states
        scales = np.array([s.scale for s in model.states])
        error = normalised_error(batch[:, member], single[:, 0], 1e-6, ATOL_FRACTION * scales[:, None])
        # RK45's RMS error norm lets one of n states carry sqrt(n) of the tolerance (see test_analytic).
        assert error.max() < 2.0 * np.sqrt(len(model.states))


def test_a_solver_failure_is_raised_not_written_as_nan(monkeypatch):
    from myokine_sim import solver

    real = solver._rhs

    def poisoned(*args):
        fun = real(*args)
        return lambda t, y: fun(t, y) * (np.nan if t > 30 else 1.0)

    monkeypatch.setattr(solver, "_rhs", poisoned)
    with pytest.raises(SimulationError, match="between"):
        ms.simulate("cycling_60min_65pct")


def test_glycogen_falls_during_exercise_and_recovers_after():
    result = ms.simulate(scenario_from_dict(
        {"name": "recovery", "exercise": [{"duration_min": 90, "intensity_pct_vo2max": 70}],
         "carbohydrate": [{"start_min": 100, "every_min": 60, "until_min": 700, "grams": 60}],
         "simulation": {"t_end_min": 1440, "output_step_min": 5}}, "test"))
    glycogen = result["muscle_glycogen_mmol_kg_dw"]
    during = result.time_min <= 90
    assert np.all(np.diff(glycogen[during]) < 0)
    after = result.time_min >= 95
    # Rising while fed; after the last drink it levels off (steps no larger than solver rounding).
    assert np.all(np.diff(glycogen[after]) > -1e-6)
    assert glycogen[-1] > glycogen[result.time_min == 90][0] + 50


def test_single_run_sampling_equals_solve_ivp_t_eval(model):
    """The single-run LSODA path samples scipy's own interpolant, without its per-step overhead."""
    from scipy.integrate import solve_ivp

    from myokine_sim.solver import _lsoda_single, _rhs

    scenario = load_scenario("marathon")
    compiled = model.compiled
    vector = parameter_vector(model, resolve_parameters(scenario))
    constants = compiled.constants(vector)
    y0 = np.array(compiled.rest(vector, constants))
    atol = ATOL_FRACTION * np.array([s.scale for s in model.states])
    fun = _rhs(compiled, vector, constants, list(scenario.schedule().inputs_at(0.0)), len(y0), 1, True)
    samples = np.arange(0.0, 210.25, 0.25)
    expected = solve_ivp(fun, (0.0, 210.0), y0, method="LSODA", rtol=1e-6, atol=atol, max_step=30.0,
                         t_eval=samples).y
    sampled, _ = _lsoda_single(fun, 0.0, 210.0, y0, samples, SolverSettings(), atol)
    assert normalised_error(sampled, expected, 1e-12, atol[:, None] * 1e-6).max() < 10.0
