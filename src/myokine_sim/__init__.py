"""myokine_sim: exercise, muscle IL-6 and its effects, as ODE compartment models.

>>> import myokine_sim as ms
>>> result = ms.simulate(ms.load_scenario("marathon"))
>>> result["plasma_il6_pg_ml"].max()  # doctest: +SKIP

Submodules load lazily, so ``import myokine_sim`` is cheap.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load_scenario": "myokine_sim.scenario",
    "Scenario": "myokine_sim.scenario",
    "with_settings": "myokine_sim.scenario",
    "simulate": "myokine_sim.simulation",
    "resolve_parameters": "myokine_sim.simulation",
    "Result": "myokine_sim.results",
    "SolverSettings": "myokine_sim.solver",
    "integrate": "myokine_sim.solver",
    "build_model": "myokine_sim.model",
    "run_scenario": "myokine_sim.runner",
    "sweep": "myokine_sim.sweeps",
    "sensitivity": "myokine_sim.sensitivity",
    "SweepTable": "myokine_sim.sweeps",
    "teaching_figure": "myokine_sim.figures",
    "InputError": "myokine_sim.errors",
    "SimulationError": "myokine_sim.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(_EXPORTS[name])
        # A subpackage exported under its own name (``ms.sensitivity``) is the module itself.
        return module if module.__name__ == f"{__name__}.{name}" else getattr(module, name)
    raise AttributeError(f"module 'myokine_sim' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])
