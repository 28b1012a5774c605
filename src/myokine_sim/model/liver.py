"""Liver glycogen and hepatic glucose output (endogenous glucose production, mg/kg/min).

Output is glycogenolysis plus gluconeogenesis. Exercise raises both through the
sympatho-adrenal (and glucagon) drive; IL-6 raises glycogenolysis only during
exercise (it has no hepatic effect at rest). Ingested carbohydrate
suppresses glycogenolysis and refills liver glycogen; as glycogen runs out,
output falls back towards gluconeogenesis. At rest the post-absorptive
glycogenolysis is balanced by habitual intake, so rest is a steady state.
"""

from myokine_sim.expr import exp, hill, log, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

#: Width of the smooth positive part of liver glycogen depletion (fraction of the resting store).
DEPLETION_WIDTH = 0.02

STATES = (Quantity("liver_glycogen_g", "g", "Liver glycogen", scale=1.0),)
OUTPUTS = (
    Quantity("hepatic_glucose_output_mg_kg_min", "mg/kg/min", "Endogenous (hepatic) glucose production"),
    Quantity("hepatic_glycogenolysis_mg_kg_min", "mg/kg/min", "Hepatic glycogenolysis"),
    Quantity("liver_glycogen_depletion_fraction", "1", "Liver glycogen below its resting level, as a fraction of it"),
    Quantity("liver_glucose_storage_g_min", "g/min", "Ingested glucose stored as liver glycogen"),
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
          "Gonzalez 2015 Am J Physiol 309:E1032 (454 mmol/L by 13C-MRS, ~100-130 g); Rothman 1991"),
    param("liver.glycogen_half_fraction", 0.25, "1", (0.05, 0.6),
          "Liver glycogen (fraction of rest) at which glycogenolysis is half-maximal",
          "Model assumption: glycogenolysis falls as the store empties, so output falls late in prolonged exercise "
          "(Ahlborg 1974 J Clin Invest 53:1080)"),
    param("liver.exercise_gain", 7.194, "1", (0.2, 8.0),
          "Relative rise of glycogenolysis at catecholamine drive 1 (moderate exercise)",
          "Glucose Ra roughly doubles at 65% VO2max (Romijn 1993); 120-min cycling glucose Ra ~51 umol/kg/min "
          "(Jeukendrup 1999 J Physiol 515:579)"),
    param("liver.gluconeogenesis_exercise_gain", 0.5, "1", (0.0, 3.0),
          "Relative rise of gluconeogenesis at catecholamine drive 1",
          "Ahlborg 1974 (splanchnic gluconeogenic precursor uptake rises during prolonged exercise)"),
    param("liver.il6_max", 2.995, "1", (0.0, 3.0),
          "Maximal relative rise of exercise-stimulated glycogenolysis caused by IL-6",
          "Febbraio 2004 Diabetes 53:1643 (rhIL-6 raised glucose Ra during 40% VO2max exercise); no effect at rest "
          "(Steensberg 2003 Am J Physiol 285:E433; Petersen 2005 Am J Physiol 288:E155)"),
    param("liver.il6_exercise_half_pct", 20.0, "%VO2max", (5.0, 60.0),
          "Whole-body intensity at which IL-6's hepatic effect is half switched on",
          "Febbraio 2004 Diabetes 53:1643 (effect at 40% VO2max); none at rest (Steensberg 2003; Petersen 2005)"),
    param("liver.il6_half_pg_ml", 5.444, "pg/mL", (5.0, 500.0),
          "Tissue IL-6 exposure giving half the maximal effect on glucose output",
          "Febbraio 2004 (effect at IL-6 matched to moderate-intensity exercise)"),
    param("liver.carbohydrate_suppression", 0.9, "1", (0.0, 1.0),
          "Fractional suppression of glycogenolysis at full glucose availability",
          "Jeukendrup 1999 Am J Physiol 276:E672 (a 22% glucose drink completely suppressed hepatic output)"),
    param("liver.refill_rate_per_min", 5e-4, "1/min", (5e-5, 5e-3),
          "Fractional return of liver glycogen to rest without carbohydrate",
          "Model assumption: habitual intake refills the liver over a day (Rothman 1991)"),
    param("liver.carbohydrate_uptake_fraction", 0.1998, "1", (0.05, 0.6),
          "Share of ingested glucose stored as liver glycogen",
          "Taylor 1996 J Clin Invest 97:126 (liver glycogen 207 -> 316 mmol/L after a mixed meal; ~20% of meal "
          "carbohydrate); Gonzalez 2015 (glucose drinks prevented the fall in exercise)"),
    param("liver.glycogen_max_g", 250.0, "g", (100.0, 250.0),
          "Liver glycogen capacity (fed state)",
          "Taylor 1996 (postprandial peak ~1.5x the fasting level)"),
)


def equations(x) -> Equations:
    p = x.p
    glycogen = maximum(x.state("liver_glycogen_g"), 0.0)
    drive = x.state("catecholamine_drive_rel")
    exposure = x.state("il6_exposure_pg_ml")
    resting_il6 = x.var("resting_plasma_il6_pg_ml")
    availability = x.var("glucose_availability_fraction")
    body_mass = x.param("subject.body_mass_kg")

    il6_effect = p.il6_max * (hill(exposure, p.il6_half_pg_ml, 1.0) - hill(resting_il6, p.il6_half_pg_ml, 1.0))
    store = hill(glycogen / p.glycogen_rest_g, p.glycogen_half_fraction, 2.0) / hill(
        1.0, p.glycogen_half_fraction, 2.0
    )
    glycogenolysis_rest = p.glucose_output_rest_mg_kg_min * p.glycogenolysis_share_rest
    glycogenolysis = (
        glycogenolysis_rest
        * (1.0 + p.exercise_gain * drive + il6_effect * hill(x.var("systemic_intensity_pct_vo2max"), p.il6_exercise_half_pct, 2.0))
        * (1.0 - p.carbohydrate_suppression * availability)
        * store
    )
    gluconeogenesis = (
        p.glucose_output_rest_mg_kg_min * (1.0 - p.glycogenolysis_share_rest) * (1.0 + p.gluconeogenesis_exercise_gain * drive)
    )
    # mg/kg/min x kg / 1000 = g/min; habitual intake balances the resting glycogenolysis.
    net_breakdown = (glycogenolysis - glycogenolysis_rest) * body_mass / 1000.0
    refill = p.refill_rate_per_min * (p.glycogen_rest_g - x.state("liver_glycogen_g"))
    # Working muscle takes the ingested glucose in exercise (the liver stores little then; Gonzalez 2015).
    storage = p.carbohydrate_uptake_fraction * x.var("exogenous_glucose_ra_g_min") * (
        1.0 - glycogen / p.glycogen_max_g
    ) / (1.0 + drive)
    return Equations(
        derivatives={"liver_glycogen_g": refill + storage - net_breakdown},
        rest={"liver_glycogen_g": p.glycogen_rest_g},
        variables={
            "hepatic_glucose_output_mg_kg_min": glycogenolysis + gluconeogenesis,
            "hepatic_glycogenolysis_mg_kg_min": glycogenolysis,
            "liver_glucose_storage_g_min": storage,
            # Softplus (width 2%) shifted to 0 at rest: no kink at the resting state; a fed liver (above
            # rest) gives at most -0.014, a slight fall of fasting lipolysis.
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
