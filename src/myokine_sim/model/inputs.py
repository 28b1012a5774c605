"""The inputs the schedule feeds the model, piecewise constant between breakpoints."""

from myokine_sim.model.core import Quantity

INPUTS: tuple[Quantity, ...] = (
    Quantity(
        "intensity_pct_vo2max",
        "%VO2max",
        "Prescribed exercise intensity (for knee extension: % of the leg's peak power)",
    ),
    Quantity(
        "knee_extension_legs",
        "legs",
        "Number of legs doing knee extension in the current or most recent bout (0, 1 or 2)",
    ),
    Quantity(
        "whole_leg_exercise",
        "1",
        "1 when the current or most recent bout is cycling or running, else 0",
    ),
    Quantity("running", "1", "1 when the current or most recent bout is running, else 0"),
    Quantity("il6_infusion_ng_min", "ng/min", "Intravenous recombinant human IL-6 infusion rate"),
    Quantity("il6_infusion_plasma_rise_pg_ml", "pg/mL",
             "rhIL-6 infusion given as the plasma IL-6 rise it holds at steady state (dosed with the subject's "
             "clearance)"),
    Quantity("hydrocortisone_infusion_ug_kg_min", "ug/kg/min",
             "Intravenous hydrocortisone (cortisol) infusion rate per kg body mass"),
)

#: Boluses jump a state at an instant: the scenario table and the state it adds to.
BOLUS_STATES: dict[str, str] = {
    "carbohydrate": "gut_carbohydrate_g",
    "meal": "gut_meal_carbohydrate_g",
    "endotoxin": "plasma_endotoxin_ng_kg",
}
