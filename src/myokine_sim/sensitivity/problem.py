"""The problem: which parameters vary and over which ranges, as SALib's problem dictionary.

By default every parameter ranges over its value in the scenario divided and
multiplied by a factor (2: half to double), clipped to its plausible range,
log-uniformly: the value in the scenario is the geometric centre, and halving
is as likely as doubling. An explicit problem may give any bounds and
distributions a sweep accepts (see ``sweeps.space``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.model import Model, build_model
from myokine_sim.scenario import Scenario, load_scenario, resolve_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.sweeps.space import Space, parse_space

#: Default width of a range: from value / factor to value * factor.
DEFAULT_FACTOR = 2.0


def load(scenario: Scenario | str | Path) -> tuple[Scenario, str | None]:
    """The scenario, and its file when given by name or path (recorded in manifests)."""
    if isinstance(scenario, Scenario):
        return scenario, None
    return load_scenario(scenario), str(resolve_scenario(scenario))


def parameter_names(names: Sequence[str] | None, model: Model, source: str = "params") -> list[str]:
    """``names`` checked against the model's parameters; every parameter when None."""
    if names is None:
        return list(model.parameter_names)
    names = [str(name) for name in names]
    if not names:
        raise InputError(source, None, "give at least one parameter")
    for name in names:
        if name not in model.parameter_index:
            close = difflib.get_close_matches(name, model.parameter_names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(source, name, f"unknown parameter{hint}; `myokine params` lists them all")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputError(source, duplicates[0], "is given more than once")
    return names


def default_problem(scenario: Scenario, names: Sequence[str] | None = None, factor: float = DEFAULT_FACTOR,
                    model: Model | None = None) -> dict:
    """SALib's problem dictionary: each parameter's scenario value / ``factor`` to * ``factor``, log-uniform."""
    model = model or build_model()
    names = parameter_names(names, model)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor) or factor <= 1:
        raise InputError("factor", str(factor), "must be a number above 1 (2 gives half to double)")
    values = resolve_parameters(scenario, model=model)
    bounds = []
    for name in names:
        parameter = model.parameter(name)
        value = values[name]
        if value <= 0.0:
            raise InputError("params", name, f"is {value:g} in the scenario, so it has no relative range; "
                                             "give explicit bounds in a problem dictionary")
        lower, upper = max(value / factor, parameter.lower), min(value * factor, parameter.upper)
        if not lower < upper:
            raise InputError("params", name, f"has no room to vary within its plausible range "
                                             f"{parameter.lower:g} to {parameter.upper:g} {parameter.unit}")
        bounds.append([lower, upper])
    return {"num_vars": len(names), "names": names, "bounds": bounds, "dists": ["logunif"] * len(names)}


def resolve_space(scenario: Scenario, problem: dict | None, params: Sequence[str] | None, factor: float,
                  model: Model) -> Space:
    """The validated space of a global analysis: ``problem`` as given, else the default one over ``params``."""
    if problem is not None:
        if params is not None:
            raise InputError("params", None, "give either params or an explicit problem, not both")
        return parse_space(problem, scenario, model, source="problem")
    return parse_space(default_problem(scenario, params, factor, model), scenario, model, source="params")
