"""Liver glycogen and hepatic glucose output (endogenous glucose production, mg/kg/min).

Output is glycogenolysis plus gluconeogenesis. Exercise raises both through the
sympatho-adrenal (and glucagon) drive; IL-6 raises glycogenolysis only during exercise
(it has no hepatic effect at rest). In exercise, glucose absorbed from the gut replaces
the exercise rise of glycogenolysis mg for mg while plasma glucose is above rest
(feed-forward control matches output to uptake); the hold is taken to be the insulin that
absorbed glucose keeps up, so below rest it falls with glucose at the order of
insulin-mediated disposal (about 96% of it is left at resting glucose, where the smooth cap
reads 0.986). Absorbed carbohydrate also raises plasma glucose, and the insulin that
follows suppresses glycogenolysis; it refills liver glycogen, little
while exercise lasts. Falling glucose raises gluconeogenesis (glucagon). As glycogen
runs out, output falls back towards gluconeogenesis. In intense exercise the
sympatho-adrenal drive raises output beyond working muscle's uptake and holds off the
insulin that would brake it, so glucose rises. At rest the post-absorptive glycogenolysis is
balanced by habitual intake, so rest is a steady state.
"""

from myokine_sim.expr import exp, hill, log, maximum, minimum, softplus
from myokine_sim.model.core import MG_PER_G, Compartment, Equations, Quantity, param
from myokine_sim.model.exercise import catecholamine_drive_target
from myokine_sim.model.plasma_glucose import counter_regulatory_glucose, intense_exercise_switch
from myokine_sim.model.plasma_il6 import il6_action_above_rest

#: Width of the smooth positive parts of liver glycogen depletion and of the glucose rise (fractions of rest).
DEPLETION_WIDTH = 0.02
#: Steepness of the intense-exercise switch in the catecholamine drive the work rate holds (model assumption: a
#: threshold; with the drive a power 2.5 of intensity it is under a tenth on at 74% VO2max and over nine tenths
#: at 87%).
INTENSE_DRIVE_HILL = 16.0
#: Rate constants of the intense-exercise switch: on at up to 5/min (times the target's square, see below), so
#: within a minute or two for a full target; off over 20-40 min, as insulin regains its hold in recovery and
#: glucose is back in 40-60 min (Marliss & Vranic 2002 Diabetes 51 Suppl 1:S271).
INTENSE_ON_RATE_PER_MIN = 5.0
INTENSE_OFF_RATE_PER_MIN = 0.05
#: Switch level below which neither target nor switch counts as leading (keeps the rate defined at rest).
INTENSE_LEAD_FLOOR = 0.01
#: Sharpness of the choice between the fast and slow rate (model assumption): a target a quarter below the switch
#: leaves a tenth of the fast rate (times the target's square), so a partial fall of the target (oxygen uptake's
#: off-kinetics, interval steps) is followed slowly; a steeper choice makes explicit solvers lose their error
#: control where the switch holds a partial target.
INTENSE_LEAD_POWER = 8.0
#: Power of the target in the fast rate (model assumption, chosen for the solver; see docs/architecture.md): a
#: small target, as in moderate exercise, is approached at about the slow rate instead of 5/min, which LSODA
#: otherwise follows step by step. Consistent with, not derived from, the catecholamines' graded hold on insulin.
INTENSE_TARGET_RATE_POWER = 2.0

