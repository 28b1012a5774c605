"""Export the model and a scenario's schedule as SBML Level 3 Version 2.

The export is generated from the same expression trees the solver compiles
(``model.derivatives``, ``model.variables``, ``model.rest``), printed with
``expr.to_infix``; nothing is written out by hand. See ``docs/sbml.md``.

Layout of the exported model (time unit: minute):

* every model parameter is a constant SBML parameter with its unit;
* every state is a non-constant parameter with a rate rule and an initial
  assignment from the exact resting steady state (so it follows parameter
  changes);
* every algebraic variable is a parameter with an assignment rule, and
  ``time_min`` is assigned the simulation time;
* every input is a parameter holding its value at time 0 and changed by one
  event per breakpoint, which also adds that instant's boluses to their states.

SBML ids: a name's dots become double underscores
(``plasma_il6.clearance_per_min`` -> ``plasma_il6__clearance_per_min``); the
original name is kept in the element's ``name`` attribute. States, inputs and
algebraic variables have no dots, so their ids equal the timeseries.csv column
names.

python-libsbml is an optional extra (``pip install 'myokine_sim[sbml]'``) and is
imported only inside the functions that need it. Every literal number in the
math gets a unit (``sbml_units``), so libsbml's unit check is clean.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from myokine_sim.errors import MyokineError
from myokine_sim.expr import Expr, Num, to_infix, varying_powers_as_exp
from myokine_sim.model import Model, build_model
from myokine_sim.model.inputs import BOLUS_STATES
from myokine_sim.scenario import Scenario
from myokine_sim.schedule import Schedule

SBML_LEVEL = 3
SBML_VERSION = 2
#: Namespace of the per-element annotation that names each quantity and its role.
ANNOTATION_NAMESPACE = "urn:myokine-sim:sbml:quantity:1"
ANNOTATION_PREFIX = "myokine"
#: SBO:0000002, "quantitative systems description parameter".
SBO_PARAMETER = 2
#: Id of the parameter assigned the simulation time (the ``time_min`` column).
TIME_ID = "time_min"
#: The model's time unit.
TIME_UNIT = "min"

_SID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_XHTML = "http://www.w3.org/1999/xhtml"


def sbml_id(name: str) -> str:
    """The SBML id of a model name: dots become double underscores."""
    return name.replace(".", "__")


def sbml_ids(model: Model) -> dict[str, str]:
    """SBML id of every state, parameter, input and algebraic variable, by name.

    Raises ``ValueError`` if a name does not map to a valid, unique SId.
    """
    names = (*model.state_names, *model.parameter_names, *model.input_names, *model.variables)
    ids = {name: sbml_id(name) for name in names}
    seen: dict[str, str] = {TIME_ID: TIME_ID}
    for name, sid in ids.items():
        if not _SID.fullmatch(sid):
            raise ValueError(f"{name!r} does not map to a valid SBML id ({sid!r})")
        if sid in seen:
            raise ValueError(f"{name!r} and {seen[sid]!r} map to the same SBML id {sid!r}")
        seen[sid] = name
    return ids


# ----------------------------------------------------------------------- units

#: Unit symbols used by the model: SBML base unit kind, scale (power of ten), multiplier.
_UNIT_ATOMS: dict[str, tuple[str, int, float]] = {
    "min": ("second", 0, 60.0),
    "kg": ("gram", 3, 1.0),
    "g": ("gram", 0, 1.0),
    "mg": ("gram", -3, 1.0),
    "ug": ("gram", -6, 1.0),
    "ng": ("gram", -9, 1.0),
    "pg": ("gram", -12, 1.0),
    "mmol": ("mole", -3, 1.0),
    "umol": ("mole", -6, 1.0),
    "nmol": ("mole", -9, 1.0),
    "kcal": ("joule", 3, 4.184),
    "L": ("litre", 0, 1.0),
    "mL": ("litre", -3, 1.0),
    "1": ("dimensionless", 0, 1.0),
    "fold": ("dimensionless", 0, 1.0),
    "leg": ("dimensionless", 0, 1.0),
    "legs": ("dimensionless", 0, 1.0),
    # Percent of the subject's maximal oxygen uptake: a ratio.
    "%VO2max": ("dimensionless", 0, 0.01),
    # "kg dw" is kilogram dry weight, "kg muscle" kilogram of active muscle: the qualifier names the basis, not a unit.
    "dw": ("dimensionless", 0, 1.0),
    "muscle": ("dimensionless", 0, 1.0),
}
_NUMBER_PREFIX = re.compile(r"(\d+(?:\.\d+)?)([A-Za-z%].*)")


@dataclass(frozen=True)
class UnitFactor:
    """One factor ``(multiplier * 10**scale * kind) ** exponent`` of a unit."""

    kind: str
    exponent: int
    scale: int
    multiplier: float


def parse_unit(text: str) -> list[UnitFactor]:
    """Factors of a unit string such as ``"mmol/kg dw/min"`` or ``"1/(ng/kg)/min"``.

    ``/`` divides by the next term, spaces multiply, parentheses group, and a
    number before a symbol (``100g``) multiplies it. Dimensionless factors are
    dropped unless they carry a multiplier; factors of one kind, scale and
    multiplier are merged. An empty list means dimensionless.
    """
    exponents: dict[tuple[str, int, float], int] = {}
    for key, exponent in _unit_terms(text.strip(), 1, text):
        exponents[key] = exponents.get(key, 0) + exponent
    return [
        UnitFactor(kind, exponent, scale, multiplier)
        for (kind, scale, multiplier), exponent in exponents.items()
        if exponent != 0 and not (kind == "dimensionless" and multiplier == 1.0)
    ]


def _unit_terms(text: str, sign: int, whole: str) -> list[tuple[tuple[str, int, float], int]]:
    terms: list[tuple[tuple[str, int, float], int]] = []
    for position, part in enumerate(_split_top_level(text, whole)):
        part_sign = sign if position == 0 else -sign
        if part.startswith("(") and part.endswith(")"):
            terms += _unit_terms(part[1:-1], part_sign, whole)
            continue
        for token in part.split():
            terms.append((_unit_atom(token, whole), part_sign))
    return terms


def _split_top_level(text: str, whole: str) -> list[str]:
    """Split at ``/`` outside parentheses."""
    parts, depth, current = [], 0, ""
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:
            raise ValueError(f"unbalanced parentheses in unit {whole!r}")
        if character == "/" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    parts.append(current.strip())
    if depth != 0 or any(not part for part in parts):
        raise ValueError(f"cannot parse unit {whole!r}")
    return parts


def _unit_atom(token: str, whole: str) -> tuple[str, int, float]:
    if token in _UNIT_ATOMS:
        return _UNIT_ATOMS[token]
    prefixed = _NUMBER_PREFIX.fullmatch(token)
    if prefixed and prefixed.group(2) in _UNIT_ATOMS:
        kind, scale, multiplier = _UNIT_ATOMS[prefixed.group(2)]
        return kind, scale, multiplier * float(prefixed.group(1))
    raise ValueError(f"unknown unit symbol {token!r} in {whole!r}; add it to sbml._UNIT_ATOMS")


def unit_id(text: str) -> str | None:
    """SBML UnitSId of a unit string (``"1/min"`` -> ``per_min``, ``"1"`` -> ``dimensionless``).

    ``None`` for a string with a symbol missing from ``_UNIT_ATOMS``: the export
    then leaves that element's units undeclared instead of failing (its unit
    string stays in the notes and the annotation).
    """
    try:
        factors = parse_unit(text)
    except ValueError:
        return None
    if not factors:
        return "dimensionless"
    sid = re.sub(r"^1/", "per_", text.strip())
    sid = sid.replace("(", "").replace(")", "").replace("%", "pct_").replace("/", "_per_")
    sid = re.sub(r"[^A-Za-z0-9_]+", "_", sid).strip("_")
    return sid if not sid[0].isdigit() else f"u_{sid}"


# --------------------------------------------------------------------- export


def _libsbml():
    from myokine_sim.extras import require

    return require("libsbml", "SBML export")


def build_document(scenario: Scenario, parameters: dict[str, float] | None = None):
    """The ``libsbml.SBMLDocument`` of the model with ``scenario``'s schedule.

    Parameter values are the scenario's (defaults, parameter set, subject,
    ``[parameters]``), then ``parameters``.
    """
    from myokine_sim.simulation import resolve_parameters

    libsbml = _libsbml()
    model = build_model()
    values = resolve_parameters(scenario, parameters, model)
    ids = sbml_ids(model)
    schedule = scenario.schedule()

    document = libsbml.SBMLDocument(SBML_LEVEL, SBML_VERSION)
    target = document.createModel()
    _check(target.setId(_model_id(scenario.name)), "model id")
    target.setName(scenario.description or scenario.name)
    target.setNotes(_notes(
        f"myokine_sim model with the schedule of scenario {scenario.name!r}.",
        "Time is in minutes. SBML ids are the model's names with '.' replaced by '__'; "
        "the name attribute keeps the original name.",
    ))
    _add_units(libsbml, target, model)
    _check(target.setTimeUnits(unit_id(TIME_UNIT)), "time units")
    _add_parameters(target, model, values, ids)
    _add_states(libsbml, target, model, values, ids)
    _add_inputs(target, model, schedule.inputs_at(0.0), ids)
    _add_variables(libsbml, target, model, ids)
    _add_events(libsbml, target, model, schedule, ids)
    _declare_number_units(libsbml, target, model, ids)
    return document


def build_gated_document(
    model_id: str, description: str, schedules: dict[str, Schedule], values: dict[str, float],
    gate_notes: dict[str, str],
):
    """One SBML model holding several schedules, each switched on by its own indicator parameter.

    ``schedules`` maps an indicator id (a constant dimensionless parameter, 0 in the model) to a schedule;
    that schedule's events fire only while its indicator is 1, so setting one indicator to 1 (a
    PEtab condition) runs that schedule. Inputs start at the first schedule's values at time 0;
    every schedule sets its own time-0 inputs by a gated event at time 0. ``values`` are the
    parameter values; states start at the resting steady state of whatever parameters apply.
    """
    libsbml = _libsbml()
    model = build_model()
    ids = sbml_ids(model)
    for gate in schedules:
        if not _SID.fullmatch(gate) or gate in ids.values() or gate == TIME_ID:
            raise ValueError(f"indicator id {gate!r} is not a free SBML id")
    document = libsbml.SBMLDocument(SBML_LEVEL, SBML_VERSION)
    target = document.createModel()
    _check(target.setId(model_id), "model id")
    target.setName(description)
    target.setNotes(_notes(
        description,
        "Time is in minutes. SBML ids are the model's names with '.' replaced by '__'; "
        "the name attribute keeps the original name. Parameters named condition_* switch on one "
        "scenario's schedule each (1 on, 0 off).",
    ))
    _add_units(libsbml, target, model)
    _check(target.setTimeUnits(unit_id(TIME_UNIT)), "time units")
    _add_parameters(target, model, values, ids)
    _add_states(libsbml, target, model, values, ids)
    base = next(iter(schedules.values())).inputs_at(0.0)
    _add_inputs(target, model, base, ids)
    _add_variables(libsbml, target, model, ids)
    for gate, schedule in schedules.items():
        indicator = _parameter(target, gate, gate, "1", constant=True)
        indicator.setValue(0.0)
        indicator.setNotes(_notes(gate_notes.get(gate, ""), "Indicator: 1 runs this schedule, 0 leaves it off."))
        _annotate(indicator, gate, "indicator", "1")
        _add_events(libsbml, target, model, schedule, ids, gate=gate, base=base)
    _declare_number_units(libsbml, target, model, ids)
    return document


def consistency_problems(document) -> tuple[list[str], list[str]]:
    """Run libsbml's ``checkConsistency``; returns (errors, warnings) as messages."""
    libsbml = _libsbml()
    document.checkConsistency()
    errors, warnings = [], []
    for index in range(document.getNumErrors()):
        problem = document.getError(index)
        message = f"{problem.getCategoryAsString()} {problem.getErrorId()}: {problem.getMessage().strip()}"
        if problem.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            errors.append(message)
        else:
            warnings.append(message)
    return errors, warnings


