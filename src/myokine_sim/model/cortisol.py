"""Plasma cortisol: raised by hard or long exercise, by falling glucose, by IL-6 and by TNF-alpha (the response to
endotoxin), and by infused hydrocortisone (cortisol itself)."""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param
from myokine_sim.model.plasma_il6 import il6_action_above_rest

#: Steepness of the ACTH response around its glycaemic threshold (Tabata 1984: ACTH rose in every subject once
#: glucose crossed ~3.3 mmol/L in blood, and had not moved before). A tenth on at 4.2 mmol/L, nine tenths at 3.2;
#: at 8 a fifth was on at 4.4 mmol/L, the glucose of a fasted two-hour ride, where ACTH has not yet risen.
HYPOGLYCAEMIA_HILL = 16.0

#: Steepness of the exercise threshold of the ACTH-cortisol response, chosen (not fitted) so that the term is off at
#: 40% VO2max and on at 80%: Hill 2008 saw no cortisol rise after 30 min at 40% and an ACTH rise only at 80%.
EXERCISE_THRESHOLD_HILL = 8.0

#: nmol of cortisol per ug of hydrocortisone (molar mass 362.46 g/mol).
NMOL_PER_UG_CORTISOL = 1000.0 / 362.46

STATES = (Quantity("cortisol_nmol_l", "nmol/L", "Plasma cortisol", scale=10.0, floor="rest"),)

PARAMETERS = (
    param("cortisol.baseline_nmol_l", 350.0, "nmol/L", (150.0, 700.0),
          "Resting (morning) plasma cortisol", "Typical morning value 250-550 nmol/L"),
    param("cortisol.elimination_rate_per_min", 0.01, "1/min", (0.003, 0.05),
          "Plasma cortisol elimination rate",
          "Plasma half-life ~60-90 min; cortisol back to baseline ~4-5 h after its endotoxin peak (Schreiber 1993)"),
    param("cortisol.exercise_gain", 0.6, "1", (0.0, 5.0),
          "Graded relative rise of cortisol production at adrenaline drive 1 (moderate-to-hard exercise, glucose at "
          "rest), at resting cortisol (cortisol.feedback_order restrains it above)",
          "Cortisol is raised after a marathon (Suzuki 2000 Med Sci Sports Exerc 32:1327); the rise above ~60% "
          "VO2max is the threshold term (cortisol.exercise_threshold_gain). Tabata 1991 J Appl Physiol 71:1807 (no "
          "rise in 3 h at 50% VO2max with glucose held at rest; B190) bounds it from above: the model failed that "
          "row at 0.60. While B190 was not fitted, the fit moved this gain with each refit (0.60, 0.017, 0.0005), so "
          "B190 is fitted since 2026-12-07; it bounds the gain from one side only (the fit leaves it near 0.02, not "
          "identified)"),
    param("cortisol.exercise_threshold_gain", 3.0, "1", (0.0, 10.0),
          "Relative rise of cortisol production above the exercise threshold of the ACTH response (fully on), at "
          "resting cortisol. It follows the adrenaline drive, which also rises as glucose falls, so in a fasted run it "
          "adds to the hypoglycaemia term",
          "Hill 2008 J Endocrinol Invest 31:587 (+18% and +52% after 30 min at 60 and 80% VO2max once corrected for "
          "the fall in plasma volume, none at 40%); Farrell 1983 J Appl Physiol 55:1441 (ACTH 57 -> 128 pg/mL after "
          "20 min of running at 80%, no significant rise at 65%). Correlated beyond 0.98 with the threshold's "
          "drive and cortisol.feedback_order, so not identified by the fitted targets"),
    param("cortisol.exercise_threshold_drive", 0.85, "1", (0.4, 1.5),
          "Adrenaline drive at which the exercise threshold term is half on",
          "Hill 2008 (ACTH rose only at 80% VO2max; cortisol +18% at 60%, corrected); Farrell 1983 (ACTH unchanged "
          "at 65%, raised at 80%); Davies & Few 1973 J Appl Physiol 35:887 (1 h above ~60% VO2max raises cortisol). "
          "Tremblay 2005 Eur J Appl Physiol 94:505 (no rise after 80 min at 55%) is held out to check it (B187-B189). "
          "Not identified by the fitted targets: the fit leaves it near its start"),
    param("cortisol.feedback_order", 1.0, "1", (0.0, 4.0),
          "Order of the restraint of cortisol's exercise production by cortisol itself ((rest/cortisol)^order; the "
          "exercise terms only)",
          "A level form standing in for glucocorticoid feedback on ACTH release (Keller-Wood & Dallman 1984 Endocr "
          "Rev 5:1) and for the faster removal of cortisol in exercise (Few 1974 J Endocrinol 62:341), which the "
          "model's one elimination rate lacks. It correlates beyond 0.98 with the threshold terms of exercise "
          "production (see the validation report's note on its bound)"),
    param("cortisol.il6_max", 3.0, "1", (0.0, 10.0),
          "Maximal relative rise of cortisol production caused by IL-6",
          "rhIL-6 at ~140 pg/mL raised cortisol (Steensberg 2003 Am J Physiol 285:E433); s.c. IL-6 raised ACTH and "
          "cortisol dose-dependently (Tsigos 1997 J Clin Endocrinol Metab 82:4167)"),
    param("cortisol.il6_half_pg_ml", 150.0, "pg/mL", (10.0, 2000.0),
          "Tissue IL-6 exposure giving half the maximal cortisol response",
          "Tsigos 1997 (cortisol up at peak IL-6 of 22-65 pg/mL, more at 290)"),
    param("cortisol.tnf_max", 1.0, "1", (0.0, 10.0),
          "Maximal relative rise of cortisol production caused by circulating TNF-alpha (through ACTH)",
          "TNF-alpha given to humans raises ACTH and cortisol 2- to 4-fold (Michie 1988 Surgery 104:280; van der Poll "
          "1991 Am J Physiol 261:E457; Gisslinger 1993 Clin Endocrinol 38:525); after endotoxin cortisol peaks 2-4 h, "
          "after TNF-alpha (Schreiber 1993; van der Poll 1996)"),
    param("cortisol.tnf_half_pg_ml", 100.0, "pg/mL", (5.0, 2000.0),
          "TNF-alpha rise above rest giving half the maximal cortisol response",
          "Michie 1988 (stress hormones rose once TNF-alpha reached the levels seen after 4 ng/kg endotoxin)"),
    param("cortisol.hypoglycaemia_max", 5.882, "1", (0.0, 10.0),
          "Maximal relative rise of cortisol production caused by falling plasma glucose (through ACTH)",
          "Tabata 1984 Clin Physiol 4:299 (ACTH 44 -> 313 ng/L and cortisol 2.7-fold once blood glucose fell to "
          "2.6 mmol/L in fasted cycling); Tabata 1991 J Appl Physiol 71:1807 (the rise abolished with glucose held at "
          "rest: the hypoglycaemia term stays off there, B190)"),
    param("cortisol.hypoglycaemia_half_mmol_l", 3.7, "mmol/L", (2.8, 4.2),
          "Plasma glucose at which the ACTH-cortisol response to hypoglycaemia is half on",
          "Tabata 1984 (ACTH rose as blood glucose fell below ~3.3 mmol/L: 3.7 in plasma by the IFCC factor 1.11); "
          "Mitrakou 1991 Am J Physiol 260:E67 (counter-regulatory thresholds 3.6-3.8 mmol/L in arterialised plasma)"),
    param("cortisol.clearance_ml_min_kg", 4.45, "mL/min/kg", (1.3, 9.0),
          "Clearance of infused cortisol (plasma rise at steady state = infusion rate / clearance)",
          "20 mg hydrocortisone i.v. in patients with adrenal insufficiency: median clearance 0.267 L/h/kg, range "
          "0.076-0.540 (Thomson 2007 Clin Endocrinol 66:789). Not fitted: no target measures cortisol during an "
          "infusion. At 3 ug/kg/min cortisol ends a 6-h infusion at about 2,200 nmol/L. The model clears all cortisol "
          "at one rate (half-life 69 min); after a bolus the measured half-life is longer (median 2.2 h, Thomson "
          "2007)"),
)


