"""Plasma IL-1 receptor antagonist, induced by IL-6 with a delay of about an hour."""

from myokine_sim.expr import hill
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("il1ra_induction_rel", "1", "IL-6-driven induction of IL-1ra production in leukocytes", scale=0.01),
    Quantity("il1ra_pg_ml", "pg/mL", "Plasma IL-1ra", scale=10.0, floor="rest"),
)

PARAMETERS = (
    param("il1ra.baseline_pg_ml", 123.0, "pg/mL", (30.0, 600.0),
          "Resting plasma IL-1ra", "Ostrowski 1998 J Physiol 508:949 (123 pg/mL before a marathon)"),
    param("il1ra.induction_rate_per_min", 0.01836, "1/min", (0.002, 0.1),
          "Rate constant of IL-1ra induction by IL-6",
          "IL-1ra peaks 1-2 h after exercise (Ostrowski 1998 J Physiol 513:889)"),
    param("il1ra.elimination_rate_per_min", 0.02166, "1/min", (0.001, 0.06),
          "Plasma IL-1ra elimination rate",
          "Marathon IL-1ra still rising 2 h after the finish (Ostrowski 1998 J Physiol 508:949)"),
    param("il1ra.max_fold", 43.6, "fold", (1.0, 500.0),
          "Maximal IL-1ra production over rest at full induction",
          "Marathon IL-1ra ~33-fold at 2 h post (Ostrowski 1998)"),
    param("il1ra.il6_half_pg_ml", 9.395, "pg/mL", (5.0, 1000.0),
          "Plasma IL-6 giving half-maximal IL-1ra induction",
          "rhIL-6 at ~140 pg/mL raises IL-1ra (Steensberg 2003 Am J Physiol Endocrinol Metab 285:E433)"),
)


def equations(x) -> Equations:
    p = x.p
    induction = x.state("il1ra_induction_rel")
    il1ra = x.state("il1ra_pg_ml")
    plasma_il6 = x.state("plasma_il6_pg_ml")
    baseline_il6 = x.var("resting_plasma_il6_pg_ml")
    drive = hill(plasma_il6, p.il6_half_pg_ml, 1.0) - hill(baseline_il6, p.il6_half_pg_ml, 1.0)
    return Equations(
        derivatives={
            "il1ra_induction_rel": p.induction_rate_per_min * (drive - induction),
            "il1ra_pg_ml": p.elimination_rate_per_min
            * (p.baseline_pg_ml * (1.0 + p.max_fold * induction) - il1ra),
        },
        rest={"il1ra_induction_rel": 0.0, "il1ra_pg_ml": p.baseline_pg_ml},
    )


IL1RA = Compartment(
    name="il1ra",
    title="IL-1 receptor antagonist",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
)
