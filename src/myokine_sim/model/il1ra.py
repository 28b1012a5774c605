"""Plasma IL-1 receptor antagonist: an acute-phase route led by IL-6 and amplified by cortisol, and a monocyte route.

Exercise raises IL-1ra through IL-6 (rhIL-6 alone raises it: Steensberg 2003). IL-1ra is also an acute-phase
protein of the liver (Gabay 1997 J Clin Invest 99:2930: in hepatocytes IL-1beta was the main inducer, IL-6 added to
it), and in rats dexamethasone amplified the hepatic acute-phase response to IL-6 (Marinkovic 1989 J Immunol
142:808, for other acute-phase proteins). So the IL-6 route is multiplied by a power of the cortisol ratio: after
long running IL-1ra correlated with cortisol more than with IL-6 (r = 0.70 against 0.54; Nehlsen-Cannarella 1997
J Appl Physiol 82:1662), and carbohydrate, which blunts the cortisol rise, lowered IL-1ra more than IL-6 (Nieman
1998, 2001). The route's lag (about 40 min) is fitted to the exercise data, where acute-phase proteins take hours:
which cells carry it in exercise is a model assumption.

Endotoxin-activated monocytes make IL-1ra themselves (Brown 1996 Cytokine 8:828: endotoxin induced it in blood
mononuclear cells, and dexamethasone attenuated that). The monocyte route follows the activation endotoxin causes,
which tolerance cuts: five daily doses cut the IL-1ra rise by 93% by day 5 (Draisma 2009), though the day-5 IL-6
is above a marathon's. The route carries no glucocorticoid brake, a simplification: hydrocortisone given with
endotoxin lowers IL-1ra in the model only as it stops TNF-alpha and with it most of the innate IL-6, and cortisol
amplifies what IL-6 is left (a smaller rise, Barber 1995 Surgery 118:406; unchanged, Santos 1993 Arch Surg
128:138). The power law is fitted at cortisol up to about 3.5 times rest; hydrocortisone and hypoglycaemia take the
model's cortisol to 5.5 times rest, where the amplification is an extrapolation.
"""

from myokine_sim.model.core import Compartment, Equations, Quantity, param
from myokine_sim.model.plasma_il6 import il6_action_above_rest

STATES = (
    Quantity("il1ra_induction_rel", "1", "IL-6-driven induction of IL-1ra production (the acute-phase route)",
             scale=0.01),
    Quantity("il1ra_monocyte_induction_rel", "1",
             "Induction of IL-1ra production in endotoxin-activated monocytes (0 at rest, 1 at full activation)",
             scale=0.01),
    Quantity("il1ra_pg_ml", "pg/mL", "Plasma IL-1ra", scale=10.0, floor="rest"),
)

PARAMETERS = (
    param("il1ra.baseline_pg_ml", 123.0, "pg/mL", (30.0, 600.0),
          "Resting plasma IL-1ra", "Ostrowski 1998 J Physiol 508:949 (123 pg/mL before a marathon)"),
    param("il1ra.induction_rate_per_min", 0.02739, "1/min", (0.002, 0.1),
          "Rate constant of IL-1ra induction, by IL-6 and in activated monocytes (one rate for both routes: a model "
          "assumption)",
          "IL-1ra peaks 1-2 h after exercise (Ostrowski 1998 J Physiol 513:889) and about 3 h after endotoxin "
          "(Fischer 1992 Blood 79:2196)"),
    param("il1ra.elimination_rate_per_min", 0.02523, "1/min", (0.001, 0.06),
          "Plasma IL-1ra elimination rate",
          "Marathon IL-1ra still rising 2 h after the finish (Ostrowski 1998 J Physiol 508:949)"),
    param("il1ra.max_fold", 3.799, "fold", (1.0, 500.0),
          "Maximal IL-1ra production over rest through the IL-6 route, at resting cortisol (exercise's cortisol rise "
          "multiplies it)",
          "Marathon IL-1ra ~33-fold at 2 h post (Ostrowski 1998), with cortisol several-fold over rest; rhIL-6 at "
          "~140 pg/mL raises IL-1ra (Steensberg 2003 Am J Physiol Endocrinol Metab 285:E433)"),
    param("il1ra.il6_half_pg_ml", 9.299, "pg/mL", (5.0, 1000.0),
          "Plasma IL-6 giving half-maximal IL-1ra induction",
          "rhIL-6 at ~140 pg/mL raises IL-1ra (Steensberg 2003 Am J Physiol Endocrinol Metab 285:E433)"
          "; not fitted since 2026-12-07: no fitted target informs it locally, so it keeps an earlier "
          "fit's value"),
    param("il1ra.cortisol_order", 1.628, "1", (0.0, 4.0),
          "Order of the IL-6 route in plasma cortisol over rest: glucocorticoids amplify the acute-phase response "
          "to IL-6",
          "Marinkovic 1989 J Immunol 142:808 (in rats, dexamethasone amplified IL-6-induced hepatic acute-phase "
          "proteins); Gabay 1997 J Clin Invest 99:2930 (IL-1ra is a hepatic acute-phase protein); "
          "Nehlsen-Cannarella 1997 J Appl Physiol 82:1662 (post-run IL-1ra correlated with cortisol, r = 0.70, more "
          "than with IL-6); fitted to Nieman 1998 (B11) and Draisma 2009 (B125)"),
    param("il1ra.monocyte_fold", 94.45, "fold", (0.0, 1000.0),
          "IL-1ra production over rest at full monocyte activation by endotoxin",
          "Fischer 1992 Blood 79:2196 (IL-1ra 32-fold 3 h after endotoxin); Brown 1996 Cytokine 8:828 (endotoxin "
          "induces IL-1ra in blood mononuclear cells); Draisma 2009 Crit Care Med 37:1261 (IL-1ra rise 93% smaller "
          "after five daily doses)"),
)


def equations(x) -> Equations:
    p = x.p
    induction = x.state("il1ra_induction_rel")
    monocyte_induction = x.state("il1ra_monocyte_induction_rel")
    il1ra = x.state("il1ra_pg_ml")
    plasma_il6 = x.state("plasma_il6_pg_ml")
    # Cortisol over rest scales the IL-6 route (1 at rest, so the resting state does not depend on the order; the
    # cortisol state is floored at rest, so the ratio is never below 1).
    cortisol_ratio = x.state("cortisol_nmol_l") / x.param("cortisol.baseline_nmol_l")
    il6_drive = il6_action_above_rest(x, plasma_il6, p.il6_half_pg_ml) * cortisol_ratio**p.cortisol_order
    return Equations(
        derivatives={
            "il1ra_induction_rel": p.induction_rate_per_min * (il6_drive - induction),
            "il1ra_monocyte_induction_rel": p.induction_rate_per_min
            * (x.state("monocyte_activation_rel") - monocyte_induction),
            "il1ra_pg_ml": p.elimination_rate_per_min
            * (p.baseline_pg_ml * (1.0 + p.max_fold * induction + p.monocyte_fold * monocyte_induction) - il1ra),
        },
        rest={"il1ra_induction_rel": 0.0, "il1ra_monocyte_induction_rel": 0.0, "il1ra_pg_ml": p.baseline_pg_ml},
    )


IL1RA = Compartment(
    name="il1ra",
    title="IL-1 receptor antagonist",
    states=STATES,
    parameters=PARAMETERS,
    equations=equations,
)
