"""Plasma TNF-alpha: low basal production plus the output of endotoxin-activated monocytes.

Monocyte TNF-alpha output is braked by what exercise and IL-6 raise: cortisol
(which IL-6 induces), adrenaline (the adrenal medullary drive), IL-10 (which
IL-6 induces) and IL-6 itself at high levels. Each brake acts on its rise
above rest, so a resting subject's response does not depend on resting levels.
Basal production is left alone: IL-6 alone does not change resting TNF-alpha.
Monocytes take the brakes up over one to two hours (through new gene expression
for IL-10 and cortisol), so the brakes that endotoxin itself raises end the
TNF-alpha rise 1-2 h after a bolus, at any dose, rather than within minutes of
their own rise.
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("tnf_alpha_pg_ml", "pg/mL", "Plasma TNF-alpha", scale=0.1, floor="rest"),
    Quantity("monocyte_restraint_rel", "1",
             "Restraint of monocyte TNF-alpha output built up from its brakes (0 at rest; output is 1/(1 + it))",
             scale=0.01),
)
OUTPUTS = (
    Quantity("tnf_suppression_fraction", "1", "Fractional suppression of monocyte TNF-alpha output (0 at rest)"),
)

PARAMETERS = (
    param("tnf_alpha.baseline_pg_ml", 1.5, "pg/mL", (0.3, 6.0),
          "Resting plasma TNF-alpha", "Unchanged by moderate exercise (Ostrowski 1998 J Physiol 513:889)"),
    param("tnf_alpha.elimination_rate_per_min", 0.03324, "1/min", (0.01, 0.2),
          "Plasma TNF-alpha elimination rate",
          "Plasma half-life of injected TNF-alpha ~15-20 min; TNF back to baseline 4-6 h after endotoxin "
          "(Copeland 2005)"),
    param("tnf_alpha.monocyte_fold", 377.0, "fold", (10.0, 5000.0),
          "TNF-alpha production over rest at full monocyte activation, unsuppressed",
          "~150-900 pg/mL TNF-alpha after 2 ng/kg endotoxin (van der Poll 1996 J Clin Invest 97:713; Copeland 2005)"),
    param("tnf_alpha.cortisol_inhibition_nmol_l", 740.1, "nmol/L", (30.0, 3000.0),
          "Cortisol rise above rest halving monocyte TNF-alpha output",
          "Hydrocortisone before endotoxin diminished peak TNF-alpha (Barber 1993 J Immunol 150:1999); IL-6 raises "
          "cortisol (Steensberg 2003)"),
    param("tnf_alpha.adrenaline_inhibition_drive", 0.05, "1", (0.05, 5.0),
          "Adrenal medullary drive (the sympatho-adrenal drive, raised as glucose falls) halving monocyte TNF-alpha "
          "output",
          "Adrenaline infused before endotoxin inhibited TNF-alpha appearance (van der Poll 1996 J Clin Invest "
          "97:713); exercise abolished the TNF-alpha response to endotoxin (Starkie 2003 FASEB J 17:884)"),
    param("tnf_alpha.il10_inhibition_pg_ml", 20.0, "pg/mL", (1.0, 500.0),
          "IL-10 rise above rest halving monocyte TNF-alpha output",
          "rhIL-10 before endotoxin reduced TNF-alpha (Pajkrt 1997 J Immunol 158:3971); Windoloski & Olufsen model"),
    param("tnf_alpha.restraint_rate_per_min", 0.005271, "1/min", (0.005, 0.5),
          "Rate constant with which monocytes take up the brakes on their TNF-alpha output",
          "IL-10 and cortisol act on monocytes through new gene expression, not at once: IL-10 represses TNF-alpha "
          "transcription through STAT3-induced proteins (Murray 2005 PNAS 102:8686); glucocorticoids inhibit NF-kB "
          "by inducing IkB-alpha synthesis (Auphan 1995 Science 270:286). One rate for all four brakes is a model "
          "assumption (adrenaline acts through cAMP within minutes, but is raised before endotoxin in the studies)"),
    param("tnf_alpha.il6_inhibition_pg_ml", 500.0, "pg/mL", (50.0, 5000.0),
          "Tissue IL-6 rise above rest halving monocyte TNF-alpha output (direct effect)",
          "IL-6 inhibits LPS-induced TNF-alpha in monocytes at high levels (Schindler 1990 Blood 75:40); 560 pg/mL in "
          "the Windoloski & Olufsen endotoxin model"),
)


def equations(x) -> Equations:
    p = x.p
    tnf = x.state("tnf_alpha_pg_ml")
    # Each rise is non-negative (production never falls below rest); no clipping keeps the brake smooth.
    cortisol_rise = x.state("cortisol_nmol_l") - x.param("cortisol.baseline_nmol_l")
    il10_rise = x.state("il10_pg_ml") - x.param("il10.baseline_pg_ml")
    il6_rise = x.state("il6_exposure_pg_ml") - x.var("resting_plasma_il6_pg_ml")
    adrenaline = x.var("adrenaline_drive_rel")

    target_restraint = (
        cortisol_rise / p.cortisol_inhibition_nmol_l
        + adrenaline / p.adrenaline_inhibition_drive
        + il10_rise / p.il10_inhibition_pg_ml
        + il6_rise / p.il6_inhibition_pg_ml
    )
    # Output follows the restraint the brakes have built, not the brakes of the moment.
    restraint = x.state("monocyte_restraint_rel")
    relative_output = 1.0 / (1.0 + restraint)
    production = 1.0 + p.monocyte_fold * x.state("monocyte_activation_rel") * relative_output
    return Equations(
        derivatives={
            "tnf_alpha_pg_ml": p.elimination_rate_per_min * (p.baseline_pg_ml * production - tnf),
            "monocyte_restraint_rel": p.restraint_rate_per_min * (target_restraint - restraint),
        },
        rest={"tnf_alpha_pg_ml": p.baseline_pg_ml, "monocyte_restraint_rel": 0.0},
        variables={"tnf_suppression_fraction": 1.0 - relative_output},
    )


TNF_ALPHA = Compartment(
    name="tnf_alpha",
    title="TNF-alpha",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
