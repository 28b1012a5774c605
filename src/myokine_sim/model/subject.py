"""The subject: anthropometry, fitness and resting muscle glycogen.

No states of its own; its parameters are set from a scenario's ``[subject]``
table and scale the other compartments.
"""

from myokine_sim.model.core import Compartment, Equations, param

PARAMETERS = (
    param("subject.body_mass_kg", 75.0, "kg", (40.0, 150.0),
          "Body mass", "Typical trained man in the exercise-IL-6 studies (Ostrowski 1998; Steensberg 2000)"),
    param("subject.vo2max_ml_kg_min", 50.0, "mL/kg/min", (20.0, 85.0),
          "Maximal oxygen uptake", "Trained men in the calibration studies (Watt 2002: 57% of ~4.5 L/min)"),
    param("subject.muscle_glycogen_mmol_kg_dw", 450.0, "mmol/kg dw", (50.0, 900.0),
          "Resting (pre-exercise) muscle glycogen; the level resynthesis returns to",
          "Mixed diet 350-600, low-carbohydrate ~180, loaded ~725 (Watt 2002; Spencer 1992)"),
    param("subject.fat_mass_kg", 15.0, "kg", (3.0, 80.0),
          "Adipose tissue mass", "20% body fat at 75 kg"),
)


def equations(x) -> Equations:
    return Equations(derivatives={}, rest={})


SUBJECT = Compartment(
    name="subject",
    title="Subject",
    states=(),
    parameters=PARAMETERS,
    equations=equations,
)
