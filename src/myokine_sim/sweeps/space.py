"""The space a sweep varies: names, bounds and distributions, validated.

A space is written like SALib's problem dictionary::

    {"names": ["exercise.0.duration_min", "plasma_il6.clearance_per_min"],
     "bounds": [[30, 180], [0.2, 0.8]],
     "dists": ["unif", "logunif"]}          # optional; "unif" by default

A name is a model parameter (``myokine params``; ``subject.*`` included) or a
numeric field of a scenario table, ``<table>.<index>.<field>`` such as
``exercise.0.intensity_pct_vo2max`` or ``carbohydrate.0.grams``. Bounds must
lie within the parameter's plausible range or the field's allowed range.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from myokine_sim.errors import InputError
from myokine_sim.model import Model
from myokine_sim.scenario import Carbohydrate, Endotoxin, Exercise, HydrocortisoneInfusion, IL6Infusion, Scenario

#: Scenario tables a sweep may vary, with the unit of each numeric field.
FIELD_UNITS: dict[str, tuple[type, dict[str, str]]] = {
    "exercise": (Exercise, {"start_min": "min", "duration_min": "min",
                            "intensity_pct_vo2max": "%VO2max", "every_min": "min"}),
    "carbohydrate": (Carbohydrate, {"start_min": "min", "every_min": "min", "until_min": "min", "grams": "g"}),
    "il6_infusion": (IL6Infusion, {"start_min": "min", "duration_min": "min", "rate_ug_per_h": "ug/h",
                                   "plasma_rise_pg_ml": "pg/mL"}),
    "hydrocortisone_infusion": (HydrocortisoneInfusion, {"start_min": "min", "duration_min": "min",
                                                         "rate_ug_kg_min": "ug/kg/min"}),
    "endotoxin": (Endotoxin, {"time_min": "min", "dose_ng_per_kg": "ng/kg"}),
}

#: Distributions (SALib's names) and how many numbers their ``bounds`` entry holds.
DISTRIBUTIONS: dict[str, tuple[int, str]] = {
    "unif": (2, "[lower, upper]"),
    "logunif": (2, "[lower, upper], lower > 0"),
    "triang": (3, "[lower, upper, peak as a fraction of the width]"),
    "truncnorm": (4, "[lower, upper, mean, standard deviation]"),
}

_FIELD_NAME = re.compile(r"^(?P<table>[a-z0-9_]+)\.(?P<index>\d+)\.(?P<field>[a-z0-9_]+)$")


@dataclass(frozen=True)
class Variable:
    """One varied quantity.

    ``kind`` is ``"parameter"`` (a model parameter; ``target`` is its index in
    the parameter vector) or ``"field"`` (a scenario field; ``target`` is
    ``(table, index, field)``).
    """

    name: str
    kind: str
    target: int | tuple[str, int, str]
    lower: float
    upper: float
    unit: str
    dist: str = "unif"
    shape: tuple[float, ...] = ()

    def ppf(self, quantiles: np.ndarray) -> np.ndarray:
        """Values at the given quantiles (0..1) of this variable's distribution."""
        lower, upper = self.lower, self.upper
        if upper == lower:
            return np.full(np.shape(quantiles), lower)
        if self.dist == "unif":
            return lower + quantiles * (upper - lower)
        if self.dist == "logunif":
            return np.exp(np.log(lower) + quantiles * (np.log(upper) - np.log(lower)))
        if self.dist == "triang":
            return stats.triang.ppf(quantiles, self.shape[0], loc=lower, scale=upper - lower)
        mean, sd = self.shape
        return stats.truncnorm.ppf(quantiles, (lower - mean) / sd, (upper - mean) / sd, loc=mean, scale=sd)

    def bounds_entry(self) -> list[float]:
        return [self.lower, self.upper, *self.shape]


