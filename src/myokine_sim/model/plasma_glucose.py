"""Plasma glucose: the balance of hepatic output and absorbed carbohydrate against uptake, and its
counter-regulation of the sympatho-adrenal drive.

Working muscle's glucose uptake rises with the load, and the liver's exercise output is matched to it
(feed-forward control), so glucose holds in a moderate bout. Late in a long fasted bout it falls: the
emptying muscle takes up more than the load asks, and the liver's output falls as its glycogen runs
short. It rises when carbohydrate is absorbed faster than it is taken up. Falling glucose raises the
adrenal drive (adrenaline) and, through the liver, gluconeogenesis; absorbed carbohydrate lowers the drive.
In intense exercise glucose rises because the catecholamines outrun uptake (see the liver); that rise
does not lower their drive, and insulin-mediated uptake follows it only by mass action. A fall below
rest is counter-regulated in intense exercise as in any other. While the switch is on, the orders
above and below rest meet there with a kink in slope (in disposal, the adrenal drive and the liver's
insulin brake), which the solver's error control absorbs. The insulin-mediated disposal above rest, which
muscle glycogen stores a share of, has a kink at resting glucose too; at rest it multiplies a synthesis that
is zero at the resting store. While ingested glucose is absorbed, gut hormones (GIP, GLP-1) amplify the
glucose-driven rise of insulin-mediated disposal and of insulin's brake on the liver, as they amplify
glucose-stimulated insulin secretion; exercise's alpha-adrenergic inhibition of insulin secretion fades it.
Insulin's actions are taken to scale with its secretion, without delay or saturation. Disposal is unchanged at
or below resting glucose; the liver's brake reads a smoothed glucose rise (softplus, width 2%), so with glucose
at rest and a load being absorbed it is slightly stronger (glycogenolysis 3% lower at the start of 75 g).
"""

from myokine_sim.expr import Expr, hill, maximum, minimum
from myokine_sim.model.core import MG_PER_G, MG_PER_MMOL, Compartment, Equations, Quantity, param
from myokine_sim.model.glycogen import CONTRACTION_HALF_PCT

#: Floor of glucose in the power laws of counter-regulation: below any level compatible with consciousness, so it
#: never acts in a simulation, but a trial solver step cannot take a power of zero or drive a rate unboundedly.
GLUCOSE_FLOOR_MMOL_L = 1.0
#: Working-muscle glycogen at which the glycogen-sensitive part of contraction-mediated uptake is half on
#: (model assumption, near the middle of the range that prolonged exercise runs through).
UPTAKE_GLYCOGEN_HALF_MMOL_KG = 150.0

#: Ingested glucose appearance at which the gut hormones' amplification is half its maximum (model assumption,
#: with the gain chosen so that the factor is about 1.7 at a 75-g load's early appearance, ~0.7 g/min, as Mari 2013's
#: oral over intravenous insulin secretion was for 75 g). It saturates: gut appearance of a drink is capped near
#: 1.1 g/min, so 125 g gives about 1.65, not Mari's 2.2. Mari's ratio is of total secretion, basal included, so
#: the ratio of the rises is larger (their glucose sensitivity ratio, 1.9-3.1): the amplification is conservative.
INCRETIN_HALF_G_MIN = 1.0
#: Sympatho-adrenal drive at which exercise has halved that amplification (model assumption: alpha-adrenergic
#: inhibition of insulin secretion, Galbo 1977, is well on in moderate exercise, where the drive is near 1). It
#: fades only the incretin share, which keeps the fits of carbohydrate taken during exercise (Coyle 1983).
INCRETIN_EXERCISE_HALF_DRIVE = 0.3


def incretin_amplification(x) -> Expr:
    """Factor by which gut hormones (GIP, GLP-1) amplify insulin's glucose-driven rise while ingested glucose is
    absorbed: 1 with nothing absorbed, fading in exercise. Evaluated once, as ``incretin_amplification_rel``,
    which this module and the liver read."""
    absorbing = hill(maximum(x.var("exogenous_glucose_ra_g_min"), 0.0), INCRETIN_HALF_G_MIN, 1.0)
    resting = 1.0 - hill(maximum(x.state("catecholamine_drive_rel"), 0.0), INCRETIN_EXERCISE_HALF_DRIVE, 2.0)
    return 1.0 + x.param("plasma_glucose.incretin_gain") * absorbing * resting


