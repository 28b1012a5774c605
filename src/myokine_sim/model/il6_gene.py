"""IL-6 gene transcription and IL-6 mRNA in the working muscle (fold over rest).

Contraction switches on transcription; low glycogen amplifies it (the energy
sensor). mRNA follows transcription with a lag and is stabilised while the
muscle works, so its fold change can exceed that of transcription.
"""

from myokine_sim.expr import hill, maximum
from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("il6_transcription_fold", "fold", "IL-6 gene transcription rate over rest", scale=1.0, floor="rest"),
    Quantity("il6_mrna_fold", "fold", "Muscle IL-6 mRNA content over rest", scale=1.0, floor="rest"),
)
OUTPUTS = (Quantity("contraction_signal_fraction", "1", "Contraction signal driving IL-6 transcription (0-1)"),)

PARAMETERS = (
    param("il6_gene.max_transcription_fold", 10.0, "fold", (1.0, 300.0),
          "Contraction-induced transcription at saturating intensity and full glycogen",
          "Keller 2001 FASEB J 15:2748 (~40-fold at 90 min, ~60-fold at 180 min with low glycogen)"),
    param("il6_gene.intensity_half_pct", 30.75, "%VO2max", (30.0, 120.0),
          "Intensity giving half the maximal contraction signal",
          "IL-6 release rises steeply with intensity: little at 25%, large at 65-85% of leg Wmax (Helge 2003 J Physiol "
          "546:299); plasma IL-6 rises with running intensity (Scott 2011 Med Sci Sports Exerc 43:2073)"),
    param("il6_gene.intensity_hill", 4.803, "1", (1.0, 6.0),
          "Steepness of the contraction signal with intensity",
          "Exponential rise of the IL-6 response with intensity (Pedersen & Febbraio 2008 Physiol Rev 88:1379)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("il6_gene.trained_reduction", 0.0213, "1", (0.0, 0.9),
          "Fractional reduction of contraction-induced transcription in endurance-trained muscle",
          "Fischer 2004 Am J Physiol Endocrinol Metab 287:E1189 (after 10 wk of training, a smaller IL-6 mRNA rise "
          "and release at the same relative load); Croft 2009 Exerc Immunol Rev (smaller plasma IL-6 rise after "
          "training)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("il6_gene.trained_sensor_reduction", 0.8374, "1", (0.0, 1.0),
          "Fractional blunting, in endurance-trained muscle, of both glycogen (energy) sensors: the boost to IL-6 "
          "transcription here and the one to IL-6 synthesis (muscle_il6.glycogen_release_gain) (1: silent in trained "
          "muscle)",
          "McConell 2005 J Physiol 568:665 (10 days of training abolished the 9-fold rise in AMPK alpha2 activity in "
          "2 h of cycling, also with glycogen matched); McConell 2020 J Physiol 598:3859 (no AMPK activation in 2 h "
          "at 65% VO2peak in endurance-trained men); Fischer 2004 Am J Physiol Endocrinol Metab 287:E1189. Model "
          "assumption for the synthesis sensor, made to match MacDonald 2003 J Appl Physiol 95:2273 (well-trained "
          "men: plasma IL-6 after 1 h at 70% VO2peak the same from ~160 as from ~900 mmol/kg dw glycogen), although "
          "that study found the leg's IL-6 release and alpha2-AMPK higher in the depleted trial: the McConell "
          "studies did not measure IL-6"),
    param("il6_gene.glycogen_sensor_gain", 11.33, "1", (0.0, 60.0),
          "Extra relative transcription when glycogen is depleted, in untrained muscle (training blunts it)",
          "Keller 2001 (mRNA >100-fold with low vs ~30-fold with normal glycogen)"),
    param("il6_gene.glycogen_sensor_half_mmol_kg", 123.7, "mmol/kg dw", (80.0, 500.0),
          "Working-muscle glycogen at which the energy sensor is half active",
          "Keller 2001 (low-glycogen trial ~60% of control)"),
    param("il6_gene.glycogen_sensor_hill", 4.0, "1", (1.0, 6.0),
          "Steepness of the glycogen sensor",
          "Model assumption: a graded energy sensor (AMPK and p38 activity rise as glycogen falls; Keller 2001)"),
    param("il6_gene.transcription_rate_per_min", 0.25, "1/min", (0.005, 0.3),
          "Rate constant of the transcriptional response",
          "Transcription rises within 30-90 min of contraction (Keller 2001)"),
    param("il6_gene.mrna_decay_per_min", 0.02995, "1/min", (0.002, 0.06),
          "IL-6 mRNA decay rate at rest",
          "mRNA returns towards rest over hours after exercise (Keller 2001; Steensberg 2002 Am J Physiol 283:E1272)"),
    param("il6_gene.mrna_stabilisation", 0.4443, "1", (0.0, 0.95),
          "Fractional slowing of mRNA decay at full contraction signal",
          "Model assumption: mRNA fold exceeds transcription fold in Keller 2001"),
)


def trained_sensor_share(x):
    """Share of the glycogen sensors' boost that training leaves (1 untrained); both sensors use it (AMPK;
    McConell 2005)."""
    return 1.0 - x.param("il6_gene.trained_sensor_reduction") * x.param("subject.training_level")


def equations(x) -> Equations:
    p = x.p
    glycogen = x.state("working_muscle_glycogen_mmol_kg_dw")
    transcription = x.state("il6_transcription_fold")
    mrna = x.state("il6_mrna_fold")

    training = x.param("subject.training_level")

    contraction = hill(x.var("muscle_intensity_pct"), p.intensity_half_pct, p.intensity_hill)
    # Training damps the muscle's energy-sensing response to low glycogen.
    sensor_gain = p.glycogen_sensor_gain * trained_sensor_share(x)
    glycogen_sensor = 1.0 + sensor_gain * (
        1.0 - hill(maximum(glycogen, 0.0), p.glycogen_sensor_half_mmol_kg, p.glycogen_sensor_hill)
    )
    trained = 1.0 - p.trained_reduction * training
    target = 1.0 + p.max_transcription_fold * trained * x.var("contraction_signal_fraction") * glycogen_sensor
    decay = p.mrna_decay_per_min * (1.0 - p.mrna_stabilisation * x.var("contraction_signal_fraction"))
    return Equations(
        derivatives={
            "il6_transcription_fold": p.transcription_rate_per_min * (target - transcription),
            "il6_mrna_fold": p.mrna_decay_per_min * transcription - decay * mrna,
        },
        rest={"il6_transcription_fold": 1.0, "il6_mrna_fold": 1.0},
        variables={"contraction_signal_fraction": contraction},
    )


IL6_GENE = Compartment(
    name="il6_gene",
    title="IL-6 transcription and mRNA",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
