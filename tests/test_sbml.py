"""SBML export: consistency, ids, units, the CLI, and agreement with libRoadRunner.

Agreement criterion (``test_roadrunner_matches_simulate``): for every
timeseries column, at every output time,

    |y_roadrunner - y_myokine| / (atol + RTOL * |y_myokine|) <= MAX_NORMALISED_ERROR

with RTOL = 1e-4 and a per-column ``atol = ATOL_FRACTION * max|y_myokine|``
(floored at ABSOLUTE_FLOOR for columns that are zero to within rounding). Scaling atol
to the column's own peak judges each column against its magnitude, so a column
that decays to ~0 after exercise is not held to a relative error on round-off.
Both simulators run far tighter than that criterion: myokine_sim at rtol 1e-9
(atol 1e-9 x each state's scale), libRoadRunner (CVODE) at rtol 1e-10 (atol 1e-10 x
each state's scale).

Breakpoints: myokine_sim reports the right-continuous (post-event) value at a
breakpoint, and libRoadRunner reports an output time that coincides with an
event after the event has fired (including a dose at time 0), so the samples
are compared as they are; ``test_output_at_an_event_time_is_post_event`` pins
that assumption down.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from myokine_sim import sbml
from myokine_sim.cli import app
from myokine_sim.errors import MyokineError
from myokine_sim.model import build_model
from myokine_sim.paths import shipped_scenarios
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import column_order, simulate
from myokine_sim.solver import SolverSettings

from conftest import configure_cvode, normalised_error

libsbml = pytest.importorskip("libsbml", reason="SBML tests need the [sbml] extra (pip install python-libsbml)")

RTOL = 1e-4
ATOL_FRACTION = 1e-4
ABSOLUTE_FLOOR = 1e-9  # a column whose whole range is below this (in its unit) is zero to both solvers
MAX_NORMALISED_ERROR = 5.0
#: libRoadRunner's CVODE stops once a decaying state (the 0.8/min oxygen-uptake lag) underflows into
#: subnormal numbers, ~15 h after a bout; runs are compared up to 12 h or their last event.
ROADRUNNER_SPAN_MIN = 720.0
REFERENCE_SETTINGS = SolverSettings(rtol=1e-9, atol_fraction=1e-9)
REQUIRED_SCENARIOS = ("hiit_10x1min", "cycling_120min_glucose", "endotoxin_rest", "marathon", "il6_infusion_low")
ALL_SCENARIOS = tuple(shipped_scenarios())


@pytest.fixture(scope="module")
def roadrunner():
    return pytest.importorskip("roadrunner",
                               reason="comparison tests need the [sbml] extra (pip install libroadrunner)")


def document_for(name: str, parameters: dict[str, float] | None = None):
    return libsbml.readSBMLFromString(sbml.export_sbml(load_scenario(name), parameters))


def roadrunner_run(roadrunner, xml: str, times: np.ndarray, columns: list[str]) -> np.ndarray:
    runner = roadrunner.RoadRunner(xml)
    configure_cvode(runner, REFERENCE_SETTINGS.atol_fraction)
    runner.resetAll()
    return np.asarray(runner.simulate(times=times, selections=columns))


def assert_columns_agree(result, trajectories: np.ndarray, columns: list[str]) -> None:
    for index, column in enumerate(columns):
        reference = result[column]
        atol = max(ATOL_FRACTION * float(np.max(np.abs(reference))), ABSOLUTE_FLOOR)
        error = normalised_error(trajectories[:, index], reference, RTOL, atol)
        worst = int(np.argmax(error))
        assert error[worst] <= MAX_NORMALISED_ERROR, (
            f"{result.scenario_name}: {column} at t={result.time_min[worst]:g} min: roadrunner "
            f"{trajectories[worst, index]:.8g} vs myokine_sim {reference[worst]:.8g} "
            f"(normalised error {error[worst]:.3g})"
        )


# ----------------------------------------------------------------- document


def test_required_scenarios_are_shipped():
    assert set(REQUIRED_SCENARIOS) <= set(ALL_SCENARIOS)


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_consistency_check_reports_no_errors(name):
    document = sbml.build_document(load_scenario(name))
    assert (document.getLevel(), document.getVersion()) == (3, 2)
    errors, warnings = sbml.consistency_problems(document)
    assert errors == []
    # Every literal number carries a unit, so libsbml checks every expression's units (no 99505 either).
    assert warnings == []


def _numbers(math, skip: tuple[str, ...] = ()):
    """The number nodes of ``math``, not looking inside the functions named in ``skip``."""
    pending, found = [math], []
    while pending:
        node = pending.pop()
        if node.isNumber():
            found.append(node)
        if not (node.isFunction() and node.getName() in skip):
            pending.extend(node.getChild(i) for i in range(node.getNumChildren()))
    return found


def test_every_number_in_the_rules_has_a_unit():
    model = sbml.build_document(load_scenario("marathon")).getModel()
    rules = [*model.getListOfRules(), *model.getListOfInitialAssignments()]
    numbers = [node for rule in rules for node in _numbers(rule.getMath())]
    assert len(numbers) > 100
    assert all(node.isSetUnits() for node in numbers)


def test_the_unit_check_sees_a_wrong_unit_on_a_number():
    # The clean check above means something only if libsbml does look at the numbers' units.
    document = sbml.build_document(load_scenario("marathon"))
    rule = document.getModel().getRateRule("plasma_il6_pg_ml")
    # libsbml does not check inside max() and min(); the export checks those itself (next test).
    numbers = _numbers(rule.getMath(), skip=("max", "min"))
    number = next(node for node in numbers if node.getUnits() == "dimensionless")
    number.setUnits("per_min")
    _, warnings = sbml.consistency_problems(document)
    assert any(" 105" in warning for warning in warnings), warnings


def test_the_export_rejects_max_and_min_of_values_in_different_units():
    from myokine_sim.sbml_units import DIMENSIONLESS, NumberUnits, UnitRegistry, dimension_of

    document = libsbml.SBMLDocument(3, 2)
    units = {"glucose": dimension_of(sbml.parse_unit("mmol/L")), "rate": dimension_of(sbml.parse_unit("1/min")),
             "level": dimension_of(sbml.parse_unit("mmol/L"))}
    numbers = NumberUnits(UnitRegistry(libsbml, document.createModel(), {}), units, {}, DIMENSIONLESS)
    for function in ("max", "min"):
        numbers.declare(libsbml.parseL3Formula(f"{function}(glucose, level)"), units["glucose"])
        # A number beside a term takes the term's unit, whatever the context expects.
        beside = libsbml.parseL3Formula(f"rate * {function}(glucose, 0)")
        numbers.declare(beside, DIMENSIONLESS)
        assert numbers.registry.dimension(beside.getChild(1).getChild(1).getUnits()).same_as(units["glucose"])
        with pytest.raises(MyokineError, match=rf"arguments of {function}\(\) have different units"):
            numbers.declare(libsbml.parseL3Formula(f"{function}(glucose, rate)"), units["glucose"])


def test_numbers_get_the_unit_their_context_needs():
    model = sbml.build_document(load_scenario("marathon")).getModel()
    rule = model.getAssignmentRule("energy_expenditure_kcal_min")
    units = {node.getValue(): node.getUnits() for node in _numbers(rule.getMath())}
    # kcal per litre of oxygen: the energy equivalent of oxygen is a dimensioned constant.
    definition = model.getUnitDefinition(units[4.686])
    assert libsbml.UnitDefinition.printUnits(definition) == "joule (exponent = 1, multiplier = 4184, scale = 0), " \
                                                            "litre (exponent = -1, multiplier = 1, scale = 0)"


def test_every_timeseries_column_has_an_element_with_its_id():
    model = sbml.build_document(load_scenario("hiit_10x1min")).getModel()
    for column in ["time_min", *column_order(build_model())]:
        element = model.getElementBySId(column)
        assert element is not None, column
        assert element.getName() == column


def test_parameter_ids_map_dots_to_double_underscores_and_keep_the_name():
    built = build_model()
    model = sbml.build_document(load_scenario("marathon")).getModel()
    assert sbml.sbml_id("plasma_il6.clearance_per_min") == "plasma_il6__clearance_per_min"
    for parameter in built.parameters:
        element = model.getParameter(parameter.name.replace(".", "__"))
        assert element is not None and element.getName() == parameter.name
        assert element.getConstant()
    # The scenario's subject sets parameter values.
    assert model.getParameter("subject__body_mass_kg").getValue() == 72.0


def test_states_have_rate_rules_initial_assignments_and_descriptions():
    built = build_model()
    model = sbml.build_document(load_scenario("marathon")).getModel()
    for state in built.states:
        element = model.getParameter(state.name)
        assert not element.getConstant()
        assert model.getRateRule(state.name) is not None
        assert model.getInitialAssignmentBySymbol(state.name) is not None
        assert state.description in element.getNotesString()
        assert 'role="state"' in element.getAnnotationString()
    for name in built.variables:
        assert model.getAssignmentRule(name) is not None


def test_units_are_defined_for_every_unit_string():
    built = build_model()
    model = sbml.build_document(load_scenario("rest")).getModel()
    assert model.getTimeUnits() == "min"
    for text in set(built.units.values()):
        # A new unit symbol needs an entry in sbml._UNIT_ATOMS, or its elements export without units.
        sid = sbml.unit_id(text)
        assert sid is not None, f"unit {text!r} has a symbol missing from sbml._UNIT_ATOMS"
        assert sid == "dimensionless" or model.getUnitDefinition(sid) is not None, text
    assert model.getParameter("plasma_il6__clearance_per_min").getUnits() == "per_min"


@pytest.mark.parametrize(
    ("text", "factors"),
    [
        ("1/min", [("second", -1, 0, 60.0)]),
        ("pg/mL", [("gram", 1, -12, 1.0), ("litre", -1, -3, 1.0)]),
        ("mmol/kg dw", [("mole", 1, -3, 1.0), ("gram", -1, 3, 1.0)]),
        ("1/(ng/kg)/min", [("gram", -1, -9, 1.0), ("gram", 1, 3, 1.0), ("second", -1, 0, 60.0)]),
        ("pg/100g/min", [("gram", 1, -12, 1.0), ("gram", -1, 0, 100.0), ("second", -1, 0, 60.0)]),
        ("%VO2max", [("dimensionless", 1, 0, 0.01)]),
        ("kg/kg", []),
        ("fold", []),
    ],
)
def test_unit_strings_parse_into_sbml_factors(text, factors):
    parsed = [(f.kind, f.exponent, f.scale, f.multiplier) for f in sbml.parse_unit(text)]
    assert parsed == factors


def test_unknown_unit_symbol_is_rejected_and_left_undeclared():
    with pytest.raises(ValueError, match="furlong"):
        sbml.parse_unit("furlong/min")
    assert sbml.unit_id("furlong/min") is None


def test_events_carry_the_schedule():
    model = sbml.build_document(load_scenario("cycling_120min_glucose")).getModel()
    bolus_events = [
        model.getEvent(i) for i in range(model.getNumEvents())
        if model.getEvent(i).getEventAssignment("gut_carbohydrate_g") is not None
    ]
    assert len(bolus_events) == 8  # drinks at 0, 15, ..., 105 min
    assert all(not event.getTrigger().getInitialValue() for event in bolus_events)
    hiit = sbml.build_document(load_scenario("hiit_10x1min")).getModel()
    # The warm-up starts at 0 (the inputs' initial values); the intensity then changes at 5, 6, ..., 24 min.
    assert hiit.getParameter("intensity_pct_vo2max").getValue() == 50.0
    assert hiit.getNumEvents() == 20


def test_missing_libsbml_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "libsbml", None)
    with pytest.raises(MyokineError, match=r"myokine_sim\[sbml\]"):
        sbml.export_sbml(load_scenario("rest"))


# ------------------------------------------------------------- roadrunner


@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_roadrunner_matches_simulate(roadrunner, name):
    scenario = load_scenario(name).model_copy(deep=True)
    if scenario.t_end_min > ROADRUNNER_SPAN_MIN:
        scenario.simulation.t_end_min = max(ROADRUNNER_SPAN_MIN, scenario.last_event_min)
    result = simulate(scenario, settings=REFERENCE_SETTINGS)
    columns = result.column_names
    trajectories = roadrunner_run(roadrunner, sbml.export_sbml(scenario), result.time_min, columns)
    assert_columns_agree(result, trajectories, columns)


def test_roadrunner_matches_simulate_with_changed_parameters(roadrunner):
    changes = {"plasma_il6.clearance_per_min": 0.7, "il6_gene.mrna_decay_per_min": 0.01}
    scenario = load_scenario("marathon")
    result = simulate(scenario, parameters=changes, settings=REFERENCE_SETTINGS)
    columns = result.column_names
    trajectories = roadrunner_run(roadrunner, sbml.export_sbml(scenario, changes), result.time_min, columns)
    assert_columns_agree(result, trajectories, columns)


def test_output_at_an_event_time_is_post_event(roadrunner):
    trajectories = roadrunner_run(
        roadrunner,
        sbml.export_sbml(load_scenario("cycling_120min_glucose")),
        np.arange(0.0, 121.0),  # one sample a minute: CVODE's step budget is per output interval
        ["gut_carbohydrate_g", "intensity_pct_vo2max"],
    )
    assert trajectories[0, 0] == pytest.approx(16.0)  # the drink at 0 is in the first sample
    assert trajectories[15, 0] > 16.0  # the second drink is added at 15
    assert trajectories[120, 1] == 0.0  # the bout has ended at 120


def test_initial_state_follows_parameter_changes(roadrunner):
    runner = roadrunner.RoadRunner(sbml.export_sbml(load_scenario("rest")))
    runner["init(subject__muscle_glycogen_mmol_kg_dw)"] = 300.0
    runner["init(plasma_il6__baseline_pg_ml)"] = 2.0
    runner.resetAll()
    assert runner["muscle_glycogen_mmol_kg_dw"] == 300.0
    assert runner["plasma_il6_pg_ml"] == 2.0
    assert runner["il6_exposure_pg_ml"] == 2.0


# -------------------------------------------------------------------- CLI


def test_cli_writes_a_valid_sbml_file(tmp_path):
    target = tmp_path / "hiit.xml"
    outcome = CliRunner().invoke(app, ["export-sbml", "hiit_10x1min", "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    assert str(target) in outcome.output
    document = libsbml.readSBMLFromFile(str(target))
    assert document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert document.getModel().getNumEvents() == 20


def test_cli_applies_set_overrides(tmp_path):
    target = tmp_path / "model.xml"
    arguments = ["export-sbml", "marathon", "-o", str(target), "--set", "plasma_il6.clearance_per_min=0.5"]
    outcome = CliRunner().invoke(app, arguments)
    assert outcome.exit_code == 0, outcome.output
    model = libsbml.readSBMLFromFile(str(target)).getModel()
    assert model.getParameter("plasma_il6__clearance_per_min").getValue() == 0.5


def test_cli_unknown_scenario_exits_2_without_writing(tmp_path):
    target = tmp_path / "model.xml"
    outcome = CliRunner().invoke(app, ["export-sbml", "no_such_scenario", "-o", str(target)])
    assert outcome.exit_code == 2
    assert "unknown scenario" in outcome.output
    assert "Traceback" not in outcome.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["a directory", "under a file"])
def test_cli_unwritable_path_exits_2_and_leaves_nothing(tmp_path, where):
    blocker = tmp_path / "blocker"
    if where == "a directory":
        blocker.mkdir()
        target = blocker
    else:
        blocker.write_text("not a folder\n")
        target = blocker / "model.xml"
    outcome = CliRunner().invoke(app, ["export-sbml", "rest", "-o", str(target)])
    assert outcome.exit_code == 2
    assert "--out" in outcome.output and str(target) in outcome.output  # refused before any work
    assert "Traceback" not in outcome.output
    assert [p.name for p in tmp_path.iterdir()] == ["blocker"]
    if where == "a directory":
        assert list(blocker.iterdir()) == []
    else:
        assert blocker.read_text() == "not a folder\n"


def test_cli_missing_extra_exits_1_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "libsbml", None)
    outcome = CliRunner().invoke(app, ["export-sbml", "rest", "-o", str(tmp_path / "model.xml")])
    assert outcome.exit_code == 1
    assert "myokine_sim[sbml]" in outcome.output
    assert list(tmp_path.iterdir()) == []
