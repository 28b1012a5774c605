"""Units for the literal numbers in the exported SBML math.

libsbml cannot check the units of an expression that contains a number
without units (warning 99505). The rate laws are generated, so their numbers
carry no unit; this module infers each number's unit from where it stands and
declares it on the number (``sbml:units``):

* a number added to, subtracted from or compared with a term, or an argument
  of ``max`` or ``min`` beside it, takes that term's unit (``x + 1``,
  ``max(x, 0)``); the arguments of ``max`` and ``min`` must share a unit, which
  is checked here because libsbml misses a clash inside them when they stand
  in a product;
* a number in a product or quotient takes whatever makes the product match
  what its context expects (the rule's variable, a sibling term), and is
  dimensionless when nothing is expected;
* a number raised to a power takes the base unit that makes the power match
  (``65^h`` next to ``half^h`` gets the unit of ``half``);
* exponents and the arguments of ``exp`` and ``ln`` are dimensionless.

Only units are added: no value and no formula changes. A unit the model does
not define yet gets a unit definition of its own (``derived_unit_N``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from myokine_sim.errors import MyokineError

#: Relative tolerance when matching the scale factors of two units.
_FACTOR_RTOL = 1e-9
#: The MathML csymbol of the simulation time.
TIME_URL = "http://www.sbml.org/sbml/symbols/time"
#: A sub-expression whose unit is still free: every number in it can take whatever unit its context needs.
FREE = None


@dataclass(frozen=True)
class Dimension:
    """A unit as ``factor * prod(kind ** exponent)`` over SBML base unit kinds (``factor``: to SI)."""

    factor: float = 1.0
    powers: tuple[tuple[str, float], ...] = ()

    def __mul__(self, other: Dimension) -> Dimension:
        return _dimension(self.factor * other.factor, self.powers, other.powers, 1.0)

    def __truediv__(self, other: Dimension) -> Dimension:
        return _dimension(self.factor / other.factor, self.powers, other.powers, -1.0)

    def __pow__(self, exponent: float) -> Dimension:
        return _dimension(self.factor ** exponent, tuple((k, e * exponent) for k, e in self.powers), (), 1.0)

    def same_as(self, other: Dimension) -> bool:
        return (math.isclose(self.factor, other.factor, rel_tol=_FACTOR_RTOL)
                and len(self.powers) == len(other.powers)
                and all(a == b and math.isclose(x, y, rel_tol=1e-12)
                        for (a, x), (b, y) in zip(self.powers, other.powers)))


DIMENSIONLESS = Dimension()


def _dimension(factor: float, left, right, sign: float) -> Dimension:
    powers: dict[str, float] = dict(left)
    for kind, exponent in right:
        powers[kind] = powers.get(kind, 0.0) + sign * exponent
    return Dimension(factor, tuple(sorted((k, e) for k, e in powers.items() if abs(e) > 1e-12)))


def dimension_of(factors) -> Dimension:
    """The ``Dimension`` of ``sbml.parse_unit``'s factors."""
    result = DIMENSIONLESS
    for f in factors:
        kind_power = () if f.kind == "dimensionless" else ((f.kind, float(f.exponent)),)
        result = result * Dimension((f.multiplier * 10.0 ** f.scale) ** f.exponent, kind_power)
    return result


class UnitRegistry:
    """Unit definitions of an SBML model, found by dimension; new ones are added to the model."""

    def __init__(self, libsbml, model, defined: dict[str, Dimension]):
        self._libsbml = libsbml
        self._model = model
        known = [(dimension, sid) for sid, dimension in defined.items()]
        self._ids: list[tuple[Dimension, str]] = [(DIMENSIONLESS, "dimensionless"), *known]
        self._by_id = {sid: dimension for dimension, sid in self._ids}

    def dimension(self, unit_sid: str) -> Dimension:
        return self._by_id[unit_sid]

    def unit_id(self, dimension: Dimension) -> str:
        for known, sid in self._ids:
            if known.same_as(dimension):
                return sid
        return self._define(dimension)

    def _define(self, dimension: Dimension) -> str:
        sid = f"derived_unit_{sum(1 for _, s in self._ids if s.startswith('derived_unit_'))}"
        definition = self._model.createUnitDefinition()
        _check(definition.setId(sid), sid)
        definition.setName("unit of a literal number in the rate laws")
        powers = dimension.powers or (("dimensionless", 1.0),)
        for position, (kind, exponent) in enumerate(powers):
            unit = definition.createUnit()
            _check(unit.setKind(self._libsbml.UnitKind_forName(kind)), f"unit kind {kind!r}")
            unit.setExponent(float(exponent))
            unit.setScale(0)
            # The whole scale factor goes on the first factor: (multiplier ** exponent) == factor.
            unit.setMultiplier(dimension.factor ** (1.0 / exponent) if position == 0 else 1.0)
        self._ids.append((dimension, sid))
        self._by_id[sid] = dimension
        return sid


def _check(status: int, what: str) -> None:
    if status != 0:
        raise MyokineError(f"libsbml rejected {what} (status {status})")


