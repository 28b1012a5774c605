"""Every in-bounds parameter set integrates, because the rate laws keep states above their floors.

Three checks, from the analytic to the empirical:

1. The physiological region (every state at or above its floor: zero, or its resting value for a
   cytokine or hormone whose production terms are all rises) is forward-invariant: at a state's
   floor its rate is never negative, whatever the other states, parameters and inputs.
2. Rates have a finite slope at the floor. A law such as ``glycogen ** 0.35`` vanishes at zero yet
   empties the store in finite time, and an adaptive solver steps past zero.
3. Thousands of random in-bounds parameter sets integrate over shipped scenarios, batched and single.
"""

import numpy as np
import pytest

from myokine_sim.errors import SimulationError
from myokine_sim.model import build_model
from myokine_sim.scenario import load_scenario
from myokine_sim.solver import SolverSettings, integrate, output_times

MODEL = build_model()
COMPILED = MODEL.compiled
N_STATES = len(MODEL.states)
LOWER = np.array([p.lower for p in MODEL.parameters])
UPPER = np.array([p.upper for p in MODEL.parameters])
SCALES = np.array([s.scale for s in MODEL.states])
AT_REST_FLOOR = np.array([s.floor == "rest" for s in MODEL.states])
#: Scenarios covering every input: bouts of each mode, drinks, meals, rhIL-6, hydrocortisone, endotoxin, days of
#: training.
INPUT_SCENARIOS = ("marathon", "endotoxin_exercise", "endotoxin_4ngkg", "il6_infusion_high", "hiit_10x1min",
                   "recovery_glucose_90g_per_h", "knee_extension_one_leg_5h", "training_7days_high_carbohydrate",
                   "endotoxin_2ngkg_hydrocortisone", "hydrocortisone_100mg_bolus")


def random_parameter_sets(n: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform within bounds, log-uniform where a positive range spans more than a decade."""
    u = rng.random((n, len(LOWER)))
    positive = LOWER > 0
    wide = positive & (UPPER > 10.0 * np.where(positive, LOWER, 1.0))
    log_lower = np.log(np.where(wide, LOWER, 1.0))
    log_upper = np.log(np.where(wide, UPPER, 1.0))
    return np.where(wide, np.exp(log_lower + u * (log_upper - log_lower)), LOWER + u * (UPPER - LOWER))


def scenario_inputs() -> list[list[float]]:
    inputs = []
    for name in INPUT_SCENARIOS:
        schedule = load_scenario(name).schedule()
        inputs.extend([float(v) for v in schedule.inputs_at(t)] for t in schedule.breakpoints[:-1])
    return inputs


def rate(states: np.ndarray, parameters: list, constants: list, inputs: list, index: int) -> float:
    return COMPILED.rhs(states.tolist(), parameters, constants, inputs, [0.0] * N_STATES)[index]


def random_points(n: int, seed: int):
    """(parameters, constants, floors, states, inputs) with every state at or above its floor."""
    rng = np.random.default_rng(seed)
    inputs = scenario_inputs()
    for values in random_parameter_sets(n, rng):
        parameters = values.tolist()
        constants = COMPILED.constants(parameters)
        rest = np.array(COMPILED.rest(parameters, constants))
        floors = np.where(AT_REST_FLOOR, rest, 0.0)
        # Spread over decades above the floor; a fifth of the states sit exactly on it.
        above = (rest + SCALES) * rng.exponential(2.0, N_STATES) * (rng.random(N_STATES) < 0.8)
        yield parameters, constants, floors, floors + above, inputs[rng.integers(len(inputs))]


def test_states_declare_their_floors():
    assert AT_REST_FLOOR.sum() >= 8
    assert not AT_REST_FLOOR[MODEL.state_index["muscle_glycogen_mmol_kg_dw"]]  # glycogen falls below rest


def test_region_above_the_floors_is_forward_invariant():
    violations = []
    for parameters, constants, floors, states, inputs in random_points(1500, seed=1):
        for index in range(N_STATES):
            at_floor = states.copy()
            at_floor[index] = floors[index]
            value = rate(at_floor, parameters, constants, inputs, index)
            if not np.isfinite(value) or value < -1e-9 * max(1.0, floors[index]):
                violations.append((MODEL.states[index].name, value))
    assert not violations, f"{len(violations)} rates push a state below its floor, e.g. {violations[:5]}"


def _floor_quotient(step, states, floors, index, parameters, constants, inputs):
    """Difference quotient of state ``index``'s rate between its floor and ``step`` above it."""
    low, high = states.copy(), states.copy()
    low[index], high[index] = floors[index], floors[index] + step
    return (rate(high, parameters, constants, inputs, index) - rate(low, parameters, constants, inputs, index)) / step


def test_rates_have_a_finite_slope_at_the_floor():
    """The difference quotient at the floor stays bounded as the step shrinks a thousandfold."""
    unbounded = []
    for parameters, constants, floors, states, inputs in random_points(300, seed=2):
        for index in range(N_STATES):
            point = (states, floors, index, parameters, constants, inputs)
            coarse, fine = _floor_quotient(1e-5 * SCALES[index], *point), _floor_quotient(1e-8 * SCALES[index], *point)
            # A power law x**k with k < 1 grows by 1000**(1-k) here: 89-fold for k = 0.35.
            if abs(fine) > 3.0 * abs(coarse) + 1e-3:
                unbounded.append((MODEL.states[index].name, coarse, fine))
    assert not unbounded, f"rates with an unbounded slope at the floor: {unbounded[:5]}"


@pytest.mark.parametrize("name", ["marathon", "endotoxin_exercise", "hiit_10x1min", "recovery_glucose_90g_per_h"])
def test_random_in_bounds_sets_integrate_as_a_batch(name):
    scenario = load_scenario(name)
    schedule = scenario.schedule()
    times = output_times(schedule, 10.0)
    sets = random_parameter_sets(500, np.random.default_rng(3))
    settings = SolverSettings(rtol=scenario.simulation.rtol)
    solution = integrate(MODEL, sets, schedule, times, settings)
    assert np.isfinite(solution.states).all()
    assert solution.states.min() >= 0.0
    # Cytokines and hormones stay at or above their resting values, within the solver's tolerance.
    for member in range(0, len(sets), 50):
        parameters = sets[member].tolist()
        rest = np.array(COMPILED.rest(parameters, COMPILED.constants(parameters)))
        states = solution.states[:, member, :]  # (state, member, time)
        tolerance = settings.atol_fraction * SCALES + settings.rtol * np.abs(rest)
        below = (rest - states.min(axis=1))[AT_REST_FLOOR] / tolerance[AT_REST_FLOOR]
        assert below.max() < 10.0, member


def test_random_in_bounds_sets_integrate_one_by_one():
    """The single-member path (a different method) over the scenario of the reported failure."""
    scenario = load_scenario("endotoxin_exercise")
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    failures = []
    for member, values in enumerate(random_parameter_sets(300, np.random.default_rng(4))):
        try:
            integrate(MODEL, values[None, :], schedule, times, SolverSettings(rtol=scenario.simulation.rtol))
        except SimulationError as error:
            failures.append((member, str(error)))
    assert not failures, f"{len(failures)} of 300 in-bounds sets failed, e.g. {failures[:3]}"
