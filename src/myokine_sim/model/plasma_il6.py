"""Plasma IL-6 (pg/mL = ng/L) and the tissue IL-6 exposure that drives its effects.

Inputs: muscle release, the tendon tissue's release in running, basal production
(about 30% of it from adipose tissue at rest, in proportion to fat mass), rhIL-6
infusion (a dose rate, or the plasma rise it holds, dosed with the subject's clearance)
and the innate immune response to endotoxin. Loss: first-order clearance within
minutes, a known part of it hepatosplanchnic.
"""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param
from myokine_sim.model.subject import REFERENCE_FAT_MASS_KG

STATES = (
    Quantity("plasma_il6_pg_ml", "pg/mL", "Arterial plasma IL-6", scale=0.1, floor="rest"),
    Quantity("il6_exposure_pg_ml", "pg/mL",
             "IL-6 seen by target tissues: plasma IL-6 through a signalling lag (effect compartment)",
             scale=0.1, floor="rest"),
)
OUTPUTS = (
    Quantity("resting_plasma_il6_pg_ml", "pg/mL", "The subject's resting plasma IL-6 (depends on fat mass)"),
    Quantity("il6_distribution_volume_l", "L", "Volume in which plasma IL-6 distributes"),
    Quantity("basal_il6_production_ng_min", "ng/min", "Resting whole-body IL-6 production"),
    Quantity("adipose_il6_release_ng_min", "ng/min", "IL-6 reaching plasma from adipose tissue"),
    Quantity("il6_clearance_ng_min", "ng/min", "Total IL-6 clearance"),
    Quantity("rhil6_infusion_ng_min", "ng/min",
             "rhIL-6 infused: the dose rate given, or the one that holds the given plasma rise"),
    Quantity("hepatosplanchnic_il6_uptake_ng_min", "ng/min", "Net IL-6 uptake by the hepatosplanchnic bed"),
)

PARAMETERS = (
    param("plasma_il6.baseline_pg_ml", 1.0, "pg/mL", (0.3, 3.0),
          "Resting plasma IL-6 of a subject with the reference fat mass (15 kg)",
          "0.5-2 pg/mL at rest (Ostrowski 1998 J Physiol 508:949: 1.5; Steensberg 2001 J Physiol 537:633: 0.6)"),
    param("plasma_il6.volume_l_per_kg", 0.04, "L/kg", (0.03, 0.1),
          "Distribution volume of IL-6 per kg body mass (plasma volume)",
          "Plasma volume ~40 mL/kg"),
    param("plasma_il6.clearance_per_min", 0.6176, "1/min", (0.05, 2.0),
          "First-order plasma IL-6 clearance rate",
          "Steensberg 2000 J Physiol 529:237 (1 min of release ~ half the plasma content); serum half-life ~1-2 min "
          "(Dwivedi 2014 CPT Pharmacometrics Syst Pharmacol 3:e89)"),
    param("plasma_il6.adipose_fraction_at_rest", 0.3107, "1", (0.05, 0.6),
          "Share of resting IL-6 production from adipose tissue at the reference fat mass",
          "Mohamed-Ali 1997 J Clin Endocrinol Metab 82:4196; adipose IL-6 output scales with fat mass, and plasma "
          "IL-6 rises with adiposity (Vozarova 2001 Obes Res 9:414)"),
    param("plasma_il6.adrenergic_release_ng_min", 3.562, "ng/min", (0.0, 20.0),
          "IL-6 released at once per unit adrenal medullary drive (beta-adrenergic release, not transcription)",
          "Adrenaline infusion raises plasma IL-6 (Sondergaard 2000 Am J Physiol 279:E1238); IL-6 rises with the "
          "catecholamines within 15 min of hard exercise (Papanicolaou 1996 Am J Physiol 271:E601); a 9-min "
          "maximal test raises it 35% (Kaminski 2009 Arch Med Sci 5:364)"),
    param("plasma_il6.hepatosplanchnic_clearance_l_min", 0.4, "L/min", (0.1, 1.0),
          "Hepatosplanchnic IL-6 clearance, part of the total clearance",
          "Febbraio 2003 Am J Physiol Endocrinol Metab 285:E397 (uptake 0.8 -> 5.5 ng/min at 1.8 -> 14.3 pg/mL)"),
    param("plasma_il6.effect_rate_per_min", 0.03, "1/min", (0.005, 0.3),
          "Rate constant of the lag between plasma IL-6 and its tissue effects",
          "Model assumption: metabolic effects of rhIL-6 develop over ~30-60 min (van Hall 2003 J Clin Endocrinol "
          "Metab 88:3005)"),
)


