"""IL-6 from the connective tissue around tendons, loaded by running.

After a 36-km run the interstitial IL-6 of the tissue around the Achilles tendon was
about 100 times the plasma level (3,600 pg/mL in the hours after), far above that of
the calf muscle beside it, and its authors proposed it adds to plasma IL-6 (Langberg
2002 J Physiol 542:985, microdialysis: a concentration, not a measured release).
Three model assumptions follow, none measured: the tissue releases IL-6 into plasma in
proportion to an activation that builds up with running and fades after it; cycling
does not load it; and carbohydrate, which acts on the muscle's energy state, does not
blunt it. The data that bear on them: over 2.5 h the IL-6 time course differed by mode,
highest in running (Nieman 1998 Med Sci Sports Exerc 30:671, B87), and carbohydrate
lowered plasma IL-6 after 2.5 h of running by two-fifths (Nehlsen-Cannarella 1997,
B12-B13), about as much as the model lowers it in 2.5 h of cycling (to 0.60 of placebo), so
these data no longer argue for the third assumption, and the model's running is blunted only a
little less (0.62). Against them: after
60 min at the lactate threshold mode did not change plasma IL-6, and carbohydrate
blunted it in both modes (Starkie 2001 J Physiol 533:585, B08).
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param

STATES = (
    Quantity("peritendinous_il6_activation_rel", "1",
             "Activation of IL-6 output by the connective tissue around tendons, built up by running (0 at rest)",
             scale=0.01),
)
OUTPUTS = (Quantity("peritendinous_il6_release_ng_min", "ng/min", "IL-6 reaching plasma from peritendinous tissue"),)

PARAMETERS = (
    param("tendon_il6.release_max_ng_min", 1.536, "ng/min", (0.0, 100.0),
          "Peritendinous IL-6 release at activation 1 (long running at VO2max)",
          "Not fitted since 2026-12-07: refits found no fitted target that informs it apart from the other "
          "running terms, so it keeps an earlier fit's value (set with Nehlsen-Cannarella 1997, B13 and B15). "
          "Interstitial IL-6 around the Achilles tendon ~100-fold above plasma after a 36-km run (Langberg 2002 "
          "J Physiol 542:985); the IL-6 time course differed by mode over 2.5 h, highest in running (Nieman 1998 "
          "Med Sci Sports Exerc 30:671)"),
    param("tendon_il6.activation_rate_per_min", 0.0114, "1/min", (0.001, 0.1),
          "Rate constant with which the activation follows the loading of running, up and down",
          "Not fitted since 2026-12-07 (no fitted target informs it); an earlier fit's value. Langberg 2002 "
          "(J Physiol 542:985) sampled 2 h after a 3-h run and then daily, so it does not set the time course; one "
          "rate for the build-up and the fading is a model assumption"),
)


def equations(x) -> Equations:
    p = x.p
    activation = x.state("peritendinous_il6_activation_rel")
    # Impact loading grows with running speed, here the whole-body intensity; zero at rest and in cycling.
    loading = x.input("running") * x.var("systemic_intensity_pct_vo2max") / 100.0
    return Equations(
        derivatives={"peritendinous_il6_activation_rel": p.activation_rate_per_min * (loading - activation)},
        rest={"peritendinous_il6_activation_rel": 0.0},
        variables={"peritendinous_il6_release_ng_min": p.release_max_ng_min * activation},
    )


TENDON_IL6 = Compartment(
    name="tendon_il6",
    title="Peritendinous IL-6 in running",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
    outputs=OUTPUTS,
)