class NumberUnits:
    """Infers and declares the units of the numbers in one model's math.

    ``units`` maps each SBML id to its ``Dimension``; ``values`` maps constant
    parameters to their values (an exponent such as a Hill coefficient).
    """

    def __init__(self, registry: UnitRegistry, units: dict[str, Dimension], values: dict[str, float],
                 time: Dimension):
        self.registry = registry
        self.units = units
        self.values = values
        self.time = time

    def declare(self, node, expected: Dimension | None):
        """Declare the unit of every number in ``node`` whose value must be in ``expected``; returns its unit."""
        return self._infer(node, expected)

    # Each handler returns the node's unit, or FREE while it depends only on undeclared numbers.
    # Nodes are told apart by predicates, not getType(): when python-libsedml is loaded as well, its
    # copy of the same SWIG enum makes getType() return an opaque object.
    def _infer(self, node, expected):
        if node.isNumber():
            return self._number(node, expected)
        if node.isName():
            if node.getDefinitionURLString() == TIME_URL:
                return self.time
            return self.units.get(node.getName(), DIMENSIONLESS)
        if node.isUMinus():
            return self._infer(node.getChild(0), expected)
        operator = node.getCharacter() if node.isOperator() else ""
        if operator in ("+", "-"):
            return self._alike(_children(node), expected)
        if operator == "*":
            return self._product(_children(node), [1] * node.getNumChildren(), expected)
        if operator == "/":
            return self._product(_children(node), [1, -1], expected)
        if operator == "^" or (node.isFunction() and node.getName() in ("pow", "power")):
            return self._power(node.getChild(0), node.getChild(1), expected)
        if node.isPiecewise():
            children = _children(node)
            for condition in children[1::2]:
                self._condition(condition)
            return self._alike(children[0::2], expected)
        if node.isRelational() or node.isLogical():
            self._condition(node)
            return DIMENSIONLESS
        if node.isFunction() and node.getName() in ("max", "min"):
            # libsbml misses a unit clash inside max/min when they stand in a product, so it is checked here.
            return self._alike(_children(node), expected, checked=node)
        if node.isFunction() and node.getName() in ("exp", "ln"):
            self._infer(node.getChild(0), DIMENSIONLESS)
            return DIMENSIONLESS
        raise MyokineError(f"no unit rule for the SBML math element {node.getName()!r}")

    def _number(self, node, expected):
        if node.isSetUnits():  # declared already (a resting value, an event time)
            return self.registry.dimension(node.getUnits())
        if expected is FREE:
            return FREE
        _check(node.setUnits(self.registry.unit_id(expected)), "units of a number")
        return expected

    def _alike(self, terms, expected, checked=None):
        """Terms that must share one unit: free ones take the first known term's unit (or ``expected``).

        With ``checked`` (the node the terms belong to), known units that differ raise ``MyokineError``.
        """
        units = [self._infer(term, FREE) for term in terms]
        known = next((u for u in units if u is not FREE), expected)
        if known is FREE:
            return FREE
        if checked is not None and any(u is not FREE and not u.same_as(known) for u in units):
            import libsbml

            raise MyokineError(f"the arguments of {checked.getName()}() have different units: "
                               f"{libsbml.formulaToL3String(checked)}")
        for term, unit in zip(terms, units):
            if unit is FREE:
                self._infer(term, known)
        return known

    def _product(self, factors, signs, expected):
        """``prod(factor ** sign)``: a free factor takes the unit that gives ``expected`` (or none)."""
        units = [self._infer(factor, FREE) for factor in factors]
        free = [index for index, unit in enumerate(units) if unit is FREE]
        if free and expected is FREE:
            return FREE
        known = DIMENSIONLESS
        for unit, sign in zip(units, signs):
            if unit is not FREE:
                known = known * unit if sign > 0 else known / unit
        for position, index in enumerate(free):
            if position == 0:
                # What the first free factor must be for the product to come out in ``expected``.
                target = expected / known if signs[index] > 0 else known / expected
            else:
                target = DIMENSIONLESS
            units[index] = self._infer(factors[index], target)
            known = known * units[index] if signs[index] > 0 else known / units[index]
        return known

    def _power(self, base, exponent, expected):
        self._infer(exponent, DIMENSIONLESS)
        value = self._value(exponent)
        unit = self._infer(base, FREE)
        if unit is FREE:
            if expected is FREE:
                return FREE
            target = expected ** (1.0 / value) if value else DIMENSIONLESS
            unit = self._infer(base, target)
        return unit ** value if value is not None else DIMENSIONLESS

    def _condition(self, node):
        if node.isLogical():
            for child in _children(node):
                self._condition(child)
            return
        if self._alike(_children(node), FREE) is FREE:  # comparing bare numbers: call them dimensionless
            self._alike(_children(node), DIMENSIONLESS)

    def _value(self, node) -> float | None:
        """The numeric value of an exponent (a number, a constant parameter or its negative)."""
        if node.isNumber():
            return node.getValue()
        if node.isName():
            return self.values.get(node.getName())
        if node.isUMinus():
            inner = self._value(node.getChild(0))
            return None if inner is None else -inner
        return None


def _children(node) -> list:
    return [node.getChild(index) for index in range(node.getNumChildren())]


def declare_rule_units(libsbml, model, registry: UnitRegistry, units: dict[str, Dimension],
                       time: Dimension) -> None:
    """Declare the unit of every number in ``model``'s rules and initial assignments."""
    values = {p.getId(): p.getValue() for p in model.getListOfParameters() if p.getConstant()}
    numbers = NumberUnits(registry, units, values, time)
    for rule in model.getListOfRules():
        target = units.get(rule.getVariable(), DIMENSIONLESS)
        numbers.declare(rule.getMath(), target / time if rule.isRate() else target)
    for assignment in model.getListOfInitialAssignments():
        numbers.declare(assignment.getMath(), units.get(assignment.getSymbol(), DIMENSIONLESS))
