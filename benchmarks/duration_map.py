"""A duration x intensity map: members with different breakpoints, side by side (a report, no asserts).

A Latin hypercube over ``exercise.0.duration_min`` (15-150 min) and ``exercise.0.intensity_pct_vo2max``
(40-80%) of ``cycling_60min_65pct`` (docs/sweeps.md): every member's bout ends at its own time, so its
breakpoints differ from every other member's. Timed, medians over repeats, in one run:

1. ``ms.sweep(..., method="lhs")`` in this process with the compiled kernel: each chunk one batch, each
   member stopping at its own breakpoints;
2. the same sweep on the NumPy path, where members are grouped by identical breakpoints (here: batches
   of one, each a single LSODA run);
3. a loop of single runs (``ms.simulate`` of each member's scenario), timed on a subset and extrapolated.

Run: .venv/bin/python benchmarks/duration_map.py [--members N] [--loop-members M] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import time

from timing import median_time  # benchmarks/timing.py, beside this script

SCENARIO = "cycling_60min_65pct"
SPACE = {"names": ["exercise.0.duration_min", "exercise.0.intensity_pct_vo2max"], "bounds": [[15, 150], [40, 80]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_500)
    parser.add_argument("--loop-members", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    import numpy as np

    import myokine_sim as ms
    from myokine_sim import kernel
    from myokine_sim.sweeps.evaluate import member_scenario
    from myokine_sim.sweeps.plan import plan_sweep

    ms.build_model().compile()
    sweep = lambda: ms.sweep(SCENARIO, SPACE, options.members, method="lhs", seed=1, progress=False)  # noqa: E731
    print(f"duration x intensity LHS, {options.members} members, {SCENARIO}, median of {options.repeats}")
    rows = {}
    for label, choice in (("sweep, compiled kernel (one batch per chunk)", "numba"),
                          ("sweep, NumPy path (batches of one)          ", "numpy")):
        if choice == "numba" and not kernel.available():
            print(f"  {label}: skipped (needs numba: myokine_sim[fast])")
            continue
        os.environ["MYOKINE_KERNEL"] = choice
        sweep() if choice == "numba" else None  # compiled or loaded once: not sweep time
        seconds, table = median_time(sweep, options.repeats if choice == "numba" else 1)
        rows[label] = (seconds, table)
    os.environ.pop("MYOKINE_KERNEL", None)

    plan = plan_sweep(ms.load_scenario(SCENARIO), SPACE, options.members, "lhs", 1, None, False, None)
    scenarios = [member_scenario(plan.context.scenario, [(variable.target, float(value)) for variable, value in
                                                        zip(plan.context.space.variables, row)])
                 for row in plan.values[:options.loop_members]]
    ms.simulate(scenarios[0])
    start = time.perf_counter()
    peaks = [ms.simulate(scenario)["plasma_il6_pg_ml"].max() for scenario in scenarios]
    per_member = (time.perf_counter() - start) / len(scenarios)
    loop = per_member * options.members
    for label, (seconds, table) in rows.items():
        swept = table["peak.plasma_il6_pg_ml"][:options.loop_members]
        difference = float(np.max(np.abs(np.array(peaks) - swept) / swept))
        print(f"  {label}: {seconds:6.2f} s ({seconds / options.members * 1e3:5.2f} ms/member); "
              f"loop of single runs / this {loop / seconds:5.1f}x; peak plasma IL-6 within {difference:.1e} "
              "of the single runs")
    print(f"  loop of single runs (ms.simulate, {len(scenarios)} members timed): {per_member * 1e3:.1f} ms/member "
          f"-> {loop:.1f} s for {options.members}")


if __name__ == "__main__":
    main()
