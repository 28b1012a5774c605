"""Adipose tissue: lipolysis, plasma FFA, whole-body fat oxidation and adipose IL-6.

Exercise drives lipolysis through catecholamines; IL-6 adds a modest effect
(a saturating function of tissue IL-6 exposure above rest). One glycerol is
released per three fatty acids, part of which are re-esterified in the cell.
"""

from myokine_sim.expr import hill, maximum, minimum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("plasma_ffa_mmol_l", "mmol/L", "Plasma free fatty acids", scale=0.1),
    Quantity("adipose_il6_signal_rel", "1", "First stage of the delayed adipose IL-6 response to exercise", scale=0.1),
    Quantity("adipose_il6_activation_rel", "1", "Second stage of the delayed adipose IL-6 response to exercise", scale=0.1),
)
OUTPUTS = (
    Quantity("glycerol_ra_umol_kg_min", "umol/kg/min", "Glycerol rate of appearance (whole-body lipolysis)"),
    Quantity("ffa_ra_umol_kg_min", "umol/kg/min", "FFA rate of appearance in plasma"),
    Quantity("fat_oxidation_g_min", "g/min", "Whole-body fat oxidation"),
    Quantity("adipose_il6_output_fold", "fold", "Whole-body adipose IL-6 output over rest"),
    Quantity("adipose_il6_output_pg_100g_min", "pg/100g/min",
             "IL-6 output per 100 g of abdominal subcutaneous adipose tissue (the depot Lyngso 2002 measured)"),
)

#: Fatty acids released per glycerol by complete triglyceride hydrolysis.
FFA_PER_GLYCEROL = 3.0
#: Litres of O2 consumed per gram of fat oxidised.
O2_L_PER_G_FAT = 2.0

PARAMETERS = (
    param("adipose.glycerol_ra_rest_umol_kg_min", 2.5, "umol/kg/min", (1.0, 6.0),
          "Resting glycerol rate of appearance",
          "Romijn 1993 Am J Physiol 265:E380 (post-absorptive rest)"),
    param("adipose.lipolysis_exercise_gain", 1.5, "1", (0.2, 5.0),
          "Relative rise of lipolysis at catecholamine drive 1 (moderate exercise)",
          "Glycerol and FFA Ra rise 2-3 fold at moderate intensity (Romijn 1993)"),
    param("adipose.lipolysis_il6_max", 0.5, "1", (0.0, 3.0),
          "Maximal relative rise of lipolysis caused by IL-6",
          "van Hall 2003 J Clin Endocrinol Metab 88:3005 (FFA Ra +25% at ~140 pg/mL)"),
    param("adipose.lipolysis_il6_half_pg_ml", 100.0, "pg/mL", (10.0, 1000.0),
          "Tissue IL-6 exposure giving half the maximal lipolytic effect",
          "van Hall 2003; Hiscock 2005 Am J Physiol Endocrinol Metab (small effect at exercise levels)"),
    param("adipose.lipolysis_carbohydrate_suppression", 0.3, "1", (0.0, 0.9),
          "Fractional suppression of lipolysis at full glucose availability",
          "Ingested carbohydrate lowers lipolysis during exercise (Horowitz 1997 Am J Physiol 273:E768)"),
    param("adipose.ffa_release_fraction", 0.7, "1", (0.3, 1.0),
          "Share of hydrolysed fatty acids leaving the adipocyte (the rest is re-esterified)",
          "Wolfe 1990 Am J Physiol 258:E382 (intracellular recycling ~30% at rest)"),
    param("adipose.ffa_baseline_mmol_l", 0.4, "mmol/L", (0.15, 1.0),
          "Resting plasma FFA", "Post-absorptive rest 0.3-0.6 mmol/L (Romijn 1993)"),
    param("adipose.ffa_volume_l_per_kg", 0.04, "L/kg", (0.03, 0.08),
          "Distribution volume of plasma FFA (plasma volume)", "Plasma volume ~40 mL/kg"),
    param("adipose.ffa_uptake_exercise_gain", 2.0, "1", (0.0, 8.0),
          "Rise of FFA clearance per unit exercise VO2 (fraction of VO2max)",
          "Muscle FFA uptake rises with blood flow and demand; FFA rebound after exercise (Romijn 1993)"),
    param("adipose.fat_fraction_rest", 0.6, "1", (0.3, 0.85),
          "Share of energy from fat at rest", "Resting RER ~0.82"),
    param("adipose.fat_fraction_intensity_half_pct", 75.0, "%VO2max", (40.0, 100.0),
          "Intensity at which the share of energy from fat is halved",
          "Fat oxidation peaks near 60-65% VO2max and falls above (Achten 2002 Med Sci Sports Exerc 34:92; Romijn 1993)"),
    param("adipose.fat_fraction_intensity_hill", 3.0, "1", (1.0, 6.0),
          "Steepness of the fall of the fat share with intensity", "Model assumption"),
    param("adipose.ffa_oxidation_half_mmol_l", 0.3, "mmol/L", (0.05, 1.5),
          "Plasma FFA giving half-maximal FFA supply to oxidation", "Model assumption"),
    param("adipose.ffa_disposal_exponent", 1.0, "1", (0.4, 1.0),
          "Order of FFA disposal in plasma FFA (below 1: fractional clearance falls as FFA rises)",
          "Saturable tissue FFA uptake; van Hall 2003 J Clin Endocrinol Metab 88:3005 "
          "(plasma FFA +60% for FFA Ra +25%)"),
    param("adipose.il6_activation_rate_per_min", 0.0034, "1/min", (0.002, 0.1),
          "Rate constant of each stage of the delayed adipose IL-6 response",
          "Lyngso 2002 J Physiol 543:373 (adipose IL-6 output rises from 30 min after exercise)"),
    param("adipose.il6_output_gain", 190.0, "1", (0.0, 200.0),
          "Maximal rise of adipose IL-6 output over rest (fold - 1) at full activation",
          "Lyngso 2002 (58.6 vs 3.5 pg/100 g/min 3 h after 1 h cycling)"),
    param("adipose.il6_activation_half_rel", 0.087, "1", (0.01, 1.0),
          "Delayed activation giving half the maximal adipose IL-6 output",
          "Lyngso 2002 (output unchanged during 1 h of cycling, then rising): a threshold on the delayed signal"),
    param("adipose.il6_activation_hill", 6.0, "1", (1.0, 8.0),
          "Steepness of the adipose IL-6 output threshold",
          "Model assumption: a steep threshold keeps the output at rest during exercise (Lyngso 2002)"),
    param("adipose.il6_responding_fraction", 0.17, "1", (0.01, 1.0),
          "Share of the whole-body adipose IL-6 output that rises after exercise like the abdominal subcutaneous depot",
          "Model assumption: one depot was measured (Lyngso 2002); plasma IL-6 falls to near rest within hours "
          "of exercise (Ostrowski 1998 J Physiol 508:949), so not all adipose tissue can follow it"),
)


