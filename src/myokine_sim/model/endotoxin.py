"""Intravenous endotoxin (LPS) and the monocyte activation it causes."""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("plasma_endotoxin_ng_kg", "ng/kg", "Circulating endotoxin per kg body mass", scale=0.01),
    Quantity("monocyte_activation_rel", "1", "Activation of circulating monocytes by endotoxin", scale=0.1),
)
OUTPUTS = (Quantity("monocyte_il6_release_ng_min", "ng/min", "IL-6 released by activated monocytes"),)

PARAMETERS = (
    param("endotoxin.clearance_per_min", 0.05, "1/min", (0.005, 0.5),
          "Plasma endotoxin clearance rate", "Model assumption: endotoxin is cleared within an hour"),
    param("endotoxin.activation_per_ng_kg_min", 1.0, "1/(ng/kg)/min", (0.01, 20.0),
          "Monocyte activation per unit endotoxin",
          "Normalised so that 0.06 ng/kg gives an activation of order 1 (Starkie 2003 FASEB J 17:884)"),
    param("endotoxin.deactivation_per_min", 0.03, "1/min", (0.005, 0.3),
          "Rate of return of monocytes to rest",
          "TNF-alpha peaks 1-2 h after an endotoxin bolus (Starkie 2003; Windoloski & Olufsen)"),
    param("endotoxin.monocyte_il6_ng_min", 20.0, "ng/min", (0.0, 500.0),
          "Monocyte IL-6 release per unit activation",
          "Endotoxin raises plasma IL-6 (Starkie 2003)"),
)


def equations(x) -> Equations:
    p = x.p
    endotoxin = x.state("plasma_endotoxin_ng_kg")
    activation = x.state("monocyte_activation_rel")
    return Equations(
        derivatives={
            "plasma_endotoxin_ng_kg": -p.clearance_per_min * endotoxin,
            "monocyte_activation_rel": p.activation_per_ng_kg_min * endotoxin
            - p.deactivation_per_min * activation,
        },
        rest={"plasma_endotoxin_ng_kg": 0.0, "monocyte_activation_rel": 0.0},
        variables={"monocyte_il6_release_ng_min": p.monocyte_il6_ng_min * activation},
    )


ENDOTOXIN = Compartment(
    name="endotoxin",
    title="Endotoxin and monocyte activation",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
