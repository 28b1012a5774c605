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

#: Dry mass of the exercised (leg) muscle per kg body mass: skeletal muscle 38% of body mass in men, 55% of it
#: in the lower body, 23% dry matter (Janssen 2000 J Appl Physiol 89:81).
STORING_MUSCLE_DW_KG_PER_KG = 0.38 * 0.55 * 0.23
MMOL_GLUCOSE_PER_G = 1000.0 / 180.16

#: Glycogen and intensity at which the use rate equals ``use_rate_mmol_kg_min`` (trained muscle).
REFERENCE_GLYCOGEN_MMOL_KG = 400.0
REFERENCE_INTENSITY_PCT = 65.0

PARAMETERS = (
    param("muscle_glycogen.use_rate_mmol_kg_min", 2.45, "mmol/kg dw/min", (0.5, 20.0),
          "Glycogen use of endurance-trained muscle at 65% VO2max and 400 mmol/kg dw",
          "Watt 2002 J Physiol 541:969 (trained: 468->217 in 120 min at 57%); Spencer 1992 Am J Physiol 262:C975 "
          "(725->353 in 37 min at 75%)"),
    param("muscle_glycogen.use_intensity_half_pct", 57.7, "%VO2max", (40.0, 150.0),
          "Intensity at which glycogenolysis is half its maximum (glycogenolysis rises steeply with intensity)",
          "Romijn 1993 Am J Physiol 265:E380 (no glycogen oxidation at 25%, most carbohydrate at 85% VO2max); "
          "van Loon 2001 J Physiol 536:295"),
    param("muscle_glycogen.use_intensity_hill", 6.0, "1", (1.5, 6.0),
          "Steepness of glycogenolysis with intensity",
          "Gollnick 1974 J Physiol 241:45 (little glycogen use at ~30% VO2max, rapid depletion above 60%)"),
    param("muscle_glycogen.use_glycogen_exponent", 1.65, "1", (0.3, 3.0),
          "Order of glycogen use in the glycogen level: use slows as glycogen falls",
          "Watt 2002 (use in the second 2 h a third of the first); Spencer 1992 (high vs low start)"),
    param("muscle_glycogen.untrained_use_gain", 1.65, "1", (0.0, 2.0),
          "Extra relative glycogen use of untrained muscle at the same relative intensity",
          "Hurley 1986 J Appl Physiol 60:562 (12 wk of training cut glycogen use by ~40% at the same workload); "
          "recreationally active subjects deplete faster than the trained men of Watt 2002"),
    param("muscle_glycogen.knee_extension_use_factor", 0.381, "1", (0.2, 1.0),
          "Glycogen use in knee extension relative to cycling or running at the same relative intensity",
          "Model assumption: small-muscle exercise raises adrenaline, a driver of glycogenolysis, less than "
          "whole-body exercise; inferred through the IL-6 glycogen sensor (Keller 2001; Steensberg 2000, 2001)"),
    param("muscle_glycogen.resynthesis_rate_per_min", 0.0012, "1/min", (1e-4, 1e-2),
          "Fractional resynthesis of the glycogen deficit without carbohydrate, right after contraction",
          "Maehlum 1978 Scand J Clin Lab Invest 38:557 (fasting: 21.6->28.8 mmol/kg ww in 4 h, then no rise)"),
    param("muscle_glycogen.contraction_uptake_decay_per_min", 0.0108, "1/min", (0.002, 0.05),
          "Decay rate of contraction-induced (insulin-independent) glucose uptake after exercise",
          "The insulin-independent phase of resynthesis lasts 30-60 min to a few hours (Ivy & Kuo 1998 Acta Physiol "
          "Scand 162:295; Maehlum 1978: no rise after 4 h of fasting)"),
    param("muscle_glycogen.storage_share_max", 0.899, "1", (0.1, 0.9),
          "Share of ingested glucose appearance stored in the exercised muscle of a trained subject, synthase fully "
          "active (the rest goes to liver, brain and oxidation)",
          "DeFronzo 1981 Diabetes 30:1000 (muscle takes ~80% of an insulin-stimulated glucose load); Wallis 2008 "
          "Med Sci Sports Exerc 40:1789 (44 mmol/kg dw/h with 90 g/h); Jentjens & Jeukendrup 2003 Sports Med 33:117 "
          "(resynthesis plateaus near 1.2 g/kg/h)"),
    param("muscle_glycogen.untrained_storage_relative", 0.409, "1", (0.2, 1.0),
          "Glucose storage of untrained muscle relative to trained muscle (less GLUT4 and synthase)",
          "Greiwe 1999 J Appl Physiol 87:222 (10.5 vs 4.5 mmol/kg ww/h trained vs untrained, same feeding)"),
    param("muscle_glycogen.rested_storage_relative", 0.277, "1", (0.05, 1.0),
          "Glucose storage share of muscle long after exercise, relative to right after it (the contraction-enhanced "
          "insulin action wanes)",
          "Richter 1989 Am J Physiol 256:E1 (insulin action on muscle glucose uptake raised for hours after exercise); "
          "Sherman 1993 Am J Clin Nutr 57:27 (5 g/kg/day lets glycogen fall over a week of training)"),
    param("muscle_glycogen.synthase_glycogen_exponent", 7.2, "1", (1.0, 8.0),
          "Steepness of glycogen synthase inhibition by glycogen: resynthesis stays fast until the store is nearly full",
          "Danforth 1965 J Biol Chem 240:588 (synthase activity inversely related to glycogen); Price 1994 Proc Natl "
          "Acad Sci 91:11325 (rapid resynthesis until ~35 mmol/kg ww, slow after); Jensen 2006 Am J Physiol 291:E1034"),
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
    # Both routes refill towards the subject's resting level and are damped while working; glycogen
    # inhibits its own synthase, so synthesis is near zero-order while depleted and stops at the resting store.
    synthase_activity = 1.0 - (maximum(glycogen, 0.0) / resting) ** p.synthase_glycogen_exponent
    # Mass balance: the muscle stores a share of the glucose that actually appears, spread over its dry mass.
    uptake = x.state("contraction_glucose_uptake_rel")
    storage_share = (
        p.storage_share_max
        * (training + (1.0 - training) * p.untrained_storage_relative)
        * (p.rested_storage_relative + (1.0 - p.rested_storage_relative) * uptake)
    )
    carbohydrate_driven = (
        supply * MMOL_GLUCOSE_PER_G * storage_share / (STORING_MUSCLE_DW_KG_PER_KG * x.param("subject.body_mass_kg"))
    )
    synthesis = (p.resynthesis_rate_per_min * resting * uptake + carbohydrate_driven) * synthase_activity / (
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
