"""Muscle glycogen (mmol/kg dry weight) of the biopsied thigh and of all the working muscle: use and resynthesis."""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.adipose import lipolytic_drive_target
from myokine_sim.model.core import MG_PER_G, MG_PER_MMOL, Compartment, Equations, Quantity, param
from myokine_sim.model.exercise import CRITICAL_INTENSITY_PCT, whole_leg_muscle_mass_kg

STATES = (
    Quantity("muscle_glycogen_mmol_kg_dw", "mmol/kg dw",
             "Glycogen in the thigh (vastus lateralis), where biopsies are taken", scale=10.0),
    Quantity("working_muscle_glycogen_mmol_kg_dw", "mmol/kg dw",
             "Glycogen averaged over all the muscle working in the bout (equal to the thigh store in cycling and knee "
             "extension)",
             scale=10.0),
    Quantity("contraction_glucose_uptake_rel", "1",
             "Insulin-independent glucose uptake left by recent contraction (0 at rest)", scale=0.01),
    Quantity("insulin_sensitivity_gain_rel", "1",
             "Raised insulin action on muscle glucose storage left by recent exercise (0 at rest, 1 right after)",
             scale=0.01),
)
OUTPUTS = (
    Quantity("glycogen_use_mmol_kg_min", "mmol/kg dw/min", "Glycogenolysis in the thigh"),
    Quantity("glycogen_synthesis_mmol_kg_min", "mmol/kg dw/min", "Glycogen resynthesis in the thigh"),
)

#: Dry matter of skeletal muscle (kg dw per kg wet): the wet:dry ratio of ~4.3 by which biopsy glycogen is converted.
MUSCLE_DRY_FRACTION = 0.23
#: Dry mass of the exercised (leg) muscle per kg body mass: skeletal muscle 38% of body mass in men, 55% of it
#: in the lower body (Janssen 2000).
STORING_MUSCLE_DW_KG_PER_KG = 0.38 * 0.55 * MUSCLE_DRY_FRACTION

#: ATP per O2 when glucose is oxidised (P/O ~2.5: ~32 ATP from 6 O2; Hinkle 2005 Biochim Biophys Acta 1706:1).
#: From glycogen it is ~5.5 (phosphorolysis saves one ATP), 4% more, well within the glycolytic share's range.
ATP_PER_O2_OXIDISED = 5.3
#: ATP per glucosyl unit of glycogen broken down to lactate.
ATP_PER_GLUCOSYL_TO_LACTATE = 3.0
#: mL of O2 per mmol (STPD).
ML_O2_PER_MMOL = 22.4
#: mmol of glucose per g (glycogen is counted in glucosyl units).
MMOL_GLUCOSE_PER_G = MG_PER_G / MG_PER_MMOL

#: Intensity at which contraction has half switched on glucose transport (the insulin-independent uptake).
CONTRACTION_HALF_PCT = 30.0

#: Onset rate of the exercise-raised insulin action (full within a 30-60 min bout; Richter 1989).
SENSITIVITY_ONSET_PER_MIN = 0.05

#: Glycogen and intensity at which the use rate equals ``use_rate_mmol_kg_min`` (trained muscle).
REFERENCE_GLYCOGEN_MMOL_KG = 400.0
REFERENCE_INTENSITY_PCT = 65.0

#: Glycogen at which phosphorylase runs at half its substrate-saturated rate. Model assumption, chosen far below
#: measured stores (Spencer 1992 emptied muscle to 7 mmol/kg dw at fatigue): it changes use by under 8% above
#: 100 mmol/kg dw, and makes the use law vanish at zero with a finite slope for any exponent, so an adaptive step
#: cannot overdraw the store.
PHOSPHORYLASE_HALF_GLYCOGEN_MMOL_KG = 10.0

#: Power of the store in the extra use from a loaded store (model assumption): with the fitted gain, under 7% of
#: use below 250 mmol/kg dw, about a fifth at the reference, most of it when loaded; so use from a low store stays fast.
SUPERCOMPENSATION_ORDER = 4.0

