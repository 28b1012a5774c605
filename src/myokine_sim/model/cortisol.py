"""Plasma cortisol: raised by hard or long exercise, by falling glucose, by IL-6 and by TNF-alpha (the response to
endotoxin), and by infused hydrocortisone (cortisol itself). The liver removes the cortisol that corticosteroid-binding
globulin (CBG) does not hold, so removal quickens once CBG saturates and high production levels off."""

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
OUTPUTS = (
    Quantity("free_cortisol_nmol_l", "nmol/L",
             "Plasma cortisol bound to neither CBG nor albumin: the share tissues and saliva see"),
)

PARAMETERS = (
    param("cortisol.baseline_nmol_l", 350.0, "nmol/L", (150.0, 700.0),
          "Resting (morning) plasma cortisol", "Typical morning value 250-550 nmol/L"),
    param("cortisol.elimination_rate_per_min", 0.01, "1/min", (0.003, 0.05),
          "Plasma cortisol elimination rate at rest (resting removal over resting cortisol)",
          "Plasma half-life ~60-90 min; cortisol back to baseline ~4-5 h after its endotoxin peak (Schreiber 1993). "
          "Since CBG holds little of a rise, a small rise decays 1.5 times faster than this rate (half-life 47 min; "
          "total cortisol's 49 min in Keenan 2004 Am J Physiol Endocrinol Metab) and a large one faster still"),
    param("cortisol.exercise_threshold_gain", 3.0, "1", (0.0, 10.0),
          "Relative rise of cortisol production above the exercise threshold of the ACTH response (fully on). It "
          "follows the adrenaline drive, which also rises as glucose falls, so in a fasted run it adds to the "
          "hypoglycaemia term",
          "Hill 2008 J Endocrinol Invest 31:587 (+18% and +52% after 30 min at 60 and 80% VO2max once corrected for "
          "the fall in plasma volume, none at 40%); Farrell 1983 J Appl Physiol 55:1441 (ACTH 57 -> 128 pg/mL after "
          "20 min of running at 80%, no significant rise at 65%); Tabata 1991 J Appl Physiol 71:1807 (no rise in 3 h "
          "at 50% VO2max with glucose held at rest, B190). Until 2026-12-07 a graded term below the threshold and a "
          "restraint of exercise production by cortisol itself stood beside it; neither was identified (the graded "
          "gain went to its floor, the restraint's order correlated beyond 0.99 with this gain), and once removal "
          "quickens as CBG saturates the refit without them identifies this gain and its drive"),
    param("cortisol.exercise_threshold_drive", 0.85, "1", (0.4, 1.5),
          "Adrenaline drive at which the exercise threshold term is half on",
          "Hill 2008 (ACTH rose only at 80% VO2max; cortisol +18% at 60%, corrected); Farrell 1983 (ACTH unchanged "
          "at 65%, raised at 80%); Davies & Few 1973 J Appl Physiol 35:887 (1 h above ~60% VO2max raises cortisol). "
          "Tremblay 2005 Eur J Appl Physiol 94:505 (no rise after 80 min at 55%) is held out to check it (B187-B189)"),
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
          "rest: the hypoglycaemia term stays off there, B190). The fitted gain (9.5) is above the adrenal's maximal "
          "secretion (Dorin 2012 J Clin Endocrinol Metab, PMID 22337905: at most 0.44 nmol/L/s, about 7.5 times the "
          "model's resting 3.5 nmol/L/min): the model's glucose reaches the threshold late in Tabata's ride, so the "
          "fit asks for a fast rise"),
    param("cortisol.hypoglycaemia_half_mmol_l", 3.7, "mmol/L", (2.8, 4.2),
          "Plasma glucose at which the ACTH-cortisol response to hypoglycaemia is half on",
          "Tabata 1984 (ACTH rose as blood glucose fell below ~3.3 mmol/L: 3.7 in plasma by the IFCC factor 1.11); "
          "Mitrakou 1991 Am J Physiol 260:E67 (counter-regulatory thresholds 3.6-3.8 mmol/L in arterialised plasma)"),
    param("cortisol.cbg_capacity_nmol_l", 420.0, "nmol/L", (0.0, 900.0),
          "Cortisol-binding capacity of plasma corticosteroid-binding globulin (CBG); 0 makes cortisol's removal "
          "linear",
          "Melin 2019 Clin Endocrinol 91:33 (plasma CBG 21.8 ug/mL, about 420 nmol/L of sites at one per 52-kDa "
          "molecule; its 24-h swing 5.5%). With it 63% of resting cortisol is on CBG and 9% free, at the upper end "
          "of reports (Lewis 2005: under 6% free). A capacity of 700 would make clearance at 2,000 nmol/L 3.1 times "
          "the resting one, not 2.2. Not fitted"),
    param("cortisol.cbg_dissociation_nmol_l", 30.0, "nmol/L", (5.0, 100.0),
          "Free cortisol at which CBG is half occupied",
          "Set so that free cortisol at the resting 350 nmol/L is 33 nmol/L (unbound cortisol 1.2 ug/dL at 8-10 am, "
          "Clin Chim Acta 1980 doi:10.1016/0009-8981(80)90351-4) with this capacity and albumin's share; the same "
          "constants give 117 nmol/L free at 800 nmol/L total, near that study's 99 after ACTH (3.6 ug/dL; the "
          "abstract gives no total then, 800 is taken as a typical peak after ACTH). Not fitted"),
    param("cortisol.albumin_bound_per_free", 3.0, "1", (0.5, 6.0),
          "Albumin-bound cortisol per free cortisol (albumin binds weakly, far from saturation)",
          "Lewis 2005 Clin Chim Acta 359:189 (free cortisol 25% of total with CBG heat-inactivated, 32% in inherited "
          "CBG deficiency: albumin holds about three per free). Not fitted"),
    param("cortisol.clearance_ml_min_kg", 2.2, "mL/min/kg", (0.8, 4.5),
          "Metabolic clearance of total cortisol at rest, where CBG holds most of it (it rises as CBG saturates: "
          "twice this at 2,000 nmol/L). Sets the plasma rise of infused hydrocortisone",
          "Kraan 1998 J Clin Endocrinol Metab 83:1247 (production 25-30 umol/m2/day, about 50 umol/day) over a 24-h "
          "mean near 230 nmol/L gives 2.1 (the model's clearance at 230 is 1.85, so Kraan's production implies about "
          "2.6 here); Esteban 1991 J Clin Endocrinol Metab 72:39 found half that production. At high "
          "levels the model's clearance, 4.7 mL/min/kg at 2,000 nmol/L, is near the 0.267 L/h/kg (4.45 mL/min/kg) "
          "measured after i.v. hydrocortisone (Thomson 2007 Clin Endocrinol 66:789). Not fitted: no target "
          "measures cortisol during an infusion. At 3 ug/kg/min cortisol ends a 6-h infusion near 1,900 nmol/L. The "
          "model has one volume (clearance / elimination rate, 0.22 L/kg): free cortisol's spread into tissues, "
          "which lengthens the half-life after a large bolus to ~2 h (Thomson 2007: median 2.2 h), is not in it"),
)


