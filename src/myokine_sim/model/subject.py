"""The subject: anthropometry, fitness, training status and resting muscle glycogen.

No states of its own; its parameters are set from a scenario's ``[subject]``
table and scale the other compartments.
"""

from myokine_sim.model.core import Compartment, Equations, param

#: Fat mass at which the resting values of the other compartments are stated.
REFERENCE_FAT_MASS_KG = 15.0

#: ``[subject] training_status`` names and the training level each sets.
TRAINING_LEVELS: dict[str, float] = {"untrained": 0.0, "recreational": 0.5, "trained": 1.0}

PARAMETERS = (
    param("subject.body_mass_kg", 75.0, "kg", (40.0, 150.0),
          "Body mass", "Typical man in the exercise-IL-6 studies (Ostrowski 1998; Steensberg 2000)"),
    param("subject.vo2max_ml_kg_min", 50.0, "mL/kg/min", (20.0, 85.0),
          "Maximal oxygen uptake", "Recreationally active to trained men in the calibration studies"),
    param("subject.muscle_glycogen_mmol_kg_dw", 450.0, "mmol/kg dw", (50.0, 900.0),
          "Resting (pre-exercise) muscle glycogen; the level resynthesis returns to",
          "Mixed diet 350-600, low-carbohydrate ~180, loaded ~725 (Watt 2002; Spencer 1992)"),
    param("subject.fat_mass_kg", REFERENCE_FAT_MASS_KG, "kg", (3.0, 80.0),
          "Adipose tissue mass; scales resting adipose IL-6 and lipolysis", "20% body fat at 75 kg"),
    param("subject.training_level", 0.5, "1", (0.0, 1.0),
          "Endurance training status: 0 untrained, 0.5 recreationally active, 1 endurance trained",
          "Fischer 2004 Am J Physiol Endocrinol Metab 287:E1189 (trained muscle: smaller IL-6 mRNA and release); "
          "Greiwe 1999 J Appl Physiol 87:222 and Hurley 1986 J Appl Physiol 60:562 (training changes glycogen use "
          "and resynthesis)"),
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
