"""Plasma IL-10, induced by IL-6 and by adrenaline.

After endotoxin, IL-10 peaks with IL-6 (2-3 h), after TNF-alpha (1-1.5 h): it follows the IL-6 route
here. A direct monocyte route in step with TNF-alpha was fitted to zero by the endotoxin targets.
"""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (Quantity("il10_pg_ml", "pg/mL", "Plasma IL-10", scale=1.0, floor="rest"),)

PARAMETERS = (
    param("il10.baseline_pg_ml", 2.0, "pg/mL", (0.3, 10.0),
          "Resting plasma IL-10", "Low single-digit pg/mL at rest (Ostrowski 1999 J Physiol 515:287)"),
    param("il10.elimination_rate_per_min", 0.02, "1/min", (0.003, 0.1),
          "Plasma IL-10 elimination rate",
          "IL-10 peaks at the end of a marathon and falls within hours (Ostrowski 1999)"),
    param("il10.il6_max_fold", 153.1, "fold", (0.0, 300.0),
          "Maximal IL-10 production over rest caused by IL-6",
          "Marathon IL-10 27-fold (Ostrowski 1999); rhIL-6 raises IL-10 (Steensberg 2003 Am J Physiol Endocrinol "
          "Metab 285:E433)"),
    param("il10.il6_half_pg_ml", 150.0, "pg/mL", (5.0, 2000.0),
          "Plasma IL-6 giving half the maximal IL-10 induction", "Model assumption"),
    param("il10.adrenaline_fold", 3.0, "fold", (0.0, 50.0),
          "IL-10 production over rest per unit adrenal medullary drive",
          "Adrenaline infusion raised IL-10 (van der Poll 1996 J Clin Invest 97:713); Kox 2014 PNAS 111:7379"),
)


def equations(x) -> Equations:
    p = x.p
    il10 = x.state("il10_pg_ml")
    plasma_il6 = x.state("plasma_il6_pg_ml")
    resting_il6 = x.var("resting_plasma_il6_pg_ml")
    il6_drive = hill(plasma_il6, p.il6_half_pg_ml, 1.0) - hill(resting_il6, p.il6_half_pg_ml, 1.0)
    production = (
        1.0
        + p.il6_max_fold * il6_drive
        + p.adrenaline_fold * maximum(x.var("adrenaline_drive_rel"), 0.0)
    )
    return Equations(
        derivatives={"il10_pg_ml": p.elimination_rate_per_min * (p.baseline_pg_ml * production - il10)},
        rest={"il10_pg_ml": p.baseline_pg_ml},
    )


IL10 = Compartment(
    name="il10",
    title="IL-10",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
)