def counter_regulatory_glucose(x) -> Expr:
    """Plasma glucose relative to rest as counter-regulation reads it (floored), for this module and the liver."""
    return maximum(x.state("plasma_glucose_mmol_l"), GLUCOSE_FLOOR_MMOL_L) / x.param("plasma_glucose.baseline_mmol_l")


def intense_exercise_switch(x) -> Expr:
    """How far the liver's intense-exercise switch is on (its state, held to 0-1), for this module and the liver."""
    return minimum(maximum(x.state("intense_exercise_fraction"), 0.0), 1.0)


STATES = (Quantity("plasma_glucose_mmol_l", "mmol/L", "Plasma glucose", scale=0.5),)
OUTPUTS = (
    Quantity("glucose_uptake_mg_kg_min", "mg/kg/min", "Whole-body glucose disposal (rate of disappearance)"),
    Quantity("insulin_disposal_rise_mg_kg_min", "mg/kg/min",
             "Insulin-mediated glucose disposal above its resting rate (0 at or below resting glucose)"),
    Quantity("incretin_amplification_rel", "1",
             "Amplification of insulin's glucose-driven rise by the gut hormones while ingested glucose is absorbed "
             "(1 with nothing absorbed; fades in exercise)"),
    Quantity("adrenaline_drive_rel", "1",
             "Adrenal medullary drive: the exercise load's sympatho-adrenal drive, raised as glucose falls"),
)

PARAMETERS = (
    param("plasma_glucose.baseline_mmol_l", 5.0, "mmol/L", (4.0, 6.0),
          "Resting post-absorptive plasma glucose",
          "Coggan & Coyle 1987 J Appl Physiol 63:2388 (5.0 mmol/L before exercise); Felig 1982 N Engl J Med 306:895"),
    param("plasma_glucose.distribution_volume_l_kg", 0.19, "L/kg", (0.13, 0.26),
          "Glucose distribution volume",
          "Dalla Man 2007 IEEE Trans Biomed Eng 54:1740 (1.88 dL/kg)"),
    param("plasma_glucose.insulin_disposal_order", 2.763, "1", (1.0, 5.0),
          "Order of resting (insulin-mediated) glucose disposal in plasma glucose: insulin secretion rises and falls "
          "with glucose. The same order sets how the hold of absorbed glucose on the liver's exercise glycogenolysis "
          "(taken to be the insulin it keeps up) falls as glucose falls below rest: a model assumption, as no target "
          "informed a separate order",
          "DeFronzo 1979 Am J Physiol 237:E214 (glucose uptake rises several-fold when a hyperglycaemic clamp "
          "raises glucose by ~7 mmol/L); Coyle 1983 J Appl Physiol 55:230 (a glucose polymer raised blood glucose "
          "only 20-40% in 2 h of cycling, and prevented the exercise fall of insulin); Galbo 1977 Acta Physiol "
          "Scand 101:428 (insulin falls through fasted exercise); for the hold, Jeukendrup 1999 Am J Physiol "
          "276:E672 (hepatic output partially suppressed by a 4% glucose drink, completely by a 22% one) and Angus "
          "2002 Am J Physiol Endocrinol Metab 283:E573 (with an 8% drink liver output never rose above rest through "
          "cycling to fatigue while glucose held)"),
    param("plasma_glucose.incretin_gain", 1.7, "1", (0.0, 4.0),
          "Maximal relative amplification, by the gut hormones, of the glucose-driven rise of insulin-mediated "
          "disposal (and of insulin's brake on the liver) while ingested glucose is absorbed at rest; glucose-"
          "dependent, so disposal is unchanged at or below resting glucose (1 + gain x hill(appearance, 1 g/min): "
          "about 1.7 early in a 75-g load, 1.3 by its 120th minute)",
          "Mari 2013 PLoS ONE 8:e73154 (oral over isoglycaemic intravenous insulin secretion 1.7 for 75 g glucose); "
          "Meier & Nauck 2010 Diabetes 59:1117 (incretins carry 50-70% of the insulin response to a meal); "
          "Galbo 1977 Acta Physiol Scand 101:428 (alpha-adrenergic inhibition lowers insulin in exercise)"),
    param("plasma_glucose.adrenaline_order", 0.4261, "1", (0.0, 3.0),
          "Order of the adrenal medullary drive in falling plasma glucose (drive x (rest/glucose)^order)",
          "Felig 1982 (glucose ingestion blunted the adrenaline rise of prolonged exercise); Nieman 2005 Med Sci "
          "Sports Exerc 37:1283; Mitrakou 1991 Am J Physiol 260:E67 (adrenaline secretion starts as plasma glucose "
          "falls to 3.8 mmol/L at rest)"),
    param("plasma_glucose.depleted_muscle_uptake_mg_kg_min", 68.22, "mg/kg muscle/min", (0.0, 80.0),
          "Extra glucose uptake of working muscle whose glycogen has run out, per kg of active muscle "
          "(x half^4 / (half^4 + glycogen^4)); switched on by contraction (half at 30% VO2max), not scaled by "
          "the load beyond it",
          "Ahlborg 1974 J Clin Invest 53:1080 (leg glucose uptake kept rising through 4 h at only 30% VO2max as "
          "arterial glucose fell); Hargreaves 1995 J Appl Physiol 78:288 (a glycogen-depleted leg took up more "
          "glucose)"),
)


