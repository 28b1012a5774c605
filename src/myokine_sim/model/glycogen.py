"""Muscle glycogen of the working muscle (mmol/kg dry weight): use in exercise, resynthesis after it."""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("muscle_glycogen_mmol_kg_dw", "mmol/kg dw", "Glycogen in the working muscle", scale=10.0),
    Quantity("contraction_glucose_uptake_rel", "1",
             "Insulin-independent glucose uptake left by recent contraction (0 at rest)", scale=0.01),
)
OUTPUTS = (
    Quantity("glycogen_use_mmol_kg_min", "mmol/kg dw/min", "Glycogenolysis in the working muscle"),
    Quantity("glycogen_synthesis_mmol_kg_min", "mmol/kg dw/min", "Glycogen resynthesis in the working muscle"),
)

#: Glycogen and intensity at which the use rate equals ``use_rate_mmol_kg_min`` (trained muscle).
REFERENCE_GLYCOGEN_MMOL_KG = 400.0
REFERENCE_INTENSITY_PCT = 65.0

PARAMETERS = (
    param("muscle_glycogen.use_rate_mmol_kg_min", 2.51, "mmol/kg dw/min", (0.5, 20.0),
          "Glycogen use of endurance-trained muscle at 65% VO2max and 400 mmol/kg dw",
          "Watt 2002 J Physiol 541:969 (trained: 468->217 in 120 min at 57%); Spencer 1992 Am J Physiol 262:C975 "
          "(725->353 in 37 min at 75%)"),
    param("muscle_glycogen.use_intensity_half_pct", 72.7, "%VO2max", (40.0, 150.0),
          "Intensity at which glycogenolysis is half its maximum (glycogenolysis rises steeply with intensity)",
          "Romijn 1993 Am J Physiol 265:E380 (no glycogen oxidation at 25%, most carbohydrate at 85% VO2max); "
          "van Loon 2001 J Physiol 536:295"),
    param("muscle_glycogen.use_intensity_hill", 3.0, "1", (1.5, 6.0),
          "Steepness of glycogenolysis with intensity",
          "Gollnick 1974 J Physiol 241:45 (little glycogen use at ~30% VO2max, rapid depletion above 60%)"),
    param("muscle_glycogen.use_glycogen_exponent", 1.64, "1", (0.3, 3.0),
          "Order of glycogen use in the glycogen level: use slows as glycogen falls",
          "Watt 2002 (use in the second 2 h a third of the first); Spencer 1992 (high vs low start)"),
    param("muscle_glycogen.untrained_use_gain", 1.42, "1", (0.0, 2.0),
          "Extra relative glycogen use of untrained muscle at the same relative intensity",
          "Hurley 1986 J Appl Physiol 60:562 (12 wk of training cut glycogen use by ~40% at the same workload); "
          "recreationally active subjects deplete faster than the trained men of Watt 2002"),
    param("muscle_glycogen.knee_extension_use_factor", 0.312, "1", (0.2, 1.0),
          "Glycogen use in knee extension relative to cycling or running at the same relative intensity",
          "Model assumption: small-muscle exercise raises adrenaline, a driver of glycogenolysis, less than "
          "whole-body exercise; inferred through the IL-6 glycogen sensor (Keller 2001; Steensberg 2000, 2001)"),
    param("muscle_glycogen.resynthesis_rate_per_min", 0.0014, "1/min", (1e-4, 1e-2),
          "Fractional resynthesis of the glycogen deficit without carbohydrate, right after contraction",
          "Maehlum 1978 Scand J Clin Lab Invest 38:557 (fasting: 21.6->28.8 mmol/kg ww in 4 h, then no rise)"),
    param("muscle_glycogen.contraction_uptake_decay_per_min", 0.0269, "1/min", (0.002, 0.05),
          "Decay rate of contraction-induced (insulin-independent) glucose uptake after exercise",
          "The insulin-independent phase of resynthesis lasts 30-60 min to a few hours (Ivy & Kuo 1998 Acta Physiol "
          "Scand 162:295; Maehlum 1978: no rise after 4 h of fasting)"),
    param("muscle_glycogen.resynthesis_carbohydrate_max", 1.35, "mmol/kg dw/min", (0.1, 3.0),
          "Carbohydrate-driven resynthesis at saturating glucose supply and an empty muscle",
          "Ivy 1988 J Appl Physiol 64:1480; Wallis 2008 Med Sci Sports Exerc 40:1789 (44 mmol/kg dw/h with 90 g/h); "
          "Flynn 2020 Eur J Appl Physiol 120:1131 (~8 mmol/kg ww/h with 1.6 g/kg at 0 and 2 h)"),
    param("muscle_glycogen.resynthesis_supply_half_g_min", 1.91, "g/min", (0.02, 2.0),
          "Glucose appearance giving half the carbohydrate-driven resynthesis (insulin response saturates)",
          "Costill 1981 Am J Clin Nutr 34:1831 (24 h resynthesis rises with intake up to ~500-650 g/day)"),
    param("muscle_glycogen.trained_resynthesis_gain", 2.0, "1", (0.0, 2.0),
          "Extra relative carbohydrate-driven resynthesis in endurance-trained muscle (GLUT4)",
          "Greiwe 1999 J Appl Physiol 87:222 (10.5 vs 4.5 mmol/kg ww/h trained vs untrained, same subjects)"),
    param("muscle_glycogen.resynthesis_exercise_half_pct", 10.0, "%VO2max", (2.0, 40.0),
          "Exercise intensity that halves resynthesis (contraction favours breakdown)",
          "No measurable glycogen sparing by carbohydrate during exercise (Febbraio 2003 J Physiol 549:607)"),
)