STATES = (
    Quantity("liver_glycogen_g", "g", "Liver glycogen", scale=1.0),
    Quantity("intense_exercise_fraction", "1",
             "How far the glucose response of intense exercise is switched on (0-1): on with an intense work "
             "rate, off over the recovery",
             scale=0.01),
)
OUTPUTS = (
    Quantity("hepatic_glucose_output_mg_kg_min", "mg/kg/min", "Endogenous (hepatic) glucose production"),
    Quantity("hepatic_glycogenolysis_mg_kg_min", "mg/kg/min", "Hepatic glycogenolysis"),
    Quantity("liver_glycogen_depletion_fraction", "1", "Liver glycogen below its resting level, as a fraction of it"),
    Quantity("liver_glucose_storage_g_min", "g/min", "Ingested glucose stored as liver glycogen"),
    Quantity("exercise_glucose_demand_mg_kg_min", "mg/kg/min",
             "Working muscle's glucose uptake at resting glucose, matched by the liver's exercise output when its "
             "store is full, no carbohydrate is absorbed and the intense-exercise switch is off"),
)

PARAMETERS = (
    param("liver.glucose_output_rest_mg_kg_min", 2.0, "mg/kg/min", (1.2, 3.5),
          "Resting post-absorptive hepatic glucose output",
          "~1.9-2 mg/kg/min post-absorptive (Taylor 1996 J Clin Invest 97:126; Romijn 1993 Am J Physiol 265:E380)"),
    param("liver.glycogenolysis_share_rest", 0.4, "1", (0.1, 0.7),
          "Share of resting output from glycogenolysis (the rest is gluconeogenesis)",
          "Rothman 1991 Science 254:573 (gluconeogenesis 64% of output after an overnight fast)"),
    param("liver.glycogen_rest_g", 100.0, "g", (40.0, 160.0),
          "Liver glycogen after an overnight fast",
          "Gonzalez 2015 Am J Physiol Endocrinol Metab 309:E1032 (454 mmol/L by 13C-MRS, ~100-130 g); Rothman 1991"),
    param("liver.glycogen_half_fraction", 0.25, "1", (0.05, 0.6),
          "Liver glycogen (fraction of rest) at which glycogenolysis is half-maximal",
          "Model assumption: glycogenolysis falls as the store empties, so output falls late in prolonged exercise "
          "(Ahlborg 1974 J Clin Invest 53:1080)"),
    param("liver.exercise_gain", 7.202, "1", (0.2, 8.0),
          "Relative rise of glycogenolysis at catecholamine drive 1 (moderate exercise)",
          "Glucose Ra roughly doubles at 65% VO2max (Romijn 1993); 120-min cycling glucose Ra ~51 umol/kg/min "
          "(Jeukendrup 1999 J Physiol 515:579)"),
    param("liver.gluconeogenesis_exercise_gain", 0.5, "1", (0.0, 3.0),
          "Relative rise of gluconeogenesis at catecholamine drive 1",
          "Ahlborg 1974 (splanchnic gluconeogenic precursor uptake rises during prolonged exercise)"),
    param("liver.gluconeogenesis_glucose_order", 0.3165, "1", (0.0, 4.0),
          "Order of gluconeogenesis in falling plasma glucose (x (rest/glucose)^order): glucagon rises and insulin "
          "falls as glucose falls",
          "Ahlborg 1974 J Clin Invest 53:1080 (splanchnic uptake of gluconeogenic precursors rose through 4 h of "
          "exercise, gluconeogenesis ~45% of output at the end); Wasserman 1989 Am J Physiol 257:E108 (glucagon's "
          "rise drives much of the exercise rise of hepatic output)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("liver.il6_max", 2.994, "1", (0.0, 3.0),
          "Maximal relative rise of exercise-stimulated glycogenolysis caused by IL-6",
          "Febbraio 2004 Diabetes 53:1643 (rhIL-6 raised glucose Ra during 40% VO2max exercise); no effect at rest "
          "(Steensberg 2003 Am J Physiol 285:E433; Petersen 2005 Am J Physiol 288:E155)"),
    param("liver.il6_exercise_half_pct", 20.0, "%VO2max", (5.0, 60.0),
          "Whole-body intensity at which IL-6's hepatic effect is half switched on",
          "Febbraio 2004 Diabetes 53:1643 (effect at 40% VO2max); none at rest (Steensberg 2003; Petersen 2005)"),
    param("liver.il6_half_pg_ml", 5.193, "pg/mL", (5.0, 500.0),
          "Tissue IL-6 exposure giving half the maximal effect on glucose output",
          "Febbraio 2004 (effect at IL-6 matched to moderate-intensity exercise)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value, at its bound (see the held parameters in docs/validation.md)"),
    param("liver.carbohydrate_suppression", 0.9, "1", (0.0, 1.0),
          "Fractional suppression of glycogenolysis when plasma glucose (and with it insulin) is well above rest",
          "Jeukendrup 1999 Am J Physiol 276:E672 (a 22% glucose drink completely suppressed hepatic output); "
          "Edgerton 2001 Diabetes 50:1872 (small rises of insulin stop hepatic glycogenolysis, not gluconeogenesis)"),
    param("liver.suppression_half_glucose_rise", 0.09948, "1", (0.01, 0.5),
          "Rise of plasma glucose over rest (fraction of resting glucose) giving half the suppression of "
          "glycogenolysis",
          "Taylor 1996 J Clin Invest 97:126 (hepatic output completely suppressed within 30 min of a mixed meal); "
          "Edgerton 2001 (insulin at twice basal, the response to a small glucose rise, stopped glycogenolysis)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("liver.intense_surplus_max", 0.6038, "1", (0.0, 0.9),
          "Share of the exercise rise of glycogenolysis that working muscle does not take up in intense exercise "
          "(the catecholamine-driven output outruns uptake), at full switch",
          "Marliss & Vranic 2002 Diabetes 51 Suppl 1:S271 (above ~80% VO2max glucose Ra rises 7-8-fold, Rd only "
          "3-4-fold, so glucose rises); Kreisman 2000 Am J Physiol Endocrinol Metab 278:E786 (peak Ra 13.8, "
          "Rd 9.3 mg/kg/min in 15 min at >84% VO2max)"),
    param("liver.intense_half_drive", 1.6, "1", (1.2, 3.0),
          "Catecholamine drive that the work rate holds at steady state at which the intense-exercise switch is "
          "half on (1 at the reference intensity; 1.6 at about 78% VO2max)",
          "Marliss & Vranic 2002 (glucose rises above ~80% VO2max, not at moderate intensity; Romijn 1993 Am J "
          "Physiol 265:E380); not fitted: the targets do not separate it from liver.intense_surplus_max "
          "(correlation 0.98 when both were fitted)"),
    param("liver.refill_rate_per_min", 5e-4, "1/min", (5e-5, 5e-3),
          "Fractional return of liver glycogen to rest without carbohydrate",
          "Model assumption: habitual intake refills the liver over a day (Rothman 1991)"),
    param("liver.carbohydrate_uptake_fraction", 0.2147, "1", (0.05, 0.6),
          "Share of ingested glucose stored as liver glycogen",
          "Taylor 1996 J Clin Invest 97:126 (liver glycogen 207 -> 316 mmol/L after a mixed meal; ~20% of meal "
          "carbohydrate); Gonzalez 2015 (glucose drinks prevented the fall in exercise)"),
    param("liver.exercise_storage_brake", 14.77, "1", (0.5, 20.0),
          "Fall of liver storage of ingested glucose per unit of catecholamine drive (storage / (1 + brake x drive))",
          "Model assumption for the form; Gonzalez 2015 Am J Physiol Endocrinol Metab 309:E1032 (glucose drinks "
          "through 3 h of cycling held liver glycogen, did not raise it: target B46); Jeukendrup 1999 J Physiol "
          "515:579 (96-100% of the glucose leaving plasma in exercise was oxidised)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("liver.glycogen_max_g", 249.9, "g", (100.0, 250.0),
          "Liver glycogen capacity (fed state)",
          "Taylor 1996 (postprandial peak ~1.5x the fasting level)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value, at its bound (see the held parameters in docs/validation.md)"),
)