def unbound_cortisol(total, capacity, dissociation, albumin_per_free):
    """Cortisol not held by CBG (free plus albumin-bound), from total cortisol: the positive root of
    total = (1 + albumin_per_free) free + capacity free / (dissociation + free), written as
    free = 2 dissociation total / (b + sqrt(b^2 + 4 (1 + albumin_per_free) dissociation total)), which does not cancel
    while CBG holds most of it (b > 0); far above saturation its rounding error stays near machine precision."""
    unbound_per_free = 1.0 + albumin_per_free
    b = unbound_per_free * dissociation + capacity - total
    free = 2.0 * dissociation * total / (b + (b * b + 4.0 * unbound_per_free * dissociation * total) ** 0.5)
    return unbound_per_free * free


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
    # ACTH answers exercise only above a threshold intensity (none at 40% VO2max, clear at 80%).
    exercise_rise = p.exercise_threshold_gain * hill(maximum(x.var("adrenaline_drive_rel"), 0.0),
                                                     p.exercise_threshold_drive, EXERCISE_THRESHOLD_HILL)
    production = (
        1.0
        + exercise_rise
        + p.hypoglycaemia_max * hypoglycaemia
        + p.il6_max * il6_drive
        + p.tnf_max * hill(tnf_rise, p.tnf_half_pg_ml, 1.0)
    )
    # The infusion rate over the volume (clearance / elimination rate): the rise it would hold at resting removal.
    infusion_rise_at_rest = (
        x.input("hydrocortisone_infusion_ug_kg_min") * NMOL_PER_UG_CORTISOL / (p.clearance_ml_min_kg * 1e-3)
    )
    # The liver clears cortisol that CBG does not hold; CBG saturates, so removal quickens as cortisol rises.
    binding = (p.cbg_capacity_nmol_l, p.cbg_dissociation_nmol_l, p.albumin_bound_per_free)
    unbound = unbound_cortisol(maximum(cortisol, 0.0), *binding)
    removal = p.baseline_nmol_l * unbound / unbound_cortisol(p.baseline_nmol_l, *binding)
    return Equations(
        derivatives={"cortisol_nmol_l": p.elimination_rate_per_min
                     * (p.baseline_nmol_l * production + infusion_rise_at_rest - removal)},
        rest={"cortisol_nmol_l": p.baseline_nmol_l},
        variables={"free_cortisol_nmol_l": unbound / (1.0 + p.albumin_bound_per_free)},
    )


CORTISOL = Compartment(
    name="cortisol",
    title="Cortisol",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