def dose_holding_rise(rise_pg_ml, clearance_per_min, volume_l):
    """The infusion rate (ng/min) that holds plasma IL-6 a given rise above the rest of its inputs at steady state:
    first-order clearance removes rise x clearance x volume. Numbers or model expressions alike."""
    return rise_pg_ml * clearance_per_min * volume_l


def resting_plasma_il6(x):
    """Resting plasma IL-6 from parameters only: adipose production scales with fat mass."""
    share = x.param("plasma_il6.adipose_fraction_at_rest")
    fat_ratio = x.param("subject.fat_mass_kg") / REFERENCE_FAT_MASS_KG
    return x.param("plasma_il6.baseline_pg_ml") * (1.0 - share + share * fat_ratio)


def equations(x) -> Equations:
    p = x.p
    plasma = x.state("plasma_il6_pg_ml")
    exposure = x.state("il6_exposure_pg_ml")
    volume = p.volume_l_per_kg * x.param("subject.body_mass_kg")
    # Production at the reference fat mass; the adipose part scales with the subject's fat mass.
    reference = p.baseline_pg_ml * x.var("il6_distribution_volume_l") * p.clearance_per_min
    fat_ratio = x.param("subject.fat_mass_kg") / REFERENCE_FAT_MASS_KG
    # An infusion given as the level it holds is dosed with this subject's clearance.
    infused = x.input("il6_infusion_ng_min") + dose_holding_rise(
        x.input("il6_infusion_plasma_rise_pg_ml"), p.clearance_per_min, x.var("il6_distribution_volume_l"))
    adipose = reference * p.adipose_fraction_at_rest * fat_ratio * x.var("adipose_il6_output_fold")
    production = (
        x.var("il6_release_ng_min")
        + x.var("peritendinous_il6_release_ng_min")
        + reference * (1.0 - p.adipose_fraction_at_rest)
        + x.var("adipose_il6_release_ng_min")
        + x.var("rhil6_infusion_ng_min")
        + x.var("immune_il6_release_ng_min")
        + p.adrenergic_release_ng_min * maximum(x.var("adrenaline_drive_rel"), 0.0)
    )
    clearance = p.clearance_per_min * x.var("il6_distribution_volume_l") * plasma
    resting = resting_plasma_il6(x)
    return Equations(
        derivatives={
            "plasma_il6_pg_ml": (production - x.var("il6_clearance_ng_min")) / x.var("il6_distribution_volume_l"),
            "il6_exposure_pg_ml": p.effect_rate_per_min * (plasma - exposure),
        },
        rest={"plasma_il6_pg_ml": resting, "il6_exposure_pg_ml": resting},
        variables={
            "resting_plasma_il6_pg_ml": resting,
            "il6_distribution_volume_l": volume,
            "basal_il6_production_ng_min": reference
            * (1.0 - p.adipose_fraction_at_rest + p.adipose_fraction_at_rest * fat_ratio),
            "adipose_il6_release_ng_min": adipose,
            "il6_clearance_ng_min": clearance,
            "rhil6_infusion_ng_min": infused,
            "hepatosplanchnic_il6_uptake_ng_min": p.hepatosplanchnic_clearance_l_min * plasma,
        },
    )


PLASMA_IL6 = Compartment(
    name="plasma_il6",
    title="Plasma IL-6",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)


def il6_action_above_rest(x, il6, half_pg_ml):
    """The rise of an IL-6 action (first-order Hill occupancy) over its value at the subject's resting IL-6: zero at
    rest whatever the half-maximum, so each action of IL-6 leaves the resting state a steady state."""
    return hill(il6, half_pg_ml, 1.0) - hill(x.var("resting_plasma_il6_pg_ml"), half_pg_ml, 1.0)

