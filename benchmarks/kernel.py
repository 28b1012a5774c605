"""The compiled kernel against the NumPy batch solver, same members, side by side (a report, no asserts).

The 1,000-member population of ``benchmarks/vs_roadrunner.py`` (cycling_60min_65pct, 360 min, 1-min
samples, rtol 1e-6): ``solver.integrate`` with the compiled kernel (the model's generated right-hand
side and a per-member Dormand-Prince loop in one numba module) on 1 and 2 threads, and with the NumPy
batch (``batch_rk45``). Both take the same steps, so the right-hand-side calls per member are equal
and the trajectories agree to rounding (printed as the largest tolerance-normalised difference).

Then the one-off costs: compiling the kernel into an empty cache (a fresh process), and loading it
from the cache in a fresh process (importing numba included).

Run: .venv/bin/python benchmarks/kernel.py [--repeats R]   (needs myokine_sim[fast])
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial

import numpy as np

from myokine_sim import kernel
from myokine_sim.model import build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

sys.path.insert(0, os.path.dirname(__file__))
from vs_roadrunner import MEMBERS, SCENARIO, population  # noqa: E402

from timing import median_time  # noqa: E402  (benchmarks/timing.py, beside this script)

COLD_PROBE = """
import time, numpy as np
t = time.perf_counter()
import myokine_sim as ms
from myokine_sim.solver import integrate, output_times
model = ms.build_model(); model.compiled
s = ms.load_scenario({scenario!r}).schedule()
start = time.perf_counter()
integrate(model, np.tile(model.default_values(), (2, 1)), s, output_times(s, 1.0), kernel="numba")
print(time.perf_counter() - start)
"""


def fresh_process_seconds(cache: str | None, repeats: int) -> float:
    environment = {**os.environ, "MYOKINE_KERNEL_THREADS": "1"}
    if cache is not None:
        environment["MYOKINE_CACHE_DIR"] = cache
    timings = []
    for _ in range(repeats):
        output = subprocess.run([sys.executable, "-c", COLD_PROBE.format(scenario=SCENARIO)], check=True,
                                capture_output=True, text=True, env=environment).stdout
        timings.append(float(output.split()[-1]))
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()

    model = build_model()
    scenario = load_scenario(SCENARIO)
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    members = population(model, parameter_vector(model, resolve_parameters(scenario, model=model)))
    settings = SolverSettings()
    integrate(model, members[:2], schedule, times, settings, kernel="numba")  # compiled or loaded: not timed

    results = {}
    for label, choice, threads in (("compiled kernel, 1 thread ", "numba", 1),
                                   ("compiled kernel, 2 threads", "numba", 2),
                                   ("NumPy batch (batch_rk45)  ", "numpy", 1)):
        os.environ["MYOKINE_KERNEL_THREADS"] = str(threads)
        median, solution = median_time(partial(integrate, model, members, schedule, times, settings, kernel=choice),
                                     options.repeats)
        results[label] = (median, solution)
    numpy_time, numpy_solution = results["NumPy batch (batch_rk45)  "]
    scales = ATOL_FRACTION * np.array([s.scale for s in model.states])[:, None, None]
    print(f"{SCENARIO}: {MEMBERS} members, {len(times)} samples, rtol {settings.rtol:g}, "
          f"median of {options.repeats}")
    for label, (median, solution) in results.items():
        error = np.max(np.abs(solution.states - numpy_solution.states)
                       / (scales + settings.rtol * np.abs(numpy_solution.states)))
        print(f"  {label}: {median:6.3f} s = {median / MEMBERS * 1e6:5.0f} us/member; NumPy / this "
              f"{numpy_time / median:5.2f}x; RHS calls (most per member) {solution.n_rhs_evaluations}; "
              f"max normalised difference to NumPy {error:.1e}")
    # The compiled loop alone (no parameter constants, resting states, segments or result views around it).
    os.environ["MYOKINE_KERNEL_THREADS"] = "1"
    spent = []
    real_run = kernel.run

    def timed_run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real_run(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    kernel.run = timed_run
    whole, _ = median_time(lambda: integrate(model, members, schedule, times, settings, kernel="numba"),
                           options.repeats)
    kernel.run = real_run
    loop = statistics.median(spent)
    print(f"  the compiled per-member loop alone: {loop / MEMBERS * 1e6:5.0f} us/member; integrate() around it "
          f"{whole / MEMBERS * 1e6:5.0f} us/member ({whole / loop:.2f}x the loop)")
    one = results["compiled kernel, 1 thread "][0]
    two = results["compiled kernel, 2 threads"][0]
    print(f"  2 threads / 1 thread speed-up: {one / two:.2f}x")

    with tempfile.TemporaryDirectory() as empty:
        cold = fresh_process_seconds(empty, 1)
    warm = fresh_process_seconds(None, 3)
    print(f"  first batch in a fresh process: empty cache (compiles) {cold:.2f} s; cached {warm:.2f} s "
          "(importing numba and loading the machine code)")


if __name__ == "__main__":
    main()
