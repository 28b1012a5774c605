"""The compartment model: one module per compartment, assembled in ``assembly``."""

from __future__ import annotations

from functools import lru_cache

from myokine_sim.model.adipose import ADIPOSE
from myokine_sim.model.assembly import CompiledModel, Model
from myokine_sim.model.carbohydrate import CARBOHYDRATE
from myokine_sim.model.core import Compartment, Parameter, Quantity
from myokine_sim.model.cortisol import CORTISOL
from myokine_sim.model.endotoxin import ENDOTOXIN
from myokine_sim.model.exercise import EXERCISE
from myokine_sim.model.glycogen import MUSCLE_GLYCOGEN
from myokine_sim.model.il1ra import IL1RA
from myokine_sim.model.il6_gene import IL6_GENE
from myokine_sim.model.il6_release import MUSCLE_IL6
from myokine_sim.model.il10 import IL10
from myokine_sim.model.liver import LIVER
from myokine_sim.model.plasma_glucose import PLASMA_GLUCOSE
from myokine_sim.model.plasma_il6 import PLASMA_IL6
from myokine_sim.model.subject import SUBJECT
from myokine_sim.model.tendon_il6 import TENDON_IL6
from myokine_sim.model.tnf_alpha import TNF_ALPHA

#: The compartments in the order their states are laid out.
COMPARTMENTS: tuple[Compartment, ...] = (
    SUBJECT,
    EXERCISE,
    MUSCLE_GLYCOGEN,
    CARBOHYDRATE,
    IL6_GENE,
    MUSCLE_IL6,
    TENDON_IL6,
    PLASMA_IL6,
    ADIPOSE,
    IL1RA,
    IL10,
    ENDOTOXIN,
    CORTISOL,
    TNF_ALPHA,
    LIVER,
    PLASMA_GLUCOSE,
)


@lru_cache(maxsize=1)
def build_model() -> Model:
    """The assembled model (built once per process)."""
    return Model(COMPARTMENTS)


__all__ = ["COMPARTMENTS", "Compartment", "CompiledModel", "Model", "Parameter", "Quantity", "build_model"]
