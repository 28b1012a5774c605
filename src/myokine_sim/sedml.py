"""The simulation experiment of a scenario as SED-ML Level 1 Version 3 (python-libsedml).

The document says how to run the exported SBML model (``sbml.export_sbml``)
the way ``myokine run`` does: a uniform time course from 0 over the
scenario's span with its output step, solved by CVODE (KiSAO:0000019) at
stated tolerances, and one data generator per contract column of
timeseries.csv, gathered in a report whose labels are the column names.
Level 1 Version 3 is the version that Tellurium, COPASI and the
BioSimulators tools all read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myokine_sim.errors import MyokineError
from myokine_sim.extras import require
from myokine_sim.results import CONTRACT_COLUMNS
from myokine_sim.scenario import Scenario

SEDML_LEVEL = 1
SEDML_VERSION = 3
SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
SBML_NAMESPACE = "http://www.sbml.org/sbml/level3/version2/core"
TIME_SYMBOL = "urn:sedml:symbol:time"
#: KiSAO terms: CVODE, and its relative tolerance, absolute tolerance, step budget and first step.
KISAO_CVODE = "KISAO:0000019"
KISAO_RELATIVE_TOLERANCE = "KISAO:0000209"
KISAO_ABSOLUTE_TOLERANCE = "KISAO:0000211"
KISAO_MAXIMUM_STEPS = "KISAO:0000415"
KISAO_INITIAL_STEP = "KISAO:0000559"
#: Tolerances for the archive's solver: ten times tighter than myokine_sim's default rtol (1e-6), and an absolute
#: tolerance (libRoadRunner multiplies it by each state's value at the start) that keeps CVODE from chasing states
#: that decay towards 1e-300 after exercise (docs/sbml.md). Stalls seen earlier at other tolerances came from
#: max/min exported as piecewise, whose conditions libRoadRunner tracks as CVODE roots; with max()/min(), absolute
#: tolerances of 1e-9 and 1e-8, and a relative one of 1e-8, run the archives the tests execute as well (2026-12-05).
RELATIVE_TOLERANCE = 1e-7
ABSOLUTE_TOLERANCE = 3e-10
#: Sharp Hill switches during hard exercise need many small CVODE steps between two output samples.
MAXIMUM_STEPS = 1_000_000
#: First step (min). With the step CVODE picks for itself, libRoadRunner 2.10's BDF ran endotoxin_rest's archive
#: into its step budget a minute after the bolus once cortisol's removal followed CBG (2026-12-07); with this one
#: every archive the tests execute runs.
INITIAL_STEP_MIN = 1e-3

MODEL_ID = "model"
SIMULATION_ID = "time_course"
TASK_ID = "task"
REPORT_ID = "report"


@dataclass(frozen=True)
class TimeCourse:
    """The uniform output grid: ``steps`` intervals of ``step_min`` from 0 to ``end_min``."""

    end_min: float
    steps: int
    step_min: float

    @property
    def times(self) -> np.ndarray:
        return np.linspace(0.0, self.end_min, self.steps + 1)


def time_course(scenario: Scenario) -> TimeCourse:
    """The regular samples of ``myokine run`` (timeseries.csv without the off-grid breakpoints)."""
    step = scenario.simulation.output_step_min
    steps = int(np.floor(scenario.t_end_min / step + 1e-9))  # as solver.output_times
    return TimeCourse(end_min=steps * step, steps=steps, step_min=step)


def _libsedml():
    return require("libsedml", "SED-ML export")


def data_generator_id(column: str) -> str:
    return f"dg_{column}"


def build_sedml(scenario: Scenario, model_source: str = "model.xml"):
    """The ``libsedml.SedDocument`` that runs ``model_source`` (the SBML of ``scenario``) like ``myokine run``."""
    from myokine_sim.sbml import sbml_id

    libsedml = _libsedml()
    grid = time_course(scenario)
    document = libsedml.SedDocument(SEDML_LEVEL, SEDML_VERSION)
    # The data generators' XPath targets use the sbml: prefix.
    document.getNamespaces().add(SBML_NAMESPACE, "sbml")

    model = document.createModel()
    _check(model.setId(MODEL_ID), "model id")
    model.setName(scenario.description or scenario.name)
    _check(model.setLanguage(SBML_LANGUAGE), "model language")
    _check(model.setSource(model_source), "model source")

    simulation = document.createUniformTimeCourse()
    _check(simulation.setId(SIMULATION_ID), "simulation id")
    simulation.setName(f"{scenario.name}: 0 to {grid.end_min:g} min every {grid.step_min:g} min")
    simulation.setInitialTime(0.0)
    simulation.setOutputStartTime(0.0)
    simulation.setOutputEndTime(grid.end_min)
    _check(simulation.setNumberOfSteps(grid.steps), "number of steps")
    algorithm = simulation.createAlgorithm()
    _check(algorithm.setKisaoID(KISAO_CVODE), "algorithm")
    for kisao, value in ((KISAO_RELATIVE_TOLERANCE, RELATIVE_TOLERANCE),
                         (KISAO_ABSOLUTE_TOLERANCE, ABSOLUTE_TOLERANCE),
                         (KISAO_MAXIMUM_STEPS, MAXIMUM_STEPS),
                         (KISAO_INITIAL_STEP, INITIAL_STEP_MIN)):
        parameter = algorithm.createAlgorithmParameter()
        _check(parameter.setKisaoID(kisao), kisao)
        _check(parameter.setValue(repr(value)), kisao)

    task = document.createTask()
    _check(task.setId(TASK_ID), "task id")
    _check(task.setModelReference(MODEL_ID), "task model")
    _check(task.setSimulationReference(SIMULATION_ID), "task simulation")

    report = document.createReport()
    _check(report.setId(REPORT_ID), "report id")
    report.setName(f"timeseries of {scenario.name} (the contract columns of timeseries.csv)")
    for column in CONTRACT_COLUMNS:
        generator = document.createDataGenerator()
        _check(generator.setId(data_generator_id(column)), column)
        generator.setName(column)
        variable = generator.createVariable()
        _check(variable.setId(column), column)
        _check(variable.setTaskReference(TASK_ID), column)
        if column == "time_min":
            _check(variable.setSymbol(TIME_SYMBOL), column)
        else:
            target = f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{sbml_id(column)}']"
            _check(variable.setTarget(target), column)
        _check(generator.setMath(libsedml.parseL3Formula(column)), column)
        data_set = report.createDataSet()
        _check(data_set.setId(f"ds_{column}"), column)
        _check(data_set.setLabel(column), column)
        _check(data_set.setDataReference(data_generator_id(column)), column)
    return document


def sedml_text(scenario: Scenario, model_source: str = "model.xml") -> str:
    """SED-ML text of ``build_sedml``; raises if libsedml reports an error when reading it back."""
    libsedml = _libsedml()
    text = libsedml.writeSedMLToString(build_sedml(scenario, model_source))
    errors, _ = sedml_problems(text)
    if errors:
        raise MyokineError("the SED-ML document failed libsedml's validation:\n  " + "\n  ".join(errors))
    return text


def sedml_problems(text: str) -> tuple[list[str], list[str]]:
    """libsedml's validation of SED-ML ``text``: (errors, warnings) as messages.

    libsedml validates while reading (schema, required attributes, math);
    every element is also asked for its required attributes and children.
    """
    libsedml = _libsedml()
    document = libsedml.readSedMLFromString(text)
    errors, warnings = [], []
    log = document.getErrorLog()
    for index in range(log.getNumErrors()):
        problem = log.getError(index)
        message = f"{problem.getErrorId()}: {problem.getMessage().strip()}"
        (errors if problem.getSeverity() >= libsedml.LIBSEDML_SEV_ERROR else warnings).append(message)
    elements = document.getListOfAllElements()
    for element in (elements.get(index) for index in range(elements.getSize())):
        if not element.hasRequiredAttributes() or not element.hasRequiredElements():
            errors.append(f"{element.getElementName()} {element.getId()!r}: missing required attributes or children")
    return errors, warnings


def _check(status: int, what: str) -> None:
    """libsedml setters return a status code instead of raising."""
    if status != 0:
        raise MyokineError(f"libsedml rejected {what} (status {status})")
