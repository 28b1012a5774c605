"""Parameter sweeps and virtual populations (docs/sweeps.md).

``sampling`` draws members, ``evaluate`` integrates and summarises a chunk of
them, ``evaluators`` run chunks in this process, in worker processes or on
Dask, ``store`` keeps finished chunks on disk for resuming, and ``run.sweep``
ties them together. (The package is ``sweeps``, not ``sweep``: importing a
submodule named ``sweep`` would shadow the ``myokine_sim.sweep`` function.)
"""

from myokine_sim.sweeps.run import sweep
from myokine_sim.sweeps.sampling.population import POPULATION_CV
from myokine_sim.sweeps.table import SweepTable

__all__ = ["POPULATION_CV", "SweepTable", "sweep"]
