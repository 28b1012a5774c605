"""Plasma TNF-alpha: low basal production plus endotoxin-driven monocyte output.

IL-6 suppresses the monocyte output directly (through tissue IL-6 exposure,
which outlasts plasma IL-6) and through IL-10. Basal production is left alone,
so IL-6 alone does not change resting TNF-alpha.
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (Quantity("tnf_alpha_pg_ml", "pg/mL", "Plasma TNF-alpha", scale=0.1),)
OUTPUTS = (Quantity("tnf_suppression_fraction", "1", "Fractional suppression of monocyte TNF-alpha output (0 at rest)"),)

PARAMETERS = (
    param("tnf_alpha.baseline_pg_ml", 1.5, "pg/mL", (0.3, 6.0),
          "Resting plasma TNF-alpha", "Unchanged by moderate exercise (Ostrowski 1998 J Physiol 513:889)"),
    param("tnf_alpha.elimination_rate_per_min", 0.04, "1/min", (0.01, 0.2),
          "Plasma TNF-alpha elimination rate", "Plasma half-life of injected TNF-alpha ~5-50 min"),
    param("tnf_alpha.monocyte_fold", 3.0, "fold", (0.1, 100.0),
          "TNF-alpha production over rest per unit monocyte activation, unsuppressed",
          "0.06 ng/kg endotoxin roughly doubles plasma TNF-alpha at rest (Starkie 2003 FASEB J 17:884)"),
    param("tnf_alpha.il6_inhibition_half_pg_ml", 15.0, "pg/mL", (0.1, 600.0),
          "Tissue IL-6 exposure halving monocyte TNF-alpha output",
          "Prior exercise blunts the endotoxin TNF-alpha response (Starkie 2003); far below the 560 pg/mL of endotoxin "
          "models. Below resting IL-6 the suppression follows the fold rise of IL-6 over rest"),
    param("tnf_alpha.il10_inhibition_half_pg_ml", 10.0, "pg/mL", (0.5, 500.0),
          "Plasma IL-10 halving monocyte TNF-alpha output", "Windoloski & Olufsen endotoxin model (IL-10 down-regulates TNF-alpha)"),
)


def equations(x) -> Equations:
    p = x.p
    tnf = x.state("tnf_alpha_pg_ml")
    exposure = x.state("il6_exposure_pg_ml")
    il10 = x.state("il10_pg_ml")
    baseline_il6 = x.param("plasma_il6.baseline_pg_ml")
    baseline_il10 = x.param("il10.baseline_pg_ml")

    # Normalised to 1 at rest, so monocyte_fold is the response of a rested subject.
    resting_brake = 1.0 + baseline_il6 / p.il6_inhibition_half_pg_ml + baseline_il10 / p.il10_inhibition_half_pg_ml
    brake = 1.0 + exposure / p.il6_inhibition_half_pg_ml + il10 / p.il10_inhibition_half_pg_ml
    relative_output = resting_brake / brake
    production = 1.0 + p.monocyte_fold * x.state("monocyte_activation_rel") * relative_output
    return Equations(
        derivatives={"tnf_alpha_pg_ml": p.elimination_rate_per_min * (p.baseline_pg_ml * production - tnf)},
        rest={"tnf_alpha_pg_ml": p.baseline_pg_ml},
        variables={"tnf_suppression_fraction": 1.0 - relative_output},
    )


TNF_ALPHA = Compartment(
    name="tnf_alpha",
    title="TNF-alpha",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
