"""Speed of a single run, measured side by side (no asserts: a report).

1. Solver time of the 10-hour marathon-with-recovery scenario (integrate only),
   alternating with the same solve through scalar code that calls the builtin
   ``max``/``min`` (what single runs did before extrema were inlined).
2. Whole ``myokine run marathon`` process, and a bare import of its
   dependencies for scale.

Run: .venv/bin/python benchmarks/simulate.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def solver_times(repeats: int) -> tuple[dict[str, list[float]], int, str]:
    import dataclasses

    from myokine_sim.model import build_model
    from myokine_sim.model.assembly import scalar_functions
    from myokine_sim.parameters import parameter_vector
    from myokine_sim.scenario import load_scenario
    from myokine_sim.simulation import resolve_parameters
    from myokine_sim.solver import SolverSettings, integrate, output_times

    scenario = load_scenario("marathon")
    model = build_model()
    inlined = model.compiled  # code generation is a one-off per process, not solver time
    builtin = scalar_functions(inlined.source, inline_extrema=False)
    variants = {
        "inlined max/min": inlined,
        "builtin max/min": dataclasses.replace(inlined, **{name: builtin[name] for name in
                                                           ("constants", "rhs", "observe", "rest")}),
    }
    vector = np.array([parameter_vector(model, resolve_parameters(scenario, model=model))])
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    timings: dict[str, list[float]] = {label: [] for label in variants}
    states = {}
    try:
        for repeat in range(repeats):
            # Alternated, so both see the same machine load, and in either order, so neither always goes first.
            order = list(variants.items()) if repeat % 2 == 0 else list(variants.items())[::-1]
            for label, compiled in order:
                model.__dict__["compiled"] = compiled  # the cached property, swapped for this measurement only
                start = time.perf_counter()
                solution = integrate(model, vector, schedule, times, SolverSettings())
                timings[label].append(time.perf_counter() - start)
                states[label] = solution.states
    finally:
        model.__dict__["compiled"] = inlined
    if not np.array_equal(*states.values()):
        raise SystemExit("the inlined and builtin scalar code gave different trajectories")
    return timings, solution.n_rhs_evaluations, solution.method


def process_times(command: list[str], repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    timings, evaluations, method = solver_times(args.repeats)
    print(f"marathon, 600 min, solver only ({method}, {evaluations} RHS evaluations; identical trajectories):")
    for label, values in timings.items():
        print(f"  {label}: median {statistics.median(values) * 1e3:.1f} ms, min {min(values) * 1e3:.1f} ms "
              f"over {args.repeats} runs (target <= 20 ms)")
    inlined, builtin = (statistics.median(values) for values in timings.values())
    print(f"  ratio inlined / builtin (medians): {inlined / builtin:.2f}")

    myokine = Path(sys.executable).with_name("myokine")
    with tempfile.TemporaryDirectory() as folder:
        run = process_times([str(myokine), "run", "marathon", "--out", folder], max(5, args.repeats // 3))
    imports = process_times(
        [sys.executable, "-c", "import numpy, scipy.integrate, pydantic, typer, matplotlib.figure, "
                               "matplotlib.backends.backend_agg"],
        max(5, args.repeats // 3),
    )
    print("`myokine run marathon`, whole process (imports, solve, figure, files):")
    print(f"  median {statistics.median(run):.2f} s (target <= 1.5 s)")
    print("  importing numpy, scipy.integrate, pydantic, typer and matplotlib alone: "
          f"median {statistics.median(imports):.2f} s")
    print(f"  ratio run / bare imports: {statistics.median(run) / statistics.median(imports):.2f}")


if __name__ == "__main__":
    main()
