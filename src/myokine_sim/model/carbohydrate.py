"""Ingested carbohydrate: gut absorption and the resulting glucose availability."""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (Quantity("gut_carbohydrate_g", "g", "Ingested carbohydrate not yet absorbed", scale=1.0),)
OUTPUTS = (
    Quantity("exogenous_glucose_ra_g_min", "g/min", "Appearance of ingested glucose in the circulation"),
    Quantity("glucose_availability_fraction", "1", "Saturating signal of exogenous glucose supply (0-1)"),
)

PARAMETERS = (
    param("carbohydrate.absorption_rate_per_min", 0.035, "1/min", (0.005, 0.2),
          "First-order rate of gastric emptying and intestinal absorption of a glucose drink",
          "Ingested glucose appears within 15-30 min and is oxidised at up to ~1 g/min (Jeukendrup & Jentjens 2000 Sports Med 29:407)"),
    param("carbohydrate.availability_half_g_min", 0.4, "g/min", (0.05, 2.0),
          "Exogenous glucose appearance giving half-maximal glucose availability",
          "Febbraio 2003 J Physiol 549:607 (~1 g/min ingested blunted IL-6 release)"),
)


def equations(x) -> Equations:
    p = x.p
    gut = x.state("gut_carbohydrate_g")
    appearance = p.absorption_rate_per_min * gut
    return Equations(
        derivatives={"gut_carbohydrate_g": -appearance},
        rest={"gut_carbohydrate_g": 0.0},
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