def export_sbml(scenario: Scenario, parameters: dict[str, float] | None = None) -> str:
    """SBML text of the model with ``scenario``'s schedule; raises if libsbml finds errors."""
    return checked_text(build_document(scenario, parameters))


def checked_text(document) -> str:
    """SBML text of ``document``; raises if libsbml's consistency check finds errors."""
    errors, _ = consistency_problems(document)
    if errors:
        raise MyokineError("the SBML export failed libsbml's consistency check:\n  " + "\n  ".join(errors))
    return _libsbml().writeSBMLToString(document)


def write_sbml(scenario: Scenario, path: Path, parameters: dict[str, float] | None = None) -> Path:
    """Write the export atomically to ``path``; an unwritable path raises ``InputError``."""
    from myokine_sim.io import write_file_for_user

    return write_file_for_user(Path(path), export_sbml(scenario, parameters).encode("utf-8"), "the SBML file")


# ------------------------------------------------------------------- helpers


def _check(status: int, what: str) -> None:
    """libsbml setters return a status code instead of raising."""
    if status != 0:
        raise MyokineError(f"libsbml rejected {what} (status {status})")


def _model_id(scenario_name: str) -> str:
    return "myokine_" + re.sub(r"[^A-Za-z0-9_]", "_", scenario_name)


