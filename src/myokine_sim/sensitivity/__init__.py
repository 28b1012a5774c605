"""Sensitivity analysis: local coefficients, Morris screening and Sobol' indices (docs/sensitivity.md).

>>> import myokine_sim as ms
>>> ms.sensitivity.local("marathon", "peak.plasma_il6_pg_ml").ranked()[0]  # doctest: +SKIP

One method per module, as in SALib: ``local`` (finite differences, one batch),
``morris`` and ``sobol`` (SALib designs evaluated as sweeps; SALib is the
optional extra ``myokine_sim[sensitivity]``). ``problem`` builds SALib's
problem dictionary, ``metric`` names what is explained, ``plots`` draws the
results and ``command`` is ``myokine sensitivity``. (As in SALib, the
functions ``local``, ``morris`` and ``sobol`` take the place of their modules
as attributes of this package; ``importlib.import_module`` reaches a module.)
"""

from myokine_sim.sensitivity.local import local
from myokine_sim.sensitivity.morris import morris
from myokine_sim.sensitivity.problem import default_problem
from myokine_sim.sensitivity.result import SensitivityResult, write_outputs
from myokine_sim.sensitivity.sobol import sobol

__all__ = ["SensitivityResult", "default_problem", "local", "morris", "sobol", "write_outputs"]
