"""Which parameters a global analysis varies when none are named: a cheap local screen first.

Varying every parameter (131) spreads Morris trajectories and Sobol' samples so thin that the
intervals are as wide as the indices. One batch of local derivatives (``local``) finds the
parameters the metric responds to at the scenario's values; the global analysis then varies those.
A parameter that acts only far from its value (a threshold) can be missed: name it with ``params``.
"""

from __future__ import annotations

from pathlib import Path

from myokine_sim.scenario import Scenario

#: Kept: |d ln metric / d ln parameter| at least this (a 10 % change moves the metric by 0.5 % or more) ...
SCREEN_THRESHOLD = 0.05
#: ... and at most this many, the largest first.
SCREEN_LIMIT = 12
RULE = (f"the parameters with a local coefficient |d ln metric / d ln p| >= {SCREEN_THRESHOLD:g} at the scenario's "
        f"values, at most the {SCREEN_LIMIT} largest")


def screened_parameters(scenario: Scenario | str | Path, metric: str) -> tuple[list[str], str]:
    """The parameters to vary by default and a note saying how they were chosen."""
    from myokine_sim.sensitivity.local import local

    screen = local(scenario, metric)
    ranked = screen.ranked()
    kept = [row["parameter"] for row in ranked if abs(row["coefficient"]) >= SCREEN_THRESHOLD][:SCREEN_LIMIT]
    if not kept:  # the metric barely responds to anything: vary the few that move it most
        kept = [row["parameter"] for row in ranked[:SCREEN_LIMIT]]
    note = (f"varied {len(kept)} of {len(ranked)} parameters, screened by local sensitivity ({screen.runs} runs): "
            f"{RULE}; give --params to choose")
    return kept, note
