"""Plan a sweep: validate everything, then draw every member up front from the seed.

Nothing is integrated and nothing is written here, so bad input fails before
any output folder exists. Chunk k always holds members ``k*chunk_size`` to
``(k+1)*chunk_size - 1``: a resumed or distributed sweep computes exactly the
members of an uninterrupted local one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import myokine_sim
from myokine_sim.errors import InputError
from myokine_sim.limits import MAX_SWEEP_MEMBERS, MAX_TRAJECTORY_VALUES
from myokine_sim.model import Model, build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.results import CONTRACT_COLUMNS
from myokine_sim.scenario import Scenario, check_size, load_scenario, resolve_scenario
from myokine_sim.simulation import column_order, resolve_parameters
from myokine_sim.solver import SolverSettings, output_times
from myokine_sim.sweeps import bands
from myokine_sim.sweeps.evaluate import SweepContext, member_scenario
from myokine_sim.sweeps.sampling import METHODS, grid, lhs, population, posterior, sobol
from myokine_sim.sweeps.space import (
    Space,
    Variable,
    alternative_in_use,
    bound_numbers,
    check_bounds,
    parse_space,
    problem_lists,
    resolve_name,
)
from myokine_sim.sweeps.store import fingerprint

#: Members per chunk: large enough to amortise per-step overhead, small enough to bound memory.
MAX_CHUNK = 2500
#: A chunk costs ~0.25 s of per-step overhead whatever its size: below this, that overhead dominates.
MIN_CHUNK = 256
#: Largest coefficient of variation a caller may give a population.
MAX_CV = 3.0


@dataclass
class SweepPlan:
    scenario: Scenario  # as given
    source: str | None  # the scenario's file, when loaded by name or path
    context: SweepContext
    method: str
    seed: int
    samples: int | list[int]
    values: np.ndarray  # (members, len(space))
    chunk_size: int
    parameters: dict[str, float]  # resolved values of the scenario
    design: dict  # the space (or population table) as recorded
    record: dict  # everything that decides the results; hashed into the fingerprint
    fingerprint: str

    @property
    def members(self) -> int:
        return len(self.values)

    @property
    def chunk_count(self) -> int:
        return math.ceil(self.members / self.chunk_size)

    def chunk_slice(self, index: int) -> slice:
        return slice(index * self.chunk_size, min((index + 1) * self.chunk_size, self.members))

    def chunk_sizes(self) -> list[int]:
        return [self.chunk_slice(k).stop - self.chunk_slice(k).start for k in range(self.chunk_count)]

    @property
    def space(self) -> Space:
        return self.context.space


def default_chunk_size(members: int) -> int:
    """Four chunks for mid-sized sweeps (work for a few workers), MAX_CHUNK members for large ones."""
    return int(min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(members / 4))))


def plan_sweep(
    scenario: Scenario | str | Path,
    space: dict | None = None,
    n: int | Sequence[int] | None = None,
    method: str = "grid",
    seed: int = 0,
    cv: dict[str, float] | None = None,
    trajectories: bool | Sequence[str] = False,
    chunk_size: int | None = None,
) -> SweepPlan:
    """Validate a sweep and draw its members; raises ``InputError`` naming the bad field."""
    source = None
    if not isinstance(scenario, Scenario):
        source = str(resolve_scenario(scenario))
        scenario = load_scenario(scenario)
    if method not in METHODS:
        raise InputError("method", str(method), f"unknown sampling method; allowed: {', '.join(METHODS)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError("seed", str(seed), "must be a whole number of at least 0")
    seed = int(seed)
    model = build_model()
    parameters = resolve_parameters(scenario, model=model)

    if method == "population":
        parsed, medians, cvs = _population_space(scenario, model, space, cv, parameters)
        samples = _count(n, "samples")
        _check_members(samples, "samples")
        values = population.sample(parsed, samples, seed, medians, cvs)
        design = {"names": parsed.names, "bounds": [[_json_number(v.lower), _json_number(v.upper)]
                                                     for v in parsed.variables],
                  "medians": medians.tolist(), "cvs": cvs.tolist()}
    elif method == "posterior":
        parsed, sample = _posterior_space(scenario, model, space, cv)
        samples = _count(n, "samples")
        _check_members(samples, "samples")
        values = posterior.sample(parsed.names, samples, seed, sample)
        design = {**parsed.as_problem(), "posterior_sha256": sample.provenance.get("sample_sha256")}
    else:
        if cv:
            raise InputError("cv", next(iter(cv)), "coefficients of variation apply to method 'population' only")
        if space is None:
            raise InputError("space", None, "give the names and bounds to vary")
        parsed = parse_space(space, scenario, model)
        if method == "grid":
            samples = _grid_points(n, len(parsed))
            _check_members(math.prod(samples), "samples", " (the product of the points per name)")
            values = grid.sample(parsed, samples, seed)
        else:
            samples = _count(n, "samples")
            _check_members(samples, "samples")
            values = (lhs if method == "lhs" else sobol).sample(parsed, samples, seed)
        design = parsed.as_problem()

    base = with_common_end(scenario, parsed, values)
    check_size(base, "space")  # a later common end may need more output samples than allowed
    base_parameters = resolve_parameters(base, model=model)
    columns = tuple(column_order(model))
    context = SweepContext(
        scenario=base,
        space=parsed,
        base_vector=np.array(parameter_vector(model, base_parameters)),
        times=output_times(base.schedule(), base.simulation.output_step_min),
        settings=SolverSettings(rtol=scenario.simulation.rtol),
        columns=columns,
        trajectory_columns=_trajectory_columns(trajectories, columns),
        band_columns=bands.BAND_COLUMNS if method in ("population", "posterior") else (),
    )
    kept = len(values) * len(context.times) * len(context.trajectory_columns)
    if kept > MAX_TRAJECTORY_VALUES:
        raise InputError("trajectories", ", ".join(context.trajectory_columns),
                         f"{len(values)} members x {len(context.times)} samples x {len(context.trajectory_columns)} "
                         f"columns = {kept} values; allowed: at most {MAX_TRAJECTORY_VALUES} (fewer members, a "
                         "coarser simulation.output_step_min, or no trajectories)")
    if chunk_size is None:
        chunk_size = default_chunk_size(len(values))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError("chunk_size", str(chunk_size), "must be a whole number of at least 1")
    record = {
        "scenario": scenario.model_dump(mode="json"),
        "method": method,
        "design": design,
        "samples": samples,
        "seed": seed,
        "chunk_size": chunk_size,
        "trajectories": list(context.trajectory_columns),
        "solver": context.settings.as_dict(),
        "myokine_sim": myokine_sim.__version__,
    }
    return SweepPlan(scenario, source, context, method, seed, samples, values, chunk_size, parameters, design,
                     record, fingerprint(record))


def _json_number(value: float) -> float | None:
    """JSON has no infinity: an open-ended bound is recorded as null."""
    return value if math.isfinite(value) else None


def _count(n, field: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InputError(field, str(n), "give the number of members as a whole number")
    if n < 1:
        raise InputError(field, str(n), "zero samples; allowed: 1 or more")
    return int(n)


def _check_members(count: int, field: str, what: str = "") -> None:
    """Refuse a sweep above the documented member limit before any member is drawn."""
    if count > MAX_SWEEP_MEMBERS:
        raise InputError(field, str(count), f"{count} members{what}; allowed: at most {MAX_SWEEP_MEMBERS} "
                                            "(docs/sweeps.md, Limits)")


def _grid_points(n, dimensions: int) -> list[int]:
    if n is None:
        raise InputError("samples", None, "a grid needs points per dimension: n=N, or one N per name")
    points = [n] * dimensions if isinstance(n, (int, np.integer)) and not isinstance(n, bool) else list(n)
    if len(points) != dimensions:
        raise InputError("samples", str(n), f"give one number of points per name ({dimensions})")
    return [_count(p, "samples") for p in points]


def _trajectory_columns(trajectories: bool | Sequence[str], columns: tuple[str, ...]) -> tuple[str, ...]:
    if trajectories is True:
        return CONTRACT_COLUMNS[1:]
    if not trajectories:
        return ()
    if isinstance(trajectories, str):
        trajectories = [trajectories]
    for name in trajectories:
        if name not in columns:
            raise InputError("trajectories", str(name), "unknown timeseries column (see timeseries.csv)")
    return tuple(trajectories)


def with_common_end(scenario: Scenario, space: Space, values: np.ndarray) -> Scenario:
    """Fix the end time, so that every member shares one time axis.

    A scenario without ``simulation.t_end_min`` ends 6 h after its last event;
    when a sweep moves events, the latest such end (over all members) applies
    to all of them.
    """
    fields = [(column, v.target) for column, v in enumerate(space.variables) if v.kind == "field"]
    if scenario.simulation.t_end_min is not None or not fields:
        return scenario
    ends = {scenario.t_end_min}
    for row in {tuple(row[column] for column, _ in fields) for row in values}:
        try:
            ends.add(member_scenario(scenario, list(zip([t for _, t in fields], row))).t_end_min)
        except ValueError:
            continue  # an invalid member is reported by its chunk
    simulation = scenario.simulation.model_copy(update={"t_end_min": max(ends)})
    return scenario.model_copy(update={"simulation": simulation})


def _posterior_space(scenario: Scenario, model: Model, space: dict | None, cv: dict | None):
    """The sampled parameters of the shipped posterior that the scenario does not set itself, and the sample."""
    from myokine_sim.calibration.posterior_files import load_posterior

    if cv:
        raise InputError("cv", next(iter(cv)), "coefficients of variation apply to method 'population' only")
    if space is not None:
        raise InputError("space", None, "method 'posterior' draws its members from the posterior sample; give no "
                                        "names to vary")
    if scenario.simulation.parameter_set != "default":
        raise InputError("method", "posterior", "the shipped posterior belongs to the default parameter set; this "
                                                f"scenario uses {scenario.simulation.parameter_set!r}")
    sample = load_posterior()
    own = set(scenario.parameter_overrides())
    names = [name for name in sample.names if name not in own]
    bounds = [[model.parameter(name).lower, model.parameter(name).upper] for name in names]
    return parse_space({"names": names, "bounds": bounds}, scenario, model), sample


def _population_space(scenario: Scenario, model: Model, space: dict | None, cv: dict[str, float] | None,
                      parameters: dict[str, float]) -> tuple[Space, np.ndarray, np.ndarray]:
    """The varied quantities of a population with their truncation bounds, medians and CVs."""
    table = {name: entry.cv for name, entry in population.POPULATION_CV.items()}
    for name, value in (cv or {}).items():
        resolve_name(name, scenario, model, "cv")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= MAX_CV:
            raise InputError("cv", name, f"coefficient of variation {value!r}; allowed: 0 to {MAX_CV:g} (0 fixes it)")
        table[name] = float(value)
    bounds: dict[str, tuple[float, float]] = {}
    if space is not None:
        names, entries, dists = problem_lists(space, "space")
        for name, entry, dist in zip(names, entries, dists):
            if dist != "unif":
                raise InputError("space", name, "a population draws lognormal variability; bounds only truncate "
                                                "it, so 'dists' does not apply")
            if name not in table:
                raise InputError("space", name, f"has no coefficient of variation; give one: cv={{'{name}': ...}} "
                                                f"(--cv {name}=CV)")
            variable = resolve_name(name, scenario, model, "space")
            lower, upper = bound_numbers(entry, 2, "[lower, upper] (truncation)", name, dist, "space")
            check_bounds(variable, lower, upper, "space")
            bounds[name] = (lower, upper)
    variables, medians, cvs = [], [], []
    for name, value in table.items():
        if value == 0.0:
            continue
        variable = resolve_name(name, scenario, model, "cv")
        median = _current_value(scenario, variable, parameters)
        instead = alternative_in_use(scenario, variable.target) if variable.kind == "field" else None
        if median is None and instead:
            raise InputError("cv", name, f"is not given in the scenario, which gives {instead} instead; vary that")
        if median is None or median <= 0.0:
            raise InputError("cv", name, f"is {median} in the scenario; a lognormal varies a positive value")
        lower, upper = bounds.get(name, (variable.lower, variable.upper))
        variables.append(Variable(name, variable.kind, variable.target, lower, upper, variable.unit, "lognormal"))
        medians.append(median)
        cvs.append(value)
    if not variables:
        raise InputError("cv", None, "every coefficient of variation is 0; nothing varies")
    return Space(tuple(variables)), np.array(medians), np.array(cvs)


def _current_value(scenario: Scenario, variable: Variable, parameters: dict[str, float]) -> float | None:
    if variable.kind == "parameter":
        return parameters[variable.name]
    table, index, name = variable.target
    return getattr(getattr(scenario, table)[index], name)
