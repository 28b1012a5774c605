"""Hepatic glucose output (endogenous glucose production, mg/kg/min)."""

from myokine_sim.expr import hill
from myokine_sim.model.core import Compartment, Equations, Quantity, param

OUTPUTS = (Quantity("hepatic_glucose_output_mg_kg_min", "mg/kg/min", "Endogenous (hepatic) glucose production"),)

PARAMETERS = (
    param("liver.glucose_output_rest_mg_kg_min", 2.0, "mg/kg/min", (1.2, 3.5),
          "Resting post-absorptive hepatic glucose output",
          "~2 mg/kg/min post-absorptive (Romijn 1993 Am J Physiol 265:E380)"),
    param("liver.exercise_gain", 1.2, "1", (0.2, 5.0),
          "Relative rise of glucose output at catecholamine drive 1 (moderate exercise)",
          "Glucose Ra roughly doubles at 65% VO2max (Romijn 1993)"),
    param("liver.il6_max", 0.6, "1", (0.0, 3.0),
          "Maximal relative rise of glucose output caused by IL-6",
          "Febbraio 2004 Diabetes 53:1643 (rhIL-6 raised glucose Ra in low-intensity exercise)"),
    param("liver.il6_half_pg_ml", 40.0, "pg/mL", (5.0, 500.0),
          "Tissue IL-6 exposure giving half the maximal effect on glucose output",
          "Febbraio 2004 (effect at IL-6 matched to moderate-intensity exercise)"),
    param("liver.carbohydrate_suppression", 0.5, "1", (0.0, 1.0),
          "Fractional suppression of glucose output at full glucose availability",
          "Ingested glucose suppresses hepatic output during exercise (Jeukendrup 1999 Am J Physiol 276:E672)"),
)


def equations(x) -> Equations:
    p = x.p
    exposure = x.state("il6_exposure_pg_ml")
    baseline_il6 = x.param("plasma_il6.baseline_pg_ml")
    il6_effect = p.il6_max * (hill(exposure, p.il6_half_pg_ml, 1.0) - hill(baseline_il6, p.il6_half_pg_ml, 1.0))
    output = (
        p.glucose_output_rest_mg_kg_min
        * (1.0 + p.exercise_gain * x.state("catecholamine_drive_rel") + il6_effect)
        * (1.0 - p.carbohydrate_suppression * x.var("glucose_availability_fraction"))
    )
    return Equations(derivatives={}, rest={}, variables={"hepatic_glucose_output_mg_kg_min": output})


LIVER = Compartment(
    name="liver",
    title="Hepatic glucose output",
    states=(),
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