def equations(x) -> Equations:
    p = x.p
    glucose = x.state("plasma_glucose_mmol_l")
    body_mass = x.param("subject.body_mass_kg")
    # Contraction uptake follows glucose down to zero (mass action); counter-regulation reads it floored.
    relative = maximum(glucose, 0.0) / p.baseline_mmol_l
    counter_relative = counter_regulatory_glucose(x)
    # Ingested glucose the liver keeps on first pass never reaches plasma.
    absorbed = (x.var("exogenous_glucose_ra_g_min") - x.var("liver_glucose_storage_g_min")) * MG_PER_G / body_mass
    appearance = x.var("hepatic_glucose_output_mg_kg_min") + absorbed
    # Contraction-mediated uptake (insulin-independent) follows glucose by mass action; resting uptake is
    # insulin-mediated and steeper.
    rest_uptake = x.param("liver.glucose_output_rest_mg_kg_min")
    # The liver matches the load's uptake, not the extra uptake of an emptying muscle, so glucose falls late.
    # It stops with contraction (glycogen resynthesis after exercise is not drawn from this pool).
    working_glycogen = maximum(x.state("working_muscle_glycogen_mmol_kg_dw"), 0.0)
    depleted_uptake = (
        p.depleted_muscle_uptake_mg_kg_min
        * x.var("active_muscle_mass_kg")
        / body_mass
        * hill(maximum(x.state("exercise_vo2_pct_vo2max"), 0.0), CONTRACTION_HALF_PCT, 2.0)
        * hill(UPTAKE_GLYCOGEN_HALF_MMOL_KG, working_glycogen, 4.0)
    )
    contraction_uptake = (x.var("exercise_glucose_demand_mg_kg_min") + depleted_uptake) * relative
    # Intense exercise: alpha-adrenergic inhibition keeps insulin from rising, so disposal follows a rise only by
    # mass action, and the rise does not brake the catecholamines (Kreisman 2000: they rose 12-16-fold).
    intense = intense_exercise_switch(x)
    below, above = minimum(relative, 1.0), maximum(relative, 1.0)
    insulin_order_above = p.insulin_disposal_order - (p.insulin_disposal_order - 1.0) * intense
    # Incretins amplify glucose-stimulated insulin secretion only: the rise above rest, not resting disposal.
    insulin_disposal = rest_uptake * below ** p.insulin_disposal_order * (
        1.0 + (above ** insulin_order_above - 1.0) * x.var("incretin_amplification_rel"))
    uptake = insulin_disposal + contraction_uptake
    pool_mg_per_mmol_l = p.distribution_volume_l_kg * MG_PER_MMOL
    return Equations(
        derivatives={"plasma_glucose_mmol_l": (appearance - uptake) / pool_mg_per_mmol_l},
        rest={"plasma_glucose_mmol_l": p.baseline_mmol_l},
        variables={
            "glucose_uptake_mg_kg_min": uptake,
            "insulin_disposal_rise_mg_kg_min": maximum(insulin_disposal - rest_uptake, 0.0),
            "incretin_amplification_rel": incretin_amplification(x),
            "adrenaline_drive_rel": x.state("catecholamine_drive_rel")
            * (1.0 / minimum(counter_relative, 1.0)) ** p.adrenaline_order
            * (1.0 / maximum(counter_relative, 1.0)) ** (p.adrenaline_order * (1.0 - intense)),
        },
    )


PLASMA_GLUCOSE = Compartment(
    name="plasma_glucose",
    title="Plasma glucose",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