def equations(x) -> Equations:
    p = x.p
    glycogen = maximum(x.state("liver_glycogen_g"), 0.0)
    drive = x.state("catecholamine_drive_rel")
    exposure = x.state("il6_exposure_pg_ml")
    body_mass = x.param("subject.body_mass_kg")

    il6_effect = p.il6_max * il6_action_above_rest(x, exposure, p.il6_half_pg_ml)
    store = hill(glycogen / p.glycogen_rest_g, p.glycogen_half_fraction, 2.0) / hill(
        1.0, p.glycogen_half_fraction, 2.0
    )
    glycogenolysis_rest = p.glucose_output_rest_mg_kg_min * p.glycogenolysis_share_rest
    gluconeogenesis_rest = p.glucose_output_rest_mg_kg_min * (1.0 - p.glycogenolysis_share_rest)
    il6_in_exercise = il6_effect * hill(x.var("systemic_intensity_pct_vo2max"), p.il6_exercise_half_pct, 2.0)
    glycogenolysis_rise = glycogenolysis_rest * (p.exercise_gain * drive + il6_in_exercise)
    gluconeogenesis_rise = gluconeogenesis_rest * p.gluconeogenesis_exercise_gain * drive
    glucose_relative = counter_regulatory_glucose(x)
    counter_regulation = (1.0 / glucose_relative) ** p.gluconeogenesis_glucose_order
    # Insulin follows plasma glucose, so absorbed carbohydrate suppresses glycogenolysis only as far as it raises
    # glucose: it can never take away more glucose than it brings. Softplus rise (width 2%), normalised at rest.
    glucose_rise = softplus(glucose_relative - 1.0, DEPLETION_WIDTH)
    softplus_at_rest = DEPLETION_WIDTH * log(2.0)

    def insulin_suppression(rise):
        # Second order, so a glucose fall below rest frees little glycogenolysis (at most a few per cent).
        return 1.0 - p.carbohydrate_suppression * hill(rise, p.suppression_half_glucose_rise, 2.0)

    # In intense exercise alpha-adrenergic inhibition of insulin secretion holds off insulin's brake, and the
    # catecholamine-driven output outruns the uptake it is matched to: glucose rises. Zero at rest.
    intense = intense_exercise_switch(x)
    # Reads the drive oxygen uptake holds, not the lagging drive, so uptake rises through the bout (Kreisman 2000);
    # capped where the switch is full anyway, so the 16th power stays small.
    capped_drive_target = minimum(catecholamine_drive_target(x), 3.0 * p.intense_half_drive)
    intense_target = hill(capped_drive_target, p.intense_half_drive, INTENSE_DRIVE_HILL)
    intense_gap = intense_target - x.state("intense_exercise_fraction")
    # Near target^2 while the target is above the switch, near 0 once it falls below: a smooth choice of the fast
    # or slow rate (a max/min kink at the point where the switch rests stalls CVODE there), the fast one scaled by
    # the target's square.
    target_lead_term = intense_target**INTENSE_LEAD_POWER
    target_leads = intense_target**INTENSE_TARGET_RATE_POWER * target_lead_term / (
        target_lead_term + x.state("intense_exercise_fraction") ** INTENSE_LEAD_POWER
        + INTENSE_LEAD_FLOOR**INTENSE_LEAD_POWER
    )
    # Gut hormones amplify the insulin that a glucose rise brings (1 when nothing is absorbed).
    insulin_brake = 1.0 - insulin_suppression(glucose_rise * x.var("incretin_amplification_rel")) / insulin_suppression(
        softplus_at_rest)
    # The switch holds off only the brake of a rise; below rest (brake < 0) it stays (a kink at rest while on).
    suppression = 1.0 - maximum(insulin_brake, 0.0) * (1.0 - intense) - minimum(insulin_brake, 0.0)
    # Feed-forward control matches the output to muscle uptake, so absorbed glucose, all of which passes the liver
    # in the portal vein, replaces the exercise rise of glycogenolysis (before store and insulin scale it) while
    # plasma glucose holds. The hold is taken to be insulin's (carbohydrate keeps insulin from falling in exercise:
    # Coyle 1983): as glucose falls, insulin falls with it, at the order of insulin-mediated disposal (model
    # assumption: no target informed a separate order), and the drive releases glycogen.
    portal_glucose_mg_kg_min = x.var("exogenous_glucose_ra_g_min") * MG_PER_G / body_mass
    # Glucose capped smoothly at rest (g - softplus(g - 1), 0.986 at rest, so the hold is ~0.96 there and full only
    # above rest): no kink where glucose settles with drinks.
    portal_hold = (glucose_relative - glucose_rise) ** x.param("plasma_glucose.insulin_disposal_order")
    # A kink where the gut supply meets the exercise rise: crossed as drinks come and go, not settled on.
    released_rise = maximum(glycogenolysis_rise - portal_glucose_mg_kg_min * portal_hold, 0.0)
    glycogenolysis = (glycogenolysis_rest + released_rise) * suppression * store
    gluconeogenesis = (gluconeogenesis_rest + gluconeogenesis_rise) * counter_regulation
    # mg/kg/min x kg / 1000 = g/min; habitual intake balances the resting glycogenolysis.
    net_breakdown = (glycogenolysis - glycogenolysis_rest) * body_mass / MG_PER_G
    refill = p.refill_rate_per_min * (p.glycogen_rest_g - x.state("liver_glycogen_g"))
    # Working muscle takes the ingested glucose in exercise (the liver stores little then; Gonzalez 2015).
    storage = p.carbohydrate_uptake_fraction * x.var("exogenous_glucose_ra_g_min") * (
        1.0 - glycogen / p.glycogen_max_g
    ) / (1.0 + p.exercise_storage_brake * drive)
    return Equations(
        derivatives={
            "liver_glycogen_g": refill + storage - net_breakdown,
            # Fast on, slow off (target_leads picks and scales the rate): insulin's brake returns over 20-40 min of
            # recovery.
            "intense_exercise_fraction": (
                INTENSE_OFF_RATE_PER_MIN + (INTENSE_ON_RATE_PER_MIN - INTENSE_OFF_RATE_PER_MIN) * target_leads
            ) * intense_gap,
        },
        rest={"liver_glycogen_g": p.glycogen_rest_g, "intense_exercise_fraction": 0.0},
        variables={
            "hepatic_glucose_output_mg_kg_min": glycogenolysis + gluconeogenesis,
            "hepatic_glycogenolysis_mg_kg_min": glycogenolysis,
            "liver_glucose_storage_g_min": storage,
            # Feed-forward control: the liver's exercise output is set by the muscle's uptake (Wasserman 2009 Am J
            # Physiol 296:E11), so that uptake is the output's exercise rise before store and carbohydrate limit it,
            # less the share that intense exercise leaves unmatched.
            "exercise_glucose_demand_mg_kg_min": glycogenolysis_rise * (1.0 - p.intense_surplus_max * intense)
            + gluconeogenesis_rise,
            # Softplus (width 2%) shifted to 0 at rest: no kink at the resting state; a fed liver (above
            # rest) gives at most -0.014, a slight fall of fasting lipolysis.
            # Written out, not expr.softplus: its max/min pieces stalled CVODE in the SBML export; the argument
            # stays within -75 to 50 (glycogen 0 to its capacity), so exp cannot overflow.
            "liver_glycogen_depletion_fraction": DEPLETION_WIDTH
            * (log(1.0 + exp((1.0 - glycogen / p.glycogen_rest_g) / DEPLETION_WIDTH)) - log(2.0)),
        },
    )


LIVER = Compartment(
    name="liver",
    title="Liver glycogen and hepatic glucose output",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
