"""Exercise drive: oxygen-uptake kinetics, catecholamine drive and active muscle mass."""

from myokine_sim.expr import maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("exercise_vo2_pct_vo2max", "%VO2max",
             "Exercise oxygen uptake above rest, a first-order lag of the prescribed intensity", scale=10.0),
    Quantity("catecholamine_drive_rel", "1",
             "Sympatho-adrenal drive relative to steady cycling at the reference intensity", scale=0.1),
)

OUTPUTS = (
    Quantity("active_muscle_mass_kg", "kg", "Mass of the working (or most recently working) muscle"),
    Quantity("vo2_l_min", "L/min", "Whole-body oxygen uptake"),
)

PARAMETERS = (
    param("exercise.vo2_rate_per_min", 0.8, "1/min", (0.3, 2.0),
          "Rate constant of oxygen-uptake kinetics after a step in workload",
          "Roy & Parker 2007 J Diabetes Sci Technol 1:338 (dPVO2/dt = -0.8 PVO2 + 0.8 u)"),
    param("exercise.catecholamine_rate_per_min", 0.1, "1/min", (0.02, 0.5),
          "Rate constant of the catecholamine response to a change in workload",
          "Model assumption: catecholamines settle within ~10 min of a workload step (Galbo 1983, Hormonal and Metabolic Adaptation to Exercise)"),
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
          "Skeletal muscle of both legs per kg body mass, all active in cycling and running",
          "Janssen 2000 J Appl Physiol 89:81 (lower-body muscle ~21% of body mass in men)"),
    param("exercise.resting_vo2_ml_kg_min", 3.5, "mL/kg/min", (2.5, 5.0),
          "Resting oxygen uptake", "One metabolic equivalent"),
    param("exercise.knee_extension_systemic_fraction", 0.25, "1/leg", (0.1, 0.5),
          "Whole-body oxygen uptake above rest, as a fraction of the leg's relative intensity, per knee-extending leg",
          "Helge 2003 J Physiol 546:299 (two-legged knee extension at 65-85% of leg Wmax: 40% of pulmonary VO2max)"),
)


def equations(x) -> Equations:
    p = x.p
    intensity = x.input("intensity_pct_vo2max")
    vo2 = x.state("exercise_vo2_pct_vo2max")
    drive = x.state("catecholamine_drive_rel")
    body_mass = x.param("subject.body_mass_kg")
    vo2max = x.param("subject.vo2max_ml_kg_min")

    # Knee extension works a small muscle mass: the whole body sees a fraction of the leg's intensity.
    systemic = maximum(vo2, 0.0) * (
        x.input("whole_leg_exercise") + x.input("knee_extension_legs") * p.knee_extension_systemic_fraction
    )
    drive_target = (systemic / p.catecholamine_ref_pct) ** p.catecholamine_exponent
    resting = p.resting_vo2_ml_kg_min
    return Equations(
        derivatives={
            "exercise_vo2_pct_vo2max": p.vo2_rate_per_min * (intensity - vo2),
            "catecholamine_drive_rel": p.catecholamine_rate_per_min * (drive_target - drive),
        },
        rest={"exercise_vo2_pct_vo2max": 0.0, "catecholamine_drive_rel": 0.0},
        variables={
            "active_muscle_mass_kg": x.input("knee_extension_legs") * p.quadriceps_mass_kg
            + x.input("whole_leg_exercise") * p.leg_muscle_fraction * body_mass,
            "vo2_l_min": (resting + systemic / 100.0 * (vo2max - resting)) * body_mass / 1000.0,
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