def _parse(libsbml, formula: str):
    math = libsbml.parseL3Formula(formula)
    if math is None:
        raise MyokineError(f"libsbml cannot parse {formula!r}: {libsbml.getLastParseL3Error()}")
    return math


def _math(libsbml, expr: Expr, ids: dict[str, str]):
    return _parse(libsbml, to_infix(varying_powers_as_exp(expr), ids))


def _parameter(target, sid: str, name: str, unit: str, constant: bool):
    element = target.createParameter()
    _check(element.setId(sid), f"id {sid!r}")
    element.setName(name)
    element.setConstant(constant)
    units = unit_id(unit)
    if units is not None:
        _check(element.setUnits(units), f"units of {name!r}")
    return element


def _number_units(math, unit: str | None):
    """Declare ``unit`` on every number in ``math`` (all of them are in that unit)."""
    pending = [math] if unit is not None else []
    while pending:
        node = pending.pop()
        if node.isNumber():
            _check(node.setUnits(unit), f"units {unit!r} of a number")
        pending.extend(node.getChild(i) for i in range(node.getNumChildren()))
    return math


def _add_parameters(target, model: Model, values: dict[str, float], ids: dict[str, str]) -> None:
    for parameter in model.parameters:
        element = _parameter(target, ids[parameter.name], parameter.name, parameter.unit, constant=True)
        element.setValue(values[parameter.name])
        element.setSBOTerm(SBO_PARAMETER)
        element.setNotes(_notes(
            parameter.description,
            f"Unit: {parameter.unit}. Plausible range: {parameter.lower:g} to {parameter.upper:g}.",
            f"Source: {parameter.source}",
        ))
        _annotate(element, parameter.name, "parameter", parameter.unit)