PARAMETERS = (
    param("muscle_glycogen.use_rate_mmol_kg_min", 1.585, "mmol/kg dw/min", (0.5, 20.0),
          "Glycogen use of endurance-trained thigh muscle in cycling at 65% VO2max and 400 mmol/kg dw",
          "Watt 2002 J Physiol 541:969 (trained: 468->217 in 120 min at 57%); Spencer 1992 Am J Physiol 262:C975 "
          "(725->353 in 37 min at 75%)"),
    param("muscle_glycogen.use_intensity_half_pct", 41.99, "%VO2max", (40.0, 150.0),
          "Intensity at which glycogenolysis is half its maximum (glycogenolysis rises steeply with intensity)",
          "Romijn 1993 Am J Physiol 265:E380 (no glycogen oxidation at 25%, most carbohydrate at 85% VO2max); "
          "van Loon 2001 J Physiol 536:295"),
    param("muscle_glycogen.use_intensity_hill", 4.0, "1", (1.5, 6.0),
          "Steepness of glycogenolysis with intensity",
          "Gollnick 1974 J Physiol 241:45 (little glycogen use at ~30% VO2max, rapid depletion above 60%); Romijn "
          "1993 Am J Physiol 265:E380 (muscle glycogen oxidation negligible at 25% VO2max). Not fitted since "
          "2026-12-07: the fitted rows do not identify it (standard error 4.7 on the log scale), and refits moved "
          "it from 3.6 to 2.9, where 2 h at 25% VO2max used a fifth of the store. Held at 4: that bout then uses "
          "12%, little, as those sources found"),
    param("muscle_glycogen.use_glycogen_exponent", 0.3001, "1", (0.3, 3.0),
          "Order of glycogen use in the glycogen level: use slows as glycogen falls",
          "Watt 2002 (use in the second 2 h a third of the first); Spencer 1992 (high vs low start; the loaded "
          "store's extra use is supercompensated_use_gain, so use from a low store stays fast)"),
    param("muscle_glycogen.supercompensated_use_gain", 0.2032, "1", (0.0, 5.0),
          "Weight of glycogen use that rises with the fourth power of the store (relative to the reference): "
          "little from a low store, dominant from a loaded one (phosphorylase meets more substrate than "
          "glycolysis takes)",
          "Spencer 1992 Am J Physiol 262:C975 (from 725 mmol/kg dw, hexose monophosphates rose fivefold and lactate "
          "to 61 against 16 mmol/kg dw from 182, at the same load)"),
    param("muscle_glycogen.onset_use_gain", 2.98, "1", (0.0, 3.0),
          "Extra relative glycogenolysis per unit of lag of the lipolytic drive behind the drive the work rate "
          "holds: until adipose lipolysis delivers fatty acids, glycogen covers what fat later takes",
          "Model assumption, timed by the lipolytic drive (adipose.lipolytic_rate_per_min): glycogen use is fastest "
          "early in a bout while fatty acid supply from adipose tissue still rises (Hodgetts 1991 J Appl Physiol "
          "71:445: adipose FFA output rose throughout 60 min of exercise, its supply limiting fat oxidation; Watt "
          "2002 J Physiol 541:969: plasma FFA above rest only from 90 min, glycogen use 2.1 then 0.6 mmol/kg "
          "dw/min over the first and second 2 h). Tsintzas 2003 Int J Sports Med 24:452 (39-46 mmol/kg dw used in "
          "a 15-min run) prompted it"),
    param("muscle_glycogen.running_use_factor", 0.7562, "1", (0.3, 1.5),
          "Glycogen use of the thigh muscle in running relative to cycling at the same relative intensity",
          "Model inference from Tsintzas 1995 J Physiol 489:243 (151 mmol/kg dw used in 60 min of running at 70% "
          "VO2max; no cycling arm) against the cycling studies; vastus lateralis EMG rises with load in cycling "
          "but not in running (Bijker 2002 Eur J Appl Physiol, doi:10.1007/s00421-002-0663-8)"),
    param("muscle_glycogen.untrained_use_gain", 0.8939, "1", (0.0, 2.0),
          "Extra relative glycogen use of untrained muscle at the same relative intensity",
          "Hurley 1986 J Appl Physiol 60:562 (12 wk of training cut glycogen use by ~40% at the same workload); "
          "recreationally active subjects deplete faster than the trained men of Watt 2002"),
    param("muscle_glycogen.knee_extension_use_factor", 0.5921, "1", (0.2, 1.0),
          "Glycogen use in knee extension relative to cycling at the same relative intensity",
          "Model assumption: small-muscle exercise raises adrenaline, a driver of glycogenolysis, less than "
          "whole-body exercise; inferred through the IL-6 glycogen sensor (Keller 2001; Steensberg 2000, 2001)"),
    param("muscle_glycogen.glycolytic_share", 0.6, "1", (0.3, 0.9),
          "Share of the energy of work above the critical intensity (the rate at which the critical-power model "
          "depletes W') that glycolysis to lactate supplies from the working muscle's glycogen (the rest: "
          "phosphocreatine and stored O2). Between CP and VO2max the model's oxygen uptake also covers that work, "
          "so there it adds glycolysis the saturating oxidative law misses rather than balancing energy",
          "Beneke 2002 Eur J Appl Physiol 87:388 (anaerobic energy of a 30-s Wingate test mostly glycolytic); Gastin "
          "2001 Sports Med 31:725 (review of the energy systems in maximal exercise). Set from these, not fitted: "
          "Thomson 1979 (B192, ten 1-min supramaximal bouts) checks it"),
    param("muscle_glycogen.resynthesis_rate_per_min", 0.0006797, "1/min", (1e-4, 1e-2),
          "Fractional resynthesis of the glycogen deficit without carbohydrate, right after contraction",
          "Maehlum 1978 Scand J Clin Lab Invest 38:557 (fasting: 21.6->28.8 mmol/kg ww in 4 h, then no rise)"),
    param("muscle_glycogen.contraction_uptake_decay_per_min", 0.01682, "1/min", (0.002, 0.05),
          "Decay rate of contraction-induced (insulin-independent) glucose uptake after exercise",
          "The insulin-independent phase of resynthesis lasts 30-60 min to a few hours (Ivy & Kuo 1998 Acta Physiol "
          "Scand 162:295; Maehlum 1978: no rise after 4 h of fasting)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("muscle_glycogen.storage_share_max", 0.9648, "1", (0.1, 1.0),
          "Share of the insulin-mediated glucose disposal above rest (from any rise of plasma glucose: meals, "
          "drinks, the rise after intense exercise) that the exercised (leg) muscle of a trained subject stores as "
          "glycogen, synthase fully active (the rest goes to other muscle, fat and oxidation)",
          "DeFronzo 1981 Diabetes 30:1000 (all skeletal muscle takes ~80% of an insulin-stimulated glucose load, "
          "oxidation included; the legs hold about half the muscle); Richter 1989 Am J Physiol 256:E1 "
          "(insulin-stimulated glucose uptake of exercised muscle well above that of rested muscle, so the "
          "exercised legs take more than their mass share); Wallis 2008 Med Sci Sports Exerc 40:1789 "
          "(44 mmol/kg dw/h with 90 g/h)"),
    param("muscle_glycogen.untrained_storage_relative", 0.4145, "1", (0.2, 1.0),
          "Glucose storage of untrained muscle relative to trained muscle (less GLUT4 and synthase)",
          "Greiwe 1999 J Appl Physiol 87:222 (10.5 vs 4.5 mmol/kg ww/h trained vs untrained, same feeding)"),
    param("muscle_glycogen.insulin_sensitivity_decay_per_min", 0.002848, "1/min", (3e-4, 0.02),
          "Decay rate of the exercise-raised insulin action on muscle glucose storage",
          "Richter 1989 Am J Physiol 256:E1 and Cartee 1989 Am J Physiol 256:E494 (insulin-stimulated glucose "
          "transport stays raised for hours after exercise, up to 1-2 days)"),
    param("muscle_glycogen.rested_storage_relative", 0.05001, "1", (0.05, 1.0),
          "Glucose storage share of muscle long after exercise, relative to right after it (the contraction-enhanced "
          "insulin action wanes)",
          "Richter 1989 Am J Physiol 256:E1 (insulin action on muscle glucose uptake raised after exercise)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value, at its bound (see the held parameters in docs/validation.md)"),
    param("muscle_glycogen.synthase_glycogen_exponent", 8.0, "1", (1.0, 8.0),
          "Steepness of glycogen synthase inhibition by glycogen: resynthesis stays fast until the store is nearly "
          "full",
          "Danforth 1965 J Biol Chem 240:588 (synthase activity inversely related to glycogen); Jensen 2006 Am J "
          "Physiol 291:E1034 (glycogen content regulates synthase activation)"),
    param("muscle_glycogen.resynthesis_exercise_half_pct", 10.0, "%VO2max", (2.0, 40.0),
          "Exercise intensity that halves resynthesis (contraction favours breakdown)",
          "No measurable glycogen sparing by carbohydrate during exercise (Febbraio 2003 J Physiol 549:607)"),
)


