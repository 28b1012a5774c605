"""Exercise drive: oxygen uptake, catecholamine drive, active muscle mass and energy expenditure."""

from myokine_sim.expr import Expr, exp, maximum, minimum
from myokine_sim.model.core import Compartment, Equations, Quantity, param
from myokine_sim.model.plasma_il6 import il6_action_above_rest

STATES = (
    Quantity("exercise_vo2_pct_vo2max", "%VO2max",
             "Exercise metabolic demand above rest, a first-order lag of the prescribed intensity", scale=10.0),
    Quantity("catecholamine_drive_rel", "1",
             "Sympatho-adrenal drive relative to steady cycling at the reference intensity", scale=0.1),
)

OUTPUTS = (
    Quantity("systemic_intensity_pct_vo2max", "%VO2max",
             "Whole-body exercise intensity (knee extension: a fraction of the leg's intensity)"),
    Quantity("muscle_intensity_pct", "%VO2max",
             "Intensity of the working muscle on the whole-body scale (knee extension loads it more per kg)"),
    Quantity("active_muscle_mass_kg", "kg", "Mass of the working (or most recently working) muscle"),
    Quantity("vo2_l_min", "L/min", "Whole-body oxygen uptake"),
    Quantity("energy_expenditure_kcal_min", "kcal/min", "Whole-body energy expenditure from oxygen uptake and RER"),
)

#: Gap between the catecholamine drive and its target (drive units, 1 at the reference intensity) over which its rate
#: constant switches from the rise to the fall value; beyond 0.005 the switch is complete to within 1e-20.
CATECHOLAMINE_SWITCH_WIDTH = 1e-4

#: Critical-power model of work above VO2max: work above the critical intensity draws on a finite anaerobic capacity
#: W', so the longest bout is W' / (intensity - CP). CP ~85% VO2max and W' ~90 %VO2max.min give ~6 min at 100%
#: (Billat 1994 Eur J Appl Physiol 69:271), ~2.6 min at 120% and ~80 s at 150% (Monod & Scherrer 1965; Hill 1993
#: Sports Med 16:237). Muscle glycogen pays for the glycolytic part of that work (muscle_glycogen).
CRITICAL_INTENSITY_PCT = 85.0
ANAEROBIC_CAPACITY_PCT_MIN = 90.0

#: kcal per litre of O2 at RER 0.7 (fat) and its rise per unit RER (Weir 1949 / Lusk table).
KCAL_PER_L_O2_AT_FAT = 4.686
KCAL_PER_L_O2_PER_RER = 1.232

PARAMETERS = (
    param("exercise.vo2_rate_per_min", 0.8, "1/min", (0.3, 2.0),
          "Rate constant of oxygen-uptake kinetics after a step in workload",
          "Roy & Parker 2007 J Diabetes Sci Technol 1:338 (dPVO2/dt = -0.8 PVO2 + 0.8 u)"),
    param("exercise.catecholamine_rise_rate_per_min", 0.09585, "1/min", (0.02, 0.5),
          "Rate constant of the catecholamine rise after a step up in workload",
          "Catecholamines settle within ~10 min of a workload step (Galbo 1983, Hormonal and Metabolic Adaptation to "
          "Exercise); plasma noradrenaline still rose at the 5th min of a bout (Orizio 1988 Eur J Appl Physiol "
          "57:644); glucose production rose with them through 15 min of intense exercise (Kreisman 2000 Am J Physiol "
          "Endocrinol Metab 278:E786)"),
    param("exercise.catecholamine_fall_rate_per_min", 0.25, "1/min", (0.1, 1.0),
          "Rate constant of the catecholamine fall after a step down in workload (plasma clearance)",
          "Plasma noradrenaline fell with a half-time of 2.8 min after strenuous cycling (Hagberg 1979 J Appl Physiol "
          "47:1311) and with a time constant of 87-101 s after a 1-min lag (Perini 1989 Eur J Appl Physiol 58:879)"),
    param("exercise.catecholamine_ref_pct", 65.0, "%VO2max", (40.0, 90.0),
          "Intensity at which the catecholamine drive is 1",
          "Normalisation at moderate intensity; catecholamines rise steeply above ~50% VO2max (Galbo 1983)"),
    param("exercise.catecholamine_exponent", 2.5, "1", (1.0, 5.0),
          "Steepness of the catecholamine drive with intensity",
          "Curvilinear rise of plasma noradrenaline with %VO2max (Galbo 1983)"),
    param("exercise.quadriceps_mass_kg", 2.5, "kg", (1.5, 4.0),
          "Active muscle mass of one leg in knee extension",
          "Steensberg 2000 J Physiol 529:237 (about 2.5 kg of active muscle)"),
    param("exercise.leg_muscle_fraction", 0.16, "kg/kg", (0.12, 0.3),
          "Skeletal muscle of both legs per kg body mass, all active in cycling",
          "Janssen 2000 J Appl Physiol 89:81 (lower-body muscle ~21% of body mass in men)"),
    param("exercise.running_mass_factor", 1.281, "1", (1.0, 2.0),
          "Active muscle mass in running relative to cycling (trunk, hip and arm muscles also work)",
          "Starkie 2001 J Physiol 533:585 (same vastus IL-6 mRNA, larger plasma IL-6 in running than cycling)"),
    param("exercise.resting_vo2_ml_kg_min", 3.5, "mL/kg/min", (2.5, 5.0),
          "Resting oxygen uptake", "One metabolic equivalent"),
    param("exercise.knee_extension_systemic_fraction", 0.25, "1/leg", (0.1, 0.5),
          "Whole-body oxygen uptake above rest, as a fraction of the leg's relative intensity, per knee-extending leg",
          "Helge 2003 J Physiol 546:299 (two-legged knee extension at 65-85% of leg Wmax: 40% of pulmonary VO2max)"),
    param("exercise.knee_extension_local_factor", 2.448, "1", (1.0, 2.5),
          "Local metabolic load of knee extension per % of leg peak power, relative to whole-body exercise per %VO2max",
          "A small muscle mass takes up about twice the O2 per kg at its peak as in whole-body exercise, where the "
          "heart limits flow (Andersen & Saltin 1985 J Physiol 366:233; Richardson 1993 J Clin Invest 91:2793)"),
    param("exercise.il6_thermogenic_max", 0.158, "1", (0.0, 0.5),
          "Maximal relative rise of resting oxygen uptake caused by IL-6",
          "van Hall 2003 J Clin Endocrinol Metab 88:3005 (energy expenditure +7% at ~140 pg/mL); "
          "Stouthard 1995 Am J Physiol 268:E813 (rhIL-6 raised energy expenditure)"),
    param("exercise.il6_thermogenic_half_pg_ml", 150.0, "pg/mL", (20.0, 2000.0),
          "Tissue IL-6 exposure giving half the maximal thermogenic effect",
          "Tsigos 1997 J Clin Endocrinol Metab 82:4167 (dose-dependent metabolic effects of IL-6 up to ~100s pg/mL)"),
)