@dataclass(frozen=True)
class Space:
    variables: tuple[Variable, ...]

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def __len__(self) -> int:
        return len(self.variables)

    def ppf(self, quantiles: np.ndarray) -> np.ndarray:
        """Map points of the unit hypercube ``(n, k)`` to values ``(n, k)``."""
        values = np.empty_like(quantiles, dtype=float)
        for column, variable in enumerate(self.variables):
            values[:, column] = variable.ppf(quantiles[:, column])
        return values

    def as_problem(self) -> dict:
        """The space in SALib's problem form (as recorded in manifests)."""
        return {
            "num_vars": len(self.variables),
            "names": self.names,
            "bounds": [v.bounds_entry() for v in self.variables],
            "dists": [v.dist for v in self.variables],
        }


def known_names(scenario: Scenario, model: Model) -> list[str]:
    """Every name a sweep of ``scenario`` may vary."""
    names = list(model.parameter_names)
    for table, (_, fields) in FIELD_UNITS.items():
        for index in range(len(getattr(scenario, table))):
            names += [f"{table}.{index}.{field}" for field in fields]
    return names


def resolve_name(name: str, scenario: Scenario, model: Model, source: str) -> Variable:
    """The variable called ``name`` with its widest allowed bounds."""
    if name in model.parameter_index:
        parameter = model.parameter(name)
        return Variable(name, "parameter", model.parameter_index[name], parameter.lower, parameter.upper,
                        parameter.unit)
    match = _FIELD_NAME.match(name)
    if match and match["table"] in FIELD_UNITS:
        table, index, field = match["table"], int(match["index"]), match["field"]
        table_class, units = FIELD_UNITS[table]
        if field not in units:
            raise InputError(source, name, f"not a numeric field of [[{table}]] a sweep can vary; "
                                           f"allowed: {', '.join(units)}")
        count = len(getattr(scenario, table))
        if index >= count:
            allowed = f"allowed indices: 0 to {count - 1}" if count else "add the table to the scenario first"
            raise InputError(source, name, f"the scenario has {count} [[{table}]] table(s); {allowed}")
        lower, upper = _field_limits(table_class, field)
        return Variable(name, "field", (table, index, field), lower, upper, units[field])
    close = difflib.get_close_matches(name, known_names(scenario, model), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise InputError(
        source, name,
        f"unknown name{hint}; allowed: a model parameter (`myokine params` lists them), subject.<field>, "
        f"or <table>.<index>.<field> for the tables {', '.join(FIELD_UNITS)} of the scenario",
    )


def _field_limits(table_class: type, field: str) -> tuple[float, float]:
    """The pydantic constraints of a field as a closed interval (open ends nudged inwards)."""
    lower, upper = -math.inf, math.inf
    for constraint in table_class.model_fields[field].metadata:
        if hasattr(constraint, "ge"):
            lower = float(constraint.ge)
        elif hasattr(constraint, "gt"):
            lower = math.nextafter(float(constraint.gt), math.inf)
        elif hasattr(constraint, "le"):
            upper = float(constraint.le)
        elif hasattr(constraint, "lt"):
            upper = math.nextafter(float(constraint.lt), -math.inf)
    return lower, upper


def _describe_range(variable: Variable) -> str:
    if variable.kind == "parameter":
        return f"{variable.lower:g} to {variable.upper:g} {variable.unit}"
    table_class, _ = FIELD_UNITS[variable.target[0]]
    parts = []
    for constraint in table_class.model_fields[variable.target[2]].metadata:
        for key, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if hasattr(constraint, key):
                parts.append(f"{symbol} {getattr(constraint, key):g}")
    return " and ".join(parts) + f" {variable.unit}" if parts else f"any number ({variable.unit})"


def check_bounds(variable: Variable, lower: float, upper: float, source: str) -> None:
    """Raise unless ``lower <= upper`` and both lie within the variable's allowed range."""
    name = variable.name
    if not (math.isfinite(lower) and math.isfinite(upper)):
        raise InputError(source, name, "bounds must be finite numbers")
    if lower > upper:
        raise InputError(source, name, f"lower bound {lower:g} is above upper bound {upper:g}; allowed: LO <= HI")
    if lower < variable.lower or upper > variable.upper:
        what = "plausible range" if variable.kind == "parameter" else "allowed range"
        raise InputError(source, name, f"bounds {lower:g} to {upper:g} leave the {what}; "
                                       f"allowed: {_describe_range(variable)}")


def problem_lists(space: dict, source: str) -> tuple[list[str], list, list[str]]:
    if not isinstance(space, dict):
        raise InputError(source, None, "expected a dictionary with 'names' and 'bounds' (SALib's problem form)")
    unknown = set(space) - {"names", "bounds", "dists", "num_vars"}
    if unknown:
        raise InputError(source, min(unknown), "unknown key; allowed: names, bounds, dists, num_vars")
    names = list(space.get("names") or [])
    bounds = list(space.get("bounds") or [])
    dists = list(space.get("dists") or ["unif"] * len(names))
    if not names:
        raise InputError(source, "names", "give at least one name to vary")
    if len(bounds) != len(names) or len(dists) != len(names):
        raise InputError(source, "bounds", f"give one bounds entry (and one dist, if any) per name: "
                                           f"{len(names)} names, {len(bounds)} bounds, {len(dists)} dists")
    if "num_vars" in space and space["num_vars"] != len(names):
        raise InputError(source, "num_vars", f"is {space['num_vars']} but {len(names)} names are given")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(source, duplicates[0], "is given more than once")
    return names, bounds, dists


def parse_space(space: dict, scenario: Scenario, model: Model, source: str = "space") -> Space:
    """Validate a SALib-style problem dictionary against the scenario and the model."""
    names, bounds, dists = problem_lists(space, source)
    variables = []
    for name, entry, dist in zip(names, bounds, dists):
        variable = resolve_name(str(name), scenario, model, source)
        if dist not in DISTRIBUTIONS:
            raise InputError(source, name, f"unknown distribution {dist!r}; allowed: {', '.join(DISTRIBUTIONS)}")
        count, form = DISTRIBUTIONS[dist]
        numbers = bound_numbers(entry, count, form, name, dist, source)
        lower, upper, shape = numbers[0], numbers[1], tuple(numbers[2:])
        check_bounds(variable, lower, upper, source)
        _check_shape(dist, lower, shape, name, source)
        variables.append(Variable(variable.name, variable.kind, variable.target, lower, upper, variable.unit,
                                  dist, shape))
    _reject_alternatives_together(variables, scenario, source)
    return Space(tuple(variables))


def alternative_in_use(scenario: Scenario, target: tuple[str, int, str]) -> str | None:
    """The field the scenario gives in place of ``target``'s (an rhIL-6 plasma rise in place of its rate), if any."""
    table, index, field = target
    entry = getattr(scenario, table)[index]
    return next((other for group in entry.ALTERNATIVE_FIELDS if field in group for other in group
                 if other != field and getattr(entry, other) is not None), None)


def _reject_alternatives_together(variables, scenario: Scenario, source: str) -> None:
    fields = [v for v in variables if v.kind == "field"]
    for i, first in enumerate(fields):
        for second in fields[i + 1:]:
            (table, index, a), (other_table, other_index, b) = first.target, second.target
            groups = getattr(scenario, table)[index].ALTERNATIVE_FIELDS
            if (table, index) == (other_table, other_index) and any({a, b} <= set(g) for g in groups):
                raise InputError(source, second.name, f"{first.name} and {second.name} give the same dose two ways; "
                                                      "vary one of them")


def bound_numbers(entry, count: int, form: str, name: str, dist: str, source: str) -> list[float]:
    try:
        numbers = [float(v) for v in entry]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != count or any(isinstance(v, bool) for v in entry):
        raise InputError(source, name, f"bounds for {dist!r} must be {count} numbers: {form}")
    return numbers


def _check_shape(dist: str, lower: float, shape: Sequence[float], name: str, source: str) -> None:
    if dist == "logunif" and lower <= 0.0:
        raise InputError(source, name, "a log-uniform range needs a lower bound above 0")
    if dist == "triang" and not 0.0 <= shape[0] <= 1.0:
        raise InputError(source, name, f"triangular peak {shape[0]:g} must be a fraction from 0 to 1")
    if dist == "truncnorm" and not shape[1] > 0.0:
        raise InputError(source, name, "truncated normal needs a standard deviation above 0")