def equations(x) -> Equations:
    p = x.p
    vo2 = maximum(x.state("exercise_vo2_pct_vo2max"), 0.0)
    resting = x.param("subject.muscle_glycogen_mmol_kg_dw")
    training = x.param("subject.training_level")

    intensity_factor = hill(x.var("muscle_intensity_pct"), p.use_intensity_half_pct, p.use_intensity_hill) / hill(
        REFERENCE_INTENSITY_PCT, p.use_intensity_half_pct, p.use_intensity_hill
    )
    whole_leg = x.input("whole_leg_exercise")
    # Until lipolysis catches up with the work rate, glycogen covers what fat will later take; zero at rest and
    # once the bout ends (the drive is then above its target).
    lipolysis_lag = maximum(lipolytic_drive_target(x) - x.state("lipolytic_drive_rel"), 0.0)
    oxidative_use_rate = (
        p.use_rate_mmol_kg_min
        * (1.0 + p.onset_use_gain * lipolysis_lag)
        * intensity_factor
        * (1.0 + p.untrained_use_gain * (1.0 - training))
        * (whole_leg + (1.0 - whole_leg) * p.knee_extension_use_factor)
    )
    # Work above CP (cycling, running) is partly glycolysis to lactate, ~a tenth of oxidation's ATP per glucosyl unit;
    # spread over the active leg muscle, not the larger store that takes up meals (see glycolytic_share for CP-VO2max).
    above_critical_ml_o2_min = (
        maximum(x.input("intensity_pct_vo2max") - CRITICAL_INTENSITY_PCT, 0.0) * whole_leg / 100.0
        * (x.param("subject.vo2max_ml_kg_min") - x.param("exercise.resting_vo2_ml_kg_min"))
        * x.param("subject.body_mass_kg")
    )
    anaerobic_use_rate = (
        p.glycolytic_share * above_critical_ml_o2_min / ML_O2_PER_MMOL * ATP_PER_O2_OXIDISED
        / ATP_PER_GLUCOSYL_TO_LACTATE / (whole_leg_muscle_mass_kg(x) * MUSCLE_DRY_FRACTION)
    )
    # The thigh works less in running than in cycling. Model assumption: the calf and hip muscles that take over
    # keep the working muscle's mean use at cycling's (running empties gastrocnemius more than vastus lateralis;
    # Impey 2020 Med Sci Sports Exerc 52:1966).
    thigh_use_factor = 1.0 + (p.running_use_factor - 1.0) * x.input("running")

    # Recent contraction leaves both routes of resynthesis raised: insulin-independent uptake and insulin action.
    uptake = x.state("contraction_glucose_uptake_rel")
    sensitivity = x.state("insulin_sensitivity_gain_rel")
    # The share of glucose the legs store: trained muscle stores more; exercise raises it for hours.
    storage_share = (
        p.storage_share_max
        * (training + (1.0 - training) * p.untrained_storage_relative)
        * (p.rested_storage_relative + (1.0 - p.rested_storage_relative) * sensitivity)
    )
    # Mass balance: the legs store a share of what insulin drives into tissues above the resting disposal. Glucose
    # absorbed slowly first displaces hepatic output and barely raises insulin, so a small intake stores little.
    carbohydrate_driven = (
        x.var("insulin_disposal_rise_mg_kg_min") / MG_PER_G * MMOL_GLUCOSE_PER_G * storage_share
        / STORING_MUSCLE_DW_KG_PER_KG
    )
    refill_drive = (p.resynthesis_rate_per_min * resting * uptake + carbohydrate_driven) / (
        1.0 + (vo2 / p.resynthesis_exercise_half_pct) ** 2
    )

    def store_balance(glycogen, oxidative_rate, anaerobic_rate):
        """Use and synthesis of one store: the same laws, read at that store's own glycogen."""
        store = maximum(glycogen, 0.0)
        substrate = (store / (store + PHOSPHORYLASE_HALF_GLYCOGEN_MMOL_KG)) / (
            REFERENCE_GLYCOGEN_MMOL_KG / (REFERENCE_GLYCOGEN_MMOL_KG + PHOSPHORYLASE_HALF_GLYCOGEN_MMOL_KG)
        )
        relative = store / REFERENCE_GLYCOGEN_MMOL_KG
        # Fuel selection shifts oxidation away from a falling store; anaerobic work has no other fuel, so only
        # phosphorylase's substrate limits it.
        use = (
            oxidative_rate
            * relative ** p.use_glycogen_exponent
            * (1.0 + p.supercompensated_use_gain * relative ** SUPERCOMPENSATION_ORDER)
            / (1.0 + p.supercompensated_use_gain)
            + anaerobic_rate
        ) * substrate
        # Both routes refill towards the subject's resting level and are damped while working; glycogen inhibits
        # its own synthase, so synthesis is near zero-order while depleted and stops at the resting store.
        # Clipped at zero: a store above rest makes no glycogen, and ingested glucose never drains it.
        synthesis = refill_drive * maximum(1.0 - (store / resting) ** p.synthase_glycogen_exponent, 0.0)
        return use, synthesis

    contraction = hill(vo2, CONTRACTION_HALF_PCT, 2.0)
    use, synthesis = store_balance(x.state("muscle_glycogen_mmol_kg_dw"), oxidative_use_rate * thigh_use_factor,
                                   anaerobic_use_rate * thigh_use_factor)
    working_use, working_synthesis = store_balance(x.state("working_muscle_glycogen_mmol_kg_dw"), oxidative_use_rate,
                                                   anaerobic_use_rate)
    return Equations(
        derivatives={
            "muscle_glycogen_mmol_kg_dw": synthesis - use,
            "working_muscle_glycogen_mmol_kg_dw": working_synthesis - working_use,
            # Contraction switches the uptake on (within minutes); it wanes over hours after exercise.
            "contraction_glucose_uptake_rel": p.contraction_uptake_decay_per_min * (contraction - uptake),
            # Switched on within a bout (as the uptake is), it outlasts the uptake by hours.
            "insulin_sensitivity_gain_rel": SENSITIVITY_ONSET_PER_MIN * contraction * (1.0 - sensitivity)
            - p.insulin_sensitivity_decay_per_min * sensitivity,
        },
        rest={"muscle_glycogen_mmol_kg_dw": resting, "working_muscle_glycogen_mmol_kg_dw": resting,
              "contraction_glucose_uptake_rel": 0.0, "insulin_sensitivity_gain_rel": 0.0},
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