def equations(x) -> Equations:
    p = x.p
    glycogen = x.state("muscle_glycogen_mmol_kg_dw")
    vo2 = maximum(x.state("exercise_vo2_pct_vo2max"), 0.0)
    resting = x.param("subject.muscle_glycogen_mmol_kg_dw")
    training = x.param("subject.training_level")
    supply = x.var("exogenous_glucose_ra_g_min")

    intensity_factor = hill(x.var("muscle_intensity_pct"), p.use_intensity_half_pct, p.use_intensity_hill) / hill(
        REFERENCE_INTENSITY_PCT, p.use_intensity_half_pct, p.use_intensity_hill
    )
    whole_leg = x.input("whole_leg_exercise")
    use = (
        p.use_rate_mmol_kg_min
        * intensity_factor
        * (1.0 + p.untrained_use_gain * (1.0 - training))
        * (whole_leg + (1.0 - whole_leg) * p.knee_extension_use_factor)
        * (maximum(glycogen, 0.0) / REFERENCE_GLYCOGEN_MMOL_KG) ** p.use_glycogen_exponent
    )
    # Both routes refill towards the subject's resting level and are damped while working.
    deficit = (resting - glycogen) / resting
    carbohydrate_driven = (
        p.resynthesis_carbohydrate_max
        * (1.0 + p.trained_resynthesis_gain * training)
        * supply / (supply + p.resynthesis_supply_half_g_min)
    )
    uptake = x.state("contraction_glucose_uptake_rel")
    synthesis = (p.resynthesis_rate_per_min * resting * uptake + carbohydrate_driven) * deficit / (
        1.0 + (vo2 / p.resynthesis_exercise_half_pct) ** 2
    )
    return Equations(
        derivatives={
            "muscle_glycogen_mmol_kg_dw": synthesis - use,
            # Contraction switches the uptake on (within minutes); it wanes over hours after exercise.
            "contraction_glucose_uptake_rel": p.contraction_uptake_decay_per_min * (hill(vo2, 30.0, 2.0) - uptake),
        },
        rest={"muscle_glycogen_mmol_kg_dw": resting, "contraction_glucose_uptake_rel": 0.0},
        variables={"glycogen_use_mmol_kg_min": use, "glycogen_synthesis_mmol_kg_min": synthesis},
    )


MUSCLE_GLYCOGEN = Compartment(
    name="muscle_glycogen",
    title="Muscle glycogen",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