def _add_states(libsbml, target, model: Model, values: dict[str, float], ids: dict[str, str]) -> None:
    compiled = model.compiled
    vector = [values[name] for name in model.parameter_names]
    resting = compiled.rest(vector, compiled.constants(vector))
    for state, rest_value in zip(model.states, resting):
        sid = ids[state.name]
        element = _parameter(target, sid, state.name, state.unit, constant=False)
        # The numeric resting value for tools that ignore initial assignments.
        element.setValue(float(rest_value))
        element.setNotes(_notes(state.description, f"State variable (unit: {state.unit})."))
        _annotate(element, state.name, "state", state.unit)
        assignment = target.createInitialAssignment()
        _check(assignment.setSymbol(sid), sid)
        initial = _math(libsbml, model.rest[state.name], ids)
        if isinstance(model.rest[state.name], Num):
            # A constant resting value is in its state's unit; saying so lets libsbml check it.
            _number_units(initial, unit_id(state.unit))
        _check(assignment.setMath(initial), sid)
        rule = target.createRateRule()
        _check(rule.setVariable(sid), sid)
        _check(rule.setMath(_math(libsbml, model.derivatives[state.name], ids)), sid)


def _add_inputs(target, model: Model, initial_values, ids: dict[str, str]) -> None:
    for quantity, initial in zip(model.inputs, initial_values):
        element = _parameter(target, ids[quantity.name], quantity.name, quantity.unit, constant=False)
        element.setValue(initial)
        element.setSBOTerm(SBO_PARAMETER)
        element.setNotes(_notes(quantity.description, f"Input set by the schedule's events (unit: {quantity.unit})."))
        _annotate(element, quantity.name, "input", quantity.unit)