def equations(x) -> Equations:
    p = x.p
    ffa = x.state("plasma_ffa_mmol_l")
    signal = x.state("adipose_il6_signal_rel")
    activation = x.state("adipose_il6_activation_rel")
    vo2 = x.state("exercise_vo2_pct_vo2max")
    drive = x.state("catecholamine_drive_rel")
    exposure = x.state("il6_exposure_pg_ml")
    baseline_il6 = x.param("plasma_il6.baseline_pg_ml")

    il6_effect = p.lipolysis_il6_max * (
        hill(exposure, p.lipolysis_il6_half_pg_ml, 1.0) - hill(baseline_il6, p.lipolysis_il6_half_pg_ml, 1.0)
    )
    glycerol_ra = (
        p.glycerol_ra_rest_umol_kg_min
        * (1.0 + p.lipolysis_exercise_gain * drive + il6_effect)
        * (1.0 - p.lipolysis_carbohydrate_suppression * x.var("glucose_availability_fraction"))
    )
    ffa_ra = FFA_PER_GLYCEROL * p.ffa_release_fraction * glycerol_ra
    # Resting clearance is set so that the resting FFA level is a steady state.
    resting_clearance = (
        FFA_PER_GLYCEROL * p.ffa_release_fraction * p.glycerol_ra_rest_umol_kg_min / p.ffa_baseline_mmol_l
    )
    # Disposal equals the resting Ra at the resting FFA level, for any disposal exponent.
    ffa_disposal = (
        resting_clearance
        * p.ffa_baseline_mmol_l
        * (maximum(ffa, 0.0) / p.ffa_baseline_mmol_l) ** p.ffa_disposal_exponent
        * (1.0 + p.ffa_uptake_exercise_gain * vo2 / 100.0)
    )
    # umol/kg/min over L/kg gives umol/L/min; /1000 gives mmol/L/min.
    d_ffa = (ffa_ra - ffa_disposal) / (p.ffa_volume_l_per_kg * 1000.0)

    ffa_supply = hill(ffa, p.ffa_oxidation_half_mmol_l, 1.0) / hill(
        p.ffa_baseline_mmol_l, p.ffa_oxidation_half_mmol_l, 1.0
    )
    intensity_share = 1.0 - hill(vo2, p.fat_fraction_intensity_half_pct, p.fat_fraction_intensity_hill)
    fat_fraction = minimum(p.fat_fraction_rest * ffa_supply, 1.0) * intensity_share
    fat_oxidation = x.var("vo2_l_min") * fat_fraction / O2_L_PER_G_FAT

    depot_rise = p.il6_output_gain * hill(maximum(activation, 0.0), p.il6_activation_half_rel, p.il6_activation_hill)
    output_fold = 1.0 + p.il6_responding_fraction * depot_rise
    resting_adipose_ng_min = x.var("basal_il6_production_ng_min") * x.param("plasma_il6.adipose_fraction_at_rest")
    adipose_grams_per_100 = x.param("subject.fat_mass_kg") * 10.0
    return Equations(
        derivatives={
            "plasma_ffa_mmol_l": d_ffa,
            "adipose_il6_signal_rel": p.il6_activation_rate_per_min * (drive - signal),
            "adipose_il6_activation_rel": p.il6_activation_rate_per_min * (signal - activation),
        },
        rest={
            "plasma_ffa_mmol_l": p.ffa_baseline_mmol_l,
            "adipose_il6_signal_rel": 0.0,
            "adipose_il6_activation_rel": 0.0,
        },
        variables={
            "glycerol_ra_umol_kg_min": glycerol_ra,
            "ffa_ra_umol_kg_min": ffa_ra,
            "fat_oxidation_g_min": fat_oxidation,
            "adipose_il6_output_fold": output_fold,
            # ng/min -> pg/min, per 100 g of adipose tissue.
            "adipose_il6_output_pg_100g_min": resting_adipose_ng_min * (1.0 + depot_rise) * 1000.0
            / adipose_grams_per_100,
        },
    )


ADIPOSE = Compartment(
    name="adipose",
    title="Adipose lipolysis, FFA and fat oxidation",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
