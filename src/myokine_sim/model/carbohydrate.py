"""Ingested carbohydrate: drinks and meals, gut absorption and the resulting glucose availability.

A glucose drink is absorbed at up to about 1 g/min (a saturable transporter); the carbohydrate
of a mixed meal appears over three to four hours.
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("gut_carbohydrate_g", "g", "Carbohydrate of drinks not yet absorbed", scale=1.0),
    Quantity("gut_meal_carbohydrate_g", "g", "Carbohydrate of meals not yet absorbed", scale=1.0),
)
OUTPUTS = (
    Quantity("exogenous_glucose_ra_g_min", "g/min", "Appearance of ingested glucose in the circulation"),
    Quantity("glucose_availability_fraction", "1", "Saturating signal of exogenous glucose supply (0-1)"),
)

PARAMETERS = (
    param("carbohydrate.absorption_max_g_min", 1.1, "g/min", (0.6, 1.8),
          "Maximal intestinal absorption of drink carbohydrate (transporter capacity)",
          "Ingested glucose is absorbed and oxidised at up to ~1-1.1 g/min (Jeukendrup & Jentjens 2000 Sports Med "
          "29:407)"),
    param("carbohydrate.absorption_half_g", 30.0, "g", (5.0, 150.0),
          "Carbohydrate in the gut at which drink absorption is half its maximum",
          "A small drink empties and is absorbed within ~30-60 min (Jeukendrup & Jentjens 2000): initial rate "
          "max/half ~0.035/min"),
    param("carbohydrate.meal_absorption_rate_per_min", 0.012, "1/min", (0.004, 0.05),
          "First-order rate of appearance of a mixed meal's carbohydrate",
          "Dalla Man 2007 IEEE Trans Biomed Eng 54:1740 (meal glucose appearance over 3-5 h); Taylor 1996 J Clin "
          "Invest 97:126 (liver glycogen peaks ~5 h after a mixed meal)"),
    param("carbohydrate.availability_half_g_min", 0.05178, "g/min", (0.05, 2.0),
          "Exogenous glucose appearance giving half-maximal glucose availability",
          "Febbraio 2003 J Physiol 549:607 (~1 g/min ingested blunted IL-6 release)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value, at its bound (see the held parameters in docs/validation.md)"),
)


def equations(x) -> Equations:
    p = x.p
    drinks = x.state("gut_carbohydrate_g")
    meals = x.state("gut_meal_carbohydrate_g")
    # Drinks: saturable (Michaelis-Menten) absorption; meals: first-order appearance over hours.
    drink_absorption = p.absorption_max_g_min * drinks / (p.absorption_half_g + drinks)
    appearance = drink_absorption + p.meal_absorption_rate_per_min * meals
    return Equations(
        derivatives={
            "gut_carbohydrate_g": -drink_absorption,
            "gut_meal_carbohydrate_g": -p.meal_absorption_rate_per_min * meals,
        },
        rest={"gut_carbohydrate_g": 0.0, "gut_meal_carbohydrate_g": 0.0},
        variables={
            "exogenous_glucose_ra_g_min": appearance,
            "glucose_availability_fraction": appearance / (appearance + p.availability_half_g_min),
        },
    )


CARBOHYDRATE = Compartment(
    name="carbohydrate",
    title="Ingested carbohydrate",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