def _add_variables(libsbml, target, model: Model, ids: dict[str, str]) -> None:
    """Algebraic variables as assignment rules, and ``time_min`` assigned the time."""
    for name, expr in model.variables.items():
        # A variable that is not a declared output has no unit or description.
        unit = model.units.get(name, "")
        element = _parameter(target, ids[name], name, unit, constant=False)
        unit_note = f"Algebraic variable (unit: {unit or 'undeclared'})."
        element.setNotes(_notes(model.descriptions.get(name, ""), unit_note))
        _annotate(element, name, "variable", unit)
        _assignment_rule(target, ids[name], _math(libsbml, expr, ids))
    clock = _parameter(target, TIME_ID, TIME_ID, TIME_UNIT, constant=False)
    clock.setNotes(_notes("Simulation time (the time_min column of timeseries.csv)."))
    _annotate(clock, TIME_ID, "time", TIME_UNIT)
    _assignment_rule(target, TIME_ID, _parse(libsbml, "time"))


def _assignment_rule(target, sid: str, math) -> None:
    rule = target.createAssignmentRule()
    _check(rule.setVariable(sid), sid)
    _check(rule.setMath(math), sid)


def _notes(*paragraphs: str) -> str:
    body = "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs if text)
    return f'<body xmlns="{_XHTML}">{body}</body>'


def _annotate(element, name: str, role: str, unit: str) -> None:
    annotation = (
        f"<{ANNOTATION_PREFIX}:quantity xmlns:{ANNOTATION_PREFIX}={quoteattr(ANNOTATION_NAMESPACE)} "
        f"name={quoteattr(name)} role={quoteattr(role)} unit={quoteattr(unit)}/>"
    )
    _check(element.setAnnotation(annotation), f"annotation of {name!r}")


def _add_units(libsbml, target, model: Model) -> None:
    defined: set[str] = set()
    for text in sorted(set(model.units.values()) | {TIME_UNIT}):
        sid = unit_id(text)
        if sid is None or sid in defined or sid == "dimensionless":
            continue
        definition = target.createUnitDefinition()
        _check(definition.setId(sid), f"unit {text!r}")
        definition.setName(text)
        for factor in parse_unit(text):
            _add_factor(libsbml, definition, factor)
        defined.add(sid)


def _add_factor(libsbml, definition, factor: UnitFactor) -> None:
    unit = definition.createUnit()
    _check(unit.setKind(libsbml.UnitKind_forName(factor.kind)), f"unit kind {factor.kind!r}")
    unit.setExponent(factor.exponent)
    unit.setScale(factor.scale)
    unit.setMultiplier(factor.multiplier)


