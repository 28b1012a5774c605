"""Muscle IL-6 protein and its release into the circulation.

Translation follows the mRNA excess over rest. It grows with the time spent
working (a slow record of contraction) and, in untrained muscle more than in
trained, as working-muscle glycogen runs low. Ingested glucose blunts it, a
route that acts after transcription and leaves glycogen and mRNA unchanged.
Release goes on after exercise while protein remains.
"""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param
from myokine_sim.model.il6_gene import trained_sensor_share

STATES = (
    Quantity("muscle_il6_protein_ng_kg", "ng/kg", "Releasable IL-6 protein per kg of working muscle", scale=1.0),
    Quantity("contraction_history_rel", "1",
             "Slow record of recent contraction that raises IL-6 synthesis with exercise duration (0 at rest)",
             scale=0.01),
)
OUTPUTS = (
    Quantity("il6_release_ng_min_kg", "ng/min/kg", "Net IL-6 release per kg of working muscle"),
    Quantity("il6_release_ng_min", "ng/min", "Net IL-6 release from all working muscle"),
)

PARAMETERS = (
    param("muscle_il6.translation_ng_kg_min_per_fold", 0.00859, "ng/kg/min", (0.005, 3.0),
          "IL-6 synthesis per unit of mRNA fold above rest",
          "Steensberg 2000 J Physiol 529:237 (6.8 ng/min/kg late in 5 h knee extension)"),
    param("muscle_il6.secretion_rate_per_min", 0.03842, "1/min", (0.005, 0.5),
          "Fractional release of muscle IL-6 protein",
          "Model assumption: release tracks mRNA within ~10 min"),
    param("muscle_il6.translation_half_fold", 25.25, "fold", (5.0, 1000.0),
          "mRNA fold above rest at which IL-6 synthesis is half its maximum (translation saturates)",
          "Keller 2001 FASEB J 15:2748 (low vs normal glycogen: mRNA >3x, plasma IL-6 1.6x): "
          "synthesis is not proportional to mRNA"),
    param("muscle_il6.glycogen_release_gain", 28.95, "1", (0.0, 60.0),
          "Extra relative IL-6 synthesis when working-muscle glycogen is nearly exhausted, in untrained muscle "
          "(training blunts it: il6_gene.trained_sensor_reduction)",
          "Steensberg 2001 J Physiol 537:633 (glycogen alters IL-6 production and release); plasma IL-6 keeps "
          "rising late in prolonged running (Ostrowski 1998 marathon vs 2.5 h run)"),
    param("muscle_il6.glycogen_release_half_mmol_kg", 156.7, "mmol/kg dw", (50.0, 400.0),
          "Working-muscle glycogen at which the post-transcriptional glycogen effect is half maximal",
          "Model assumption: a post-transcriptional glycogen effect beside the transcriptional sensor, its level "
          "fitted (Steensberg 2001 J Physiol 537:633; Keller 2001 FASEB J 15:2748)"),
    param("muscle_il6.glycogen_release_hill", 4.0, "1", (1.0, 6.0),
          "Steepness of the post-transcriptional glycogen effect",
          "Model assumption: graded, like the transcriptional sensor"),
    param("muscle_il6.duration_gain", 2.557, "1", (0.0, 50.0),
          "Extra relative IL-6 synthesis after long contraction (contraction history at 1), whatever the glycogen",
          "Fischer 2006 Exerc Immunol Rev 12:6 (exercise duration alone explains more than half of the variation of "
          "the plasma IL-6 rise, which grows exponentially with duration over a few hours; this term saturates, and "
          "the glycogen sensors add the rest); Wallberg 2011 Eur J Appl Physiol 111:1081 (no further rise from 12 to "
          "24 h at 60% VO2max; a check the fit does not see)"),
    param("muscle_il6.duration_rate_per_min", 0.008, "1/min", (0.001, 0.05),
          "Rate constant of the contraction history (its rise while working and its fall afterwards): a time "
          "constant of about 2 h, 60% of the way up after 2 h of work",
          "Steensberg 2001 J Physiol 537:633 (no net IL-6 release from the normal-glycogen leg until 2 h of knee "
          "extension, while the glycogen-reduced leg released from 1 h: read as a time constant of about 2 h); "
          "Fischer 2006 Exerc Immunol Rev 12:6. Not fitted: with it free the fit traded it against duration_gain "
          "(rate 0.004-0.006/min with gain 2.4-1.4 at the same cost), so it is set from Steensberg 2001's timing"),
    param("muscle_il6.glucose_blunting", 0.5451, "1", (0.0, 1.0),
          "Fractional inhibition of IL-6 synthesis at full glucose availability",
          "Febbraio 2003 J Physiol 549:607 (carbohydrate lowered release, not mRNA or glycogen); partial, not "
          "abolished: plasma IL-6 0.60 of placebo after 3 h of cycling (Keller 2003 J Physiol 550:927) and 0.61 "
          "after 2.5 h of running (Nehlsen-Cannarella 1997 J Appl Physiol 82:1662)"),
)


def equations(x) -> Equations:
    p = x.p
    protein = x.state("muscle_il6_protein_ng_kg")
    history = x.state("contraction_history_rel")
    contraction = x.var("contraction_signal_fraction")
    mrna = x.state("il6_mrna_fold")
    availability = x.var("glucose_availability_fraction")

    excess = mrna - 1.0
    glycogen = maximum(x.state("working_muscle_glycogen_mmol_kg_dw"), 0.0)
    depletion = 1.0 - hill(glycogen, p.glycogen_release_half_mmol_kg, p.glycogen_release_hill)
    # Training damps this route as it damps the transcriptional one: a model assumption that matches trained men's
    # plasma IL-6 (MacDonald 2003), not their leg release, which stayed glycogen-dependent.
    glycogen_gain = p.glycogen_release_gain * trained_sensor_share(x)
    # Linear in the mRNA excess at first, saturating at translation x half-fold.
    synthesis = (
        p.translation_ng_kg_min_per_fold * excess / (1.0 + excess / p.translation_half_fold)
        * (1.0 + glycogen_gain * depletion)
        * (1.0 + p.duration_gain * history)
        * (1.0 - p.glucose_blunting * availability)
    )
    release_per_kg = p.secretion_rate_per_min * protein
    return Equations(
        derivatives={
            "muscle_il6_protein_ng_kg": synthesis - release_per_kg,
            # Integrates contraction over hours: synthesis grows with time spent working, not only with glycogen.
            "contraction_history_rel": p.duration_rate_per_min * (contraction - history),
        },
        rest={"muscle_il6_protein_ng_kg": 0.0, "contraction_history_rel": 0.0},
        variables={
            "il6_release_ng_min_kg": release_per_kg,
            "il6_release_ng_min": release_per_kg * x.var("active_muscle_mass_kg"),
        },
    )


MUSCLE_IL6 = Compartment(
    name="muscle_il6",
    title="Muscle IL-6 protein and release",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
