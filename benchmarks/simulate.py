"""Speed of a single run, measured side by side (no asserts: a report).

1. Solver time of the 10-hour marathon-with-recovery scenario (integrate only),
   alternating with the same solve through scalar code that calls the builtin
   ``max``/``min`` (what single runs did before extrema were inlined).
2. Whole ``myokine run marathon`` process into an empty model cache (the first
   run on a machine: generates, compiles and caches the model's code) and into
   a warm one (loads the code), alternated, and a bare import of its
   dependencies for scale. ``--baseline DIR`` times the package of another
   checkout (``DIR/src``, e.g. a ``git archive`` of main) in the same rotation.

Run: .venv/bin/python benchmarks/simulate.py [--repeats N] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: This checkout's package: timed in process and in the child processes, whatever the venv has installed.
PROJECT_SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(PROJECT_SRC))


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


def process_time(command: list[str], environment: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the figure worker included) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=environment)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_times(command: list[str], repeats: int) -> list[float]:
    return [process_time(command)[0] for _ in range(repeats)]


def run_times(repeats: int, baseline: Path | None) -> dict[str, list[tuple[float, float]]]:
    """``myokine run marathon`` with an empty and a warm model cache (and ``baseline``'s package), alternated.

    Each entry is (wall, CPU) seconds: on a shared machine the CPU time varies less than the wall time.
    """
    myokine = Path(sys.executable).with_name("myokine")
    timings: dict[str, list[tuple[float, float]]] = {"empty cache": [], "warm cache": []}
    if baseline is not None:
        timings["baseline"] = []
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / "warm-cache"
        environment = {key: value for key, value in os.environ.items() if key != "MYOKINE_MODEL_CACHE"}
        command = [str(myokine), "run", "marathon", "--out", str(Path(folder) / "out")]
        process_time(command, {**environment, "MYOKINE_CACHE_DIR": str(warm)})  # fills the warm cache
        for repeat in range(repeats):
            # Alternated, so all see the same machine load, and in turning order, so none always goes first.
            labels = list(timings)
            for label in labels[repeat % len(labels):] + labels[:repeat % len(labels)]:
                cache = warm if label == "warm cache" else Path(folder) / f"empty-{label}-{repeat}"
                # Each label names its package: the venv's install may be another checkout's.
                package = baseline.resolve() / "src" if label == "baseline" else PROJECT_SRC
                run_environment = {**environment, "MYOKINE_CACHE_DIR": str(cache), "PYTHONPATH": str(package)}
                timings[label].append(process_time(command, run_environment))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="another checkout whose src/ to time in the same rotation")
    args = parser.parse_args()
    import myokine_sim

    print(f"package timed: {Path(myokine_sim.__file__).parent}" + (f"; baseline {args.baseline.resolve() / 'src'}"
                                                                   if args.baseline else ""))
    timings, evaluations, method = solver_times(args.repeats)
    print(f"marathon, 600 min, solver only ({method}, {evaluations} RHS evaluations; identical trajectories):")
    for label, values in timings.items():
        print(f"  {label}: median {statistics.median(values) * 1e3:.1f} ms, min {min(values) * 1e3:.1f} ms "
              f"over {args.repeats} runs (target <= 20 ms)")
    inlined, builtin = (statistics.median(values) for values in timings.values())
    print(f"  ratio inlined / builtin (medians): {inlined / builtin:.2f}")

    processes = max(5, args.repeats // 3)
    runs = run_times(processes, args.baseline)
    imports = process_times(
        [sys.executable, "-c", "import numpy, scipy.integrate, pydantic, typer, matplotlib.figure, "
                               "matplotlib.backends.backend_agg"],
        processes,
    )
    bare = statistics.median(imports)
    print(f"`myokine run marathon`, whole process (imports, solve, figure, files), {processes} runs each, alternated:")
    medians = {}
    for label, values in runs.items():
        wall, cpu = (statistics.median(column) for column in zip(*values))
        medians[label] = wall, cpu
        print(f"  {label}: median {wall:.2f} s (min {min(v[0] for v in values):.2f} s), CPU {cpu:.2f} s; "
              f"{wall / bare:.2f}x the bare imports (target <= 1.5 s)")
    print(f"  importing numpy, scipy.integrate, pydantic, typer and matplotlib alone: median {bare:.2f} s")
    for label in [label for label in medians if label != "warm cache"]:
        print(f"  warm cache / {label} (medians): wall {medians['warm cache'][0] / medians[label][0]:.2f}, "
              f"CPU {medians['warm cache'][1] / medians[label][1]:.2f}")


if __name__ == "__main__":
    main()