def _declare_number_units(libsbml, target, model: Model, ids: dict[str, str]) -> None:
    """Give every literal number in the rules a unit, so libsbml can check them (see ``sbml_units``)."""
    from myokine_sim.sbml_units import UnitRegistry, declare_rule_units, dimension_of

    def dimension(text: str):
        return dimension_of(parse_unit(text)) if unit_id(text) is not None else None

    defined = {unit_id(text): dimension(text) for text in {*model.units.values(), TIME_UNIT}
               if unit_id(text) not in (None, "dimensionless")}
    registry = UnitRegistry(libsbml, target, defined)
    units = {sid: dimension(model.units[name]) for name, sid in ids.items()}
    units = {sid: unit for sid, unit in units.items() if unit is not None}
    units[TIME_ID] = dimension(TIME_UNIT)
    declare_rule_units(libsbml, target, registry, units, dimension(TIME_UNIT))


def _add_events(libsbml, target, model: Model, schedule: Schedule, ids: dict[str, str],
                gate: str | None = None, base: tuple[float, ...] | None = None) -> None:
    """One event per breakpoint where an input changes or a bolus acts.

    With ``gate`` every trigger also needs that indicator parameter at 1, and inputs are compared
    with ``base`` (the model's initial inputs) at time 0, so the schedule's own start values are set
    by an event at time 0.
    """
    previous = schedule.inputs_at(0.0) if base is None else base
    for time in schedule.breakpoints:
        current = schedule.inputs_at(time)
        changed = [
            (name, value) for name, value, before in zip(model.input_names, current, previous) if value != before
        ]
        boluses = [b for b in schedule.boluses if b.time_min == time]
        previous = current
        if not changed and not boluses:
            continue
        event = target.createEvent()
        _check(event.setId(f"event_{target.getNumEvents() - 1}"), "event id")
        event.setName(_event_label(schedule, time))
        event.setUseValuesFromTriggerTime(True)
        trigger = event.createTrigger()
        # initialValue false: an event at time 0 fires at the start (a dose at 0 is in the first sample).
        trigger.setInitialValue(False)
        trigger.setPersistent(True)
        trigger_math = _number_units(_parse(libsbml, f"time >= {float(time)!r}"), unit_id(TIME_UNIT))
        if gate is not None:
            trigger_math = _gated(libsbml, trigger_math, gate)
        _check(trigger.setMath(trigger_math), "event trigger")
        for name, value in changed:
            _event_assignment(libsbml, event, ids[name], repr(float(value)), model.units[name])
        for bolus in boluses:
            state = BOLUS_STATES[bolus.kind]
            dosed = ids[state]
            _event_assignment(libsbml, event, dosed, f"{dosed} + {float(bolus.amount)!r}", model.units[state])


def _gated(libsbml, time_condition, gate: str):
    """``time_condition && gate > 0.5``; the indicator's number is dimensionless, the time's in minutes."""
    both = libsbml.ASTNode(libsbml.AST_LOGICAL_AND)
    _check(both.addChild(time_condition), "event trigger")
    _check(both.addChild(_number_units(_parse(libsbml, f"{gate} > 0.5"), "dimensionless")), "event trigger")
    return both


def _event_assignment(libsbml, event, variable: str, formula: str, unit: str) -> None:
    assignment = event.createEventAssignment()
    _check(assignment.setVariable(variable), variable)
    _check(assignment.setMath(_number_units(_parse(libsbml, formula), unit_id(unit))), variable)


def _event_label(schedule: Schedule, time: float) -> str:
    """What happens at ``time``, from the schedule's labels."""
    happenings = []
    for item in (*schedule.bouts, *schedule.infusions):
        if item.start_min == time:
            happenings.append(f"{item.label} starts")
        if item.end_min == time:
            happenings.append(f"{item.label} ends")
    happenings += [b.label for b in schedule.boluses if b.time_min == time]
    return f"t = {time:g} min: " + "; ".join(happenings)
