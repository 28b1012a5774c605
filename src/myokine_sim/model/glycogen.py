"""Muscle glycogen of the working muscle (mmol/kg dry weight)."""

from myokine_sim.expr import exp, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (Quantity("muscle_glycogen_mmol_kg_dw", "mmol/kg dw", "Glycogen in the working muscle", scale=10.0),)
OUTPUTS = (Quantity("glycogen_use_mmol_kg_min", "mmol/kg dw/min", "Net glycogenolysis in the working muscle"),)

#: Glycogen and intensity at which the use rate equals ``use_rate_mmol_kg_min``.
REFERENCE_GLYCOGEN_MMOL_KG = 400.0
REFERENCE_INTENSITY_PCT = 65.0

PARAMETERS = (
    param("muscle_glycogen.use_rate_mmol_kg_min", 4.6, "mmol/kg dw/min", (0.5, 20.0),
          "Glycogen use at 65% VO2max and 400 mmol/kg dw",
          "Watt 2002 J Physiol 541:969 (468->217 in 120 min at 57%); Spencer 1992 (725->353 in 37 min at 75%)"),
    param("muscle_glycogen.use_intensity_scale_pct", 800.0, "%VO2max", (8.0, 1000.0),
          "Intensity scale of the exponential rise of glycogen use with intensity (large: about proportional)",
          "Glycogenolysis rises steeply with intensity (Spencer 1992 vs Watt 2002; Romijn 1993 Am J Physiol 265:E380)"),
    param("muscle_glycogen.use_glycogen_exponent", 2.5, "1", (0.3, 3.0),
          "Order of glycogen use in the glycogen level: use slows as glycogen falls",
          "Watt 2002 (use in the second 2 h a third of the first); Spencer 1992 (high vs low start)"),
    param("muscle_glycogen.knee_extension_use_factor", 0.9, "1", (0.2, 1.0),
          "Glycogen use in knee extension relative to cycling or running at the same relative intensity",
          "Model assumption: small-muscle exercise raises adrenaline, a driver of glycogenolysis, far less than "
          "whole-body exercise; no knee-extension glycogen data among the targets, so this is inferred through "
          "the IL-6 glycogen sensor (Keller 2001; Steensberg 2000, 2001)"),
    param("muscle_glycogen.resynthesis_rate_per_min", 1.5e-4, "1/min", (2e-5, 2e-3),
          "Fractional resynthesis of the glycogen deficit at rest without carbohydrate",
          "Resynthesis takes a day and needs carbohydrate (Ivy 1988 J Appl Physiol 64:1480)"),
    param("muscle_glycogen.resynthesis_carbohydrate_gain", 5.0, "1", (0.0, 20.0),
          "Relative rise of resynthesis at full glucose availability",
          "Carbohydrate after exercise raises resynthesis several-fold (Ivy 1988)"),
    param("muscle_glycogen.resynthesis_exercise_half_pct", 10.0, "%VO2max", (2.0, 40.0),
          "Exercise intensity that halves resynthesis (contraction favours breakdown)",
          "No measurable glycogen sparing by carbohydrate during exercise (Febbraio 2003 J Physiol 549:607)"),
)


def equations(x) -> Equations:
    p = x.p
    glycogen = x.state("muscle_glycogen_mmol_kg_dw")
    vo2 = x.state("exercise_vo2_pct_vo2max")
    resting = x.param("subject.muscle_glycogen_mmol_kg_dw")
    availability = x.var("glucose_availability_fraction")

    intensity_factor = (exp(vo2 / p.use_intensity_scale_pct) - 1.0) / (
        exp(REFERENCE_INTENSITY_PCT / p.use_intensity_scale_pct) - 1.0
    )
    whole_leg = x.input("whole_leg_exercise")
    use = (
        p.use_rate_mmol_kg_min
        * intensity_factor
        * (whole_leg + (1.0 - whole_leg) * p.knee_extension_use_factor)
        * (maximum(glycogen, 0.0) / REFERENCE_GLYCOGEN_MMOL_KG) ** p.use_glycogen_exponent
    )
    # Resynthesis relaxes towards the subject's resting level, damped while working.
    resynthesis = (
        p.resynthesis_rate_per_min
        * (resting - glycogen)
        * (1.0 + p.resynthesis_carbohydrate_gain * availability)
        / (1.0 + (vo2 / p.resynthesis_exercise_half_pct) ** 2)
    )
    return Equations(
        derivatives={"muscle_glycogen_mmol_kg_dw": resynthesis - use},
        rest={"muscle_glycogen_mmol_kg_dw": resting},
        variables={"glycogen_use_mmol_kg_min": use},
    )


MUSCLE_GLYCOGEN = Compartment(
    name="muscle_glycogen",
    title="Muscle glycogen",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
