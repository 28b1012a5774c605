"""Building blocks shared by the compartment modules."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, model_validator

from myokine_sim.expr import Expr, Sym, as_expr

#: mg per g, for the glucose fluxes the compartments exchange (g/min of carbohydrate, mg/kg/min of glucose).
MG_PER_G = 1000.0
#: mg of glucose per mmol (molar mass of glucose).
MG_PER_MMOL = 180.16


class Parameter(BaseModel):
    """One model parameter with its unit, plausible range and source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    value: float
    unit: str
    lower: float
    upper: float
    description: str
    source: str

    @model_validator(mode="after")
    def _value_within_bounds(self) -> Parameter:
        if not (math.isfinite(self.lower) and math.isfinite(self.upper)):
            raise ValueError(f"{self.name}: bounds must be finite")
        if not self.lower <= self.value <= self.upper:
            raise ValueError(
                f"{self.name}: value {self.value} outside [{self.lower}, {self.upper}]"
            )
        return self


@dataclass(frozen=True)
class Quantity:
    """A named, unit-carrying quantity: a state, an input or a reported output.

    ``scale`` is a typical magnitude; for states it sets the absolute tolerance.
    ``floor`` is a state's lower bound: ``"zero"``, or ``"rest"`` for a state that nothing
    drives below its resting value (a hormone or cytokine whose every production term is a rise).
    The rate laws keep the region above the floors invariant (tests/test_positivity.py).
    """

    name: str
    unit: str
    description: str
    scale: float = 1.0
    floor: str = "zero"

    def __post_init__(self) -> None:
        if self.floor not in ("zero", "rest"):
            raise ValueError(f"{self.name}: floor must be 'zero' or 'rest', not {self.floor!r}")


@dataclass
class Equations:
    """What a compartment contributes to the model."""

    derivatives: dict[str, Expr]
    rest: dict[str, Expr]
    variables: dict[str, Expr] = field(default_factory=dict)


class _OwnParameters:
    """Attribute access to a compartment's own parameters: ``x.p.volume_l``."""

    def __init__(self, prefix: str, names: set[str]):
        self._prefix = prefix
        self._names = names

    def __getattr__(self, short_name: str) -> Sym:
        name = f"{self._prefix}.{short_name}"
        if name not in self._names:
            raise AttributeError(f"compartment {self._prefix!r} has no parameter {short_name!r}")
        return Sym(name, "param")


class Symbols:
    """The names a compartment's equations may refer to.

    Cross-compartment references are checked when the model is assembled, so a
    compartment may use a variable that another compartment defines later.
    """

    def __init__(self, compartment: Compartment):
        self.p = _OwnParameters(compartment.name, {p.name for p in compartment.parameters})

    @staticmethod
    def state(name: str) -> Sym:
        return Sym(name, "state")

    @staticmethod
    def param(name: str) -> Sym:
        return Sym(name, "param")

    @staticmethod
    def input(name: str) -> Sym:
        return Sym(name, "input")

    @staticmethod
    def var(name: str) -> Sym:
        return Sym(name, "var")


@dataclass(frozen=True)
class Compartment:
    """One physiological compartment: its states, parameters and rate laws."""

    name: str
    title: str
    states: tuple[Quantity, ...]
    parameters: tuple[Parameter, ...]
    equations: Callable[[Symbols], Equations]
    outputs: tuple[Quantity, ...] = ()

    def build(self) -> Equations:
        equations = self.equations(Symbols(self))
        declared = {s.name for s in self.states}
        if set(equations.derivatives) != declared or set(equations.rest) != declared:
            raise ValueError(
                f"compartment {self.name!r} must give a derivative and a resting value "
                f"for exactly its states {sorted(declared)}"
            )
        for mapping in (equations.derivatives, equations.rest, equations.variables):
            for key, value in mapping.items():
                mapping[key] = as_expr(value)
        return equations


def transit_chain(rate: Expr, drive: Expr, stages: Sequence[Expr]) -> list[Expr]:
    """The derivatives of first-order stages in series at one rate: the first follows ``drive``, each next one the
    stage before it. n stages give a gamma-shaped (Erlang) delay of mean n/rate whose spread, 1/sqrt(n) of the
    mean, narrows as stages are added."""
    upstream = (drive, *stages[:-1])
    return [rate * (before - stage) for before, stage in zip(upstream, stages)]


def two_stage_lag(rate: Expr, drive: Expr, first: Expr, second: Expr) -> tuple[Expr, Expr]:
    """The derivatives of two first-order stages at one rate: ``first`` follows ``drive`` and ``second`` follows
    ``first``. A gamma-shaped delay of mean 2/rate, without the long tail of one slow stage."""
    d_first, d_second = transit_chain(rate, drive, (first, second))
    return d_first, d_second


def param(name: str, value: float, unit: str, bounds: tuple[float, float], description: str, source: str) -> Parameter:
    """Shorthand used by the compartment modules to declare a parameter."""
    return Parameter(
        name=name,
        value=value,
        unit=unit,
        lower=bounds[0],
        upper=bounds[1],
        description=description,
        source=source,
    )
