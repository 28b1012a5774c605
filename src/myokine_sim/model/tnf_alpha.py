"""Plasma TNF-alpha: low basal production plus the output of endotoxin-activated monocytes.

Monocyte TNF-alpha output is braked by what exercise and IL-6 raise: adrenaline
(the adrenal medullary drive), IL-10 (which IL-6 induces), IL-6 itself at high
levels, and cortisol (which IL-6 induces). Each brake acts on its rise above
rest, so a resting subject's response does not depend on resting levels.
Basal production is left alone: IL-6 alone does not change resting TNF-alpha.
Monocytes take the first three brakes up over one to two hours (IL-10 through
new gene expression), so the brakes that endotoxin itself raises end the
TNF-alpha rise 1-2 h after a bolus, at any dose, rather than within minutes of
their own rise.

Cortisol's brake lags longer (two stages of its own) and outlasts the cortisol: glucocorticoids make monocytes and
macrophages synthesise inhibitors of NF-kB signalling (IkB-alpha; GILZ, Berrebi 2003), which build up and fade over
hours. It follows the cortisol rise through two first-order stages of its own, so hydrocortisone that ended 6 h
before endotoxin still leaves TNF-alpha undetectable (Barber 1995), while the IL-10 that cortisol induces is gone by
then (van der Poll 1996). The same exposure leaves the monocytes primed for days (in blood mononuclear cells
glucocorticoids induce Toll-like receptors, Galon 2002): as the brake fades, from about 12 h to 6 days later, the
TNF-alpha response to endotoxin is larger than without it (van der Poll 1996; Barber 1995). The priming builds and
fades through two slower stages, driven by the brake as a stand-in for the receptor signal that drives both in the
cell. Endotoxin tolerance silences the inflammatory genes themselves (Foster 2007 Nature 447:972), so tolerant
monocytes are neither primed nor show the priming they had (tolerance enters twice, so priming scales about as (1 -
tolerance)^2): the cortisol that endotoxin itself raises primes little, and tolerance still deepens over days of
repeated endotoxin (Draisma 2009).

Untested predictions: priming grows with the cortisol exposure, so the model also primes after long hard exercise
(24 and 48 h after its marathon, whose cortisol peaks at 1,970 nmol/L as its glucose falls too far, B107, a 2 ng/kg
endotoxin dose gives 1.9 and 2.5 times the TNF-alpha of endotoxin alone), where no human endotoxin data exist; monocyte
Toll-like receptors fall right after strenuous exercise (Lancaster 2005 J Physiol 563:945), and nothing has been
measured 24-48 h after; and it cannot give the larger priming at an intermediate cortisol dose than at a high one
(Yeager 2009, targets B148-B150).
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param, two_stage_lag

STATES = (
    Quantity("tnf_alpha_pg_ml", "pg/mL", "Plasma TNF-alpha", scale=0.1, floor="rest"),
    Quantity("monocyte_restraint_rel", "1",
             "Restraint of monocyte TNF-alpha output built up from its IL-10, IL-6 and adrenaline brakes (0 at rest; "
             "output is (1 + primed share) / (1 + it + the glucocorticoid brake))",
             scale=0.01),
    Quantity("monocyte_glucocorticoid_signal_rel", "1",
             "First stage of the glucocorticoid brake: inhibitor genes transcribed as the cortisol rise is signalled, "
             "in units of cortisol_inhibition_nmol_l (0 at rest)", scale=1.0),
    Quantity("monocyte_glucocorticoid_brake_rel", "1",
             "Second stage of the glucocorticoid brake: the inhibitor proteins made, adding to the restraint "
             "(0 at rest)", scale=1.0),
    Quantity("monocyte_priming_signal_rel", "1",
             "First stage of glucocorticoid priming: the priming program induced by the glucocorticoid brake held "
             "(0 at rest)", scale=0.01),
    Quantity("monocyte_glucocorticoid_priming_rel", "1",
             "Priming of monocyte TNF-alpha output that glucocorticoid exposure leaves behind for days (0 at rest; "
             "output is multiplied by 1 + it)", scale=0.01),
)
OUTPUTS = (
    Quantity("tnf_suppression_fraction", "1",
             "Fractional suppression of monocyte TNF-alpha output by its brakes, before any priming (0 at rest)"),
)

PARAMETERS = (
    param("tnf_alpha.baseline_pg_ml", 1.5, "pg/mL", (0.3, 6.0),
          "Resting plasma TNF-alpha", "Unchanged by moderate exercise (Ostrowski 1998 J Physiol 513:889)"),
    param("tnf_alpha.elimination_rate_per_min", 0.03433, "1/min", (0.01, 0.2),
          "Plasma TNF-alpha elimination rate",
          "Plasma half-life of injected TNF-alpha ~15-20 min; TNF back to baseline 4-6 h after endotoxin "
          "(Copeland 2005)"),
    param("tnf_alpha.monocyte_fold", 417.6, "fold", (10.0, 5000.0),
          "TNF-alpha production over rest at full monocyte activation, unsuppressed",
          "~150-900 pg/mL TNF-alpha after 2 ng/kg endotoxin (van der Poll 1996 J Clin Invest 97:713; Copeland 2005)"),
    param("tnf_alpha.cortisol_inhibition_nmol_l", 32.42, "nmol/L", (30.0, 3000.0),
          "Cortisol rise above rest halving monocyte TNF-alpha output, once held long enough for the glucocorticoid "
          "brake to build",
          "Hydrocortisone before endotoxin left TNF-alpha undetectable, at the end of the infusion (Barber 1993 "
          "J Immunol 150:1999) and 6 h after it (Barber 1995 Surgery 118:406); IL-6 raises cortisol (Steensberg "
          "2003)"),
    param("tnf_alpha.glucocorticoid_rate_per_min", 0.008367, "1/min", (0.0005, 0.05),
          "Rate constant of each of the two stages by which the glucocorticoid brake follows the plasma cortisol rise",
          "Glucocorticoids inhibit NF-kB by inducing IkB-alpha synthesis (Auphan 1995 Science 270:286; Scheinman "
          "1995 Science 270:283) and GILZ in macrophages (Berrebi 2003 Blood 101:729); the brake outlasted a 6-h "
          "hydrocortisone infusion by 6 h (Barber 1995) and had turned to priming by 12 h (van der Poll 1996)"),
    param("tnf_alpha.priming_gain", 1.034, "1", (0.0, 20.0),
          "Priming of monocyte TNF-alpha output built per unit of glucocorticoid brake held",
          "Hydrocortisone 12 h to 7 days before endotoxin enhanced TNF-alpha (van der Poll 1996 J Clin Endocrinol "
          "Metab 81:3604), and TNF-alpha and IL-6 at 12 and 144 h (Barber 1993, as Barber 1995 sums it up; Barber "
          "1995: TNF-alpha peak significantly higher only at 144 h); in blood mononuclear "
          "cells glucocorticoids induce Toll-like receptor and other innate immune genes (Galon 2002 FASEB J 16:61). "
          "Only the direction is measured: a lower bound, not identified. A day after a 6-h infusion, 1.5 ug/kg/min "
          "primed IL-6 more than 3 ug/kg/min did (Yeager 2009 Crit Care Med 37:2727), which a gain cannot give"),
    param("tnf_alpha.priming_rate_per_min", 0.00052, "1/min", (2e-5, 5e-3),
          "Rate constant of each of the two stages by which glucocorticoid priming builds and fades",
          "Priming still raised the TNF-alpha peak 6 days (144 h) after a 6-h hydrocortisone infusion (Barber "
          "1995 Surgery 118:406), and had not yet overcome the brake 6 h after it (Barber 1995). Not identified: "
          "the abstracts give directions only"),
    param("tnf_alpha.adrenaline_inhibition_drive", 0.05988, "1", (0.05, 5.0),
          "Adrenal medullary drive (the sympatho-adrenal drive, raised as glucose falls) halving monocyte TNF-alpha "
          "output",
          "Adrenaline infused before endotoxin inhibited TNF-alpha appearance (van der Poll 1996 J Clin Invest "
          "97:713); exercise abolished the TNF-alpha response to endotoxin (Starkie 2003 FASEB J 17:884)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("tnf_alpha.il10_inhibition_pg_ml", 20.0, "pg/mL", (1.0, 500.0),
          "IL-10 rise above rest halving monocyte TNF-alpha output",
          "rhIL-10 before endotoxin reduced TNF-alpha (Pajkrt 1997 J Immunol 158:3971); Windoloski & Olufsen model"),
    param("tnf_alpha.restraint_rate_per_min", 0.006255, "1/min", (0.005, 0.5),
          "Rate constant with which monocytes take up the brakes on their TNF-alpha output",
          "IL-10 acts on monocytes through new gene expression, not at once: it represses TNF-alpha "
          "transcription through STAT3-induced proteins (Murray 2005 PNAS 102:8686). One rate for the IL-10, IL-6 and "
          "adrenaline brakes is a model assumption (adrenaline acts through cAMP within minutes, but is raised before "
          "endotoxin in the studies); cortisol's brake has its own rate (glucocorticoid_rate_per_min)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
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
        adrenaline / p.adrenaline_inhibition_drive
        + il10_rise / p.il10_inhibition_pg_ml
        + il6_rise / p.il6_inhibition_pg_ml
    )
    # Output follows the restraint the brakes have built, not the brakes of the moment.
    restraint = x.state("monocyte_restraint_rel")
    glucocorticoid_signal = x.state("monocyte_glucocorticoid_signal_rel")
    glucocorticoid_brake = x.state("monocyte_glucocorticoid_brake_rel")
    priming_signal = x.state("monocyte_priming_signal_rel")
    priming = x.state("monocyte_glucocorticoid_priming_rel")
    relative_output = 1.0 / (1.0 + restraint + glucocorticoid_brake)
    # Tolerant monocytes are neither primed nor show the priming they had (see the module's docstring).
    not_tolerant = 1.0 - x.state("monocyte_tolerance_rel")
    primed_share = priming * not_tolerant
    production = 1.0 + p.monocyte_fold * x.state("monocyte_activation_rel") * (1.0 + primed_share) * relative_output
    d_brake_signal, d_brake = two_stage_lag(p.glucocorticoid_rate_per_min, cortisol_rise / p.cortisol_inhibition_nmol_l,
                                            glucocorticoid_signal, glucocorticoid_brake)
    d_priming_signal, d_priming = two_stage_lag(p.priming_rate_per_min,
                                                p.priming_gain * glucocorticoid_brake * not_tolerant, priming_signal,
                                                priming)
    return Equations(
        derivatives={
            "tnf_alpha_pg_ml": p.elimination_rate_per_min * (p.baseline_pg_ml * production - tnf),
            "monocyte_restraint_rel": p.restraint_rate_per_min * (target_restraint - restraint),
            "monocyte_glucocorticoid_signal_rel": d_brake_signal,
            "monocyte_glucocorticoid_brake_rel": d_brake,
            "monocyte_priming_signal_rel": d_priming_signal,
            "monocyte_glucocorticoid_priming_rel": d_priming,
        },
        rest={"tnf_alpha_pg_ml": p.baseline_pg_ml, "monocyte_restraint_rel": 0.0,
              "monocyte_glucocorticoid_signal_rel": 0.0, "monocyte_glucocorticoid_brake_rel": 0.0,
              "monocyte_priming_signal_rel": 0.0, "monocyte_glucocorticoid_priming_rel": 0.0},
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