def equations(x) -> Equations:
    p = x.p
    cortisol = x.state("cortisol_nmol_l")
    exposure = x.state("il6_exposure_pg_ml")
    # The HPA axis answers circulating cytokines, so cortisol lags TNF-alpha rather than rising with it.
    tnf_rise = x.state("tnf_alpha_pg_ml") - x.param("tnf_alpha.baseline_pg_ml")
    il6_drive = il6_action_above_rest(x, exposure, p.il6_half_pg_ml)
    # Zero at and above resting glucose: hypoglycaemia adds to production, a fed state takes nothing away.
    hypoglycaemia = maximum(
        hill(p.hypoglycaemia_half_mmol_l, x.state("plasma_glucose_mmol_l"), HYPOGLYCAEMIA_HILL)
        - hill(p.hypoglycaemia_half_mmol_l, x.param("plasma_glucose.baseline_mmol_l"), HYPOGLYCAEMIA_HILL),
        0.0,
    )
    adrenaline_drive = x.var("adrenaline_drive_rel")
    # A graded share follows the sympathetic drive; ACTH adds a steep share above the threshold intensity.
    exercise_rise = (p.exercise_gain * adrenaline_drive
                     + p.exercise_threshold_gain * hill(maximum(adrenaline_drive, 0.0), p.exercise_threshold_drive,
                                                        EXERCISE_THRESHOLD_HILL))
    # Cortisol restrains its own exercise drive, so the rise levels off below where the drive alone would take it.
    glucocorticoid_feedback = (p.baseline_nmol_l / maximum(cortisol, 1.0)) ** p.feedback_order
    production = (
        1.0
        + exercise_rise * glucocorticoid_feedback
        + p.hypoglycaemia_max * hypoglycaemia
        + p.il6_max * il6_drive
        + p.tnf_max * hill(tnf_rise, p.tnf_half_pg_ml, 1.0)
    )
    # Infused cortisol adds rate/clearance to the steady state and reaches it at the elimination rate.
    infused_steady_rise = (
        x.input("hydrocortisone_infusion_ug_kg_min") * NMOL_PER_UG_CORTISOL / (p.clearance_ml_min_kg * 1e-3)
    )
    return Equations(
        derivatives={"cortisol_nmol_l": p.elimination_rate_per_min
                     * (p.baseline_nmol_l * production + infused_steady_rise - cortisol)},
        rest={"cortisol_nmol_l": p.baseline_nmol_l},
    )


CORTISOL = Compartment(
    name="cortisol",
    title="Cortisol",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
)