def catecholamine_drive_target(x) -> Expr:
    """The catecholamine drive the current whole-body intensity holds at steady state (1 at the reference)."""
    return (x.var("systemic_intensity_pct_vo2max") / x.param("exercise.catecholamine_ref_pct")) ** x.param(
        "exercise.catecholamine_exponent"
    )


def whole_leg_muscle_mass_kg(x) -> Expr:
    """Muscle working in cycling (both legs) or running (with the trunk, hip and arm muscles), in kg wet mass."""
    return x.param("exercise.leg_muscle_fraction") * x.param("subject.body_mass_kg") * (
        1.0 + (x.param("exercise.running_mass_factor") - 1.0) * x.input("running"))


def equations(x) -> Equations:
    p = x.p
    intensity = x.input("intensity_pct_vo2max")
    vo2 = x.state("exercise_vo2_pct_vo2max")
    drive = x.state("catecholamine_drive_rel")
    body_mass = x.param("subject.body_mass_kg")
    vo2max = x.param("subject.vo2max_ml_kg_min")
    exposure = x.state("il6_exposure_pg_ml")

    # Knee extension works a small muscle mass: the whole body sees a fraction of the leg's intensity.
    systemic = maximum(vo2, 0.0) * (
        x.input("whole_leg_exercise") + x.input("knee_extension_legs") * p.knee_extension_systemic_fraction
    )
    drive_target = catecholamine_drive_target(x)
    # The drive rises with the sympathetic outflow but falls as fast as plasma clears the catecholamines. The rate
    # switches smoothly where the drive meets its target (a kink there stalls stiff solvers such as CVODE, since
    # drive and target meet at 0 when a bout starts from rest); the exponent is clipped where the switch is complete.
    gap_in_widths = minimum(maximum((drive_target - drive) / CATECHOLAMINE_SWITCH_WIDTH, -50.0), 50.0)
    falling_share = 1.0 / (1.0 + exp(gap_in_widths))
    catecholamine_rate = p.catecholamine_rise_rate_per_min + (
        p.catecholamine_fall_rate_per_min - p.catecholamine_rise_rate_per_min) * falling_share
    thermogenesis = p.il6_thermogenic_max * il6_action_above_rest(x, exposure, p.il6_thermogenic_half_pg_ml)
    resting = p.resting_vo2_ml_kg_min * (1.0 + thermogenesis)
    # Oxygen uptake cannot exceed VO2max; demand above it is met anaerobically.
    aerobic = minimum(x.var("systemic_intensity_pct_vo2max"), 100.0)
    rer = 1.0 - 0.3 * x.var("fat_energy_fraction")
    return Equations(
        derivatives={
            "exercise_vo2_pct_vo2max": p.vo2_rate_per_min * (intensity - vo2),
            "catecholamine_drive_rel": catecholamine_rate * (drive_target - drive),
        },
        rest={"exercise_vo2_pct_vo2max": 0.0, "catecholamine_drive_rel": 0.0},
        variables={
            "systemic_intensity_pct_vo2max": systemic,
            "muscle_intensity_pct": maximum(vo2, 0.0) * (
                x.input("whole_leg_exercise") + (1.0 - x.input("whole_leg_exercise")) * p.knee_extension_local_factor
            ),
            "active_muscle_mass_kg": x.input("knee_extension_legs") * p.quadriceps_mass_kg
            + x.input("whole_leg_exercise") * whole_leg_muscle_mass_kg(x),
            "vo2_l_min": (resting + aerobic / 100.0 * maximum(vo2max - resting, 0.0)) * body_mass / 1000.0,
            "energy_expenditure_kcal_min": x.var("vo2_l_min")
            * (KCAL_PER_L_O2_AT_FAT + KCAL_PER_L_O2_PER_RER * (rer - 0.7)),
        },
    )


EXERCISE = Compartment(
    name="exercise",
    title="Exercise drive",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
