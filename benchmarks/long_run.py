"""Seven days with daily training and meals: solver time by method, side by side (a report, no asserts).

``training_7days_high_carbohydrate`` (10,080 min, 7 bouts, 18 meals, 5-min samples) integrated from rest
by each method, single run: solver time (median over repeats), right-hand-side calls, and the largest
error against an LSODA reference at rtol 1e-10, normalised by atol + rtol |y| at the default tolerances.
Then a batch of 64 members of the same scenario: the compiled kernel (RK45), per member, against
single LSODA runs. The default ("auto") is LSODA for one run and RK45 for a batch.

Run: .venv/bin/python benchmarks/long_run.py [--repeats R]
"""

from __future__ import annotations

import argparse
import os
from functools import partial

import numpy as np

from myokine_sim import kernel
from myokine_sim.model import build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

from timing import median_time  # benchmarks/timing.py, beside this script

SCENARIO = "training_7days_high_carbohydrate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    model = build_model()
    model.compile()
    scenario = load_scenario(SCENARIO)
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    vector = np.array([parameter_vector(model, resolve_parameters(scenario, model=model))])
    reference = integrate(model, vector, schedule, times, SolverSettings(method="LSODA", rtol=1e-10,
                                                                         atol_fraction=1e-10)).states
    atol = ATOL_FRACTION * np.array([s.scale for s in model.states])[:, None, None]
    print(f"{SCENARIO}: {schedule.t_end_min:g} min, {len(schedule.breakpoints) - 1} segments, {len(times)} samples; "
          f"median of {options.repeats}")
    lsoda = None
    for method, choice in (("LSODA", "numpy"), ("BDF", "numpy"), ("Radau", "numpy"), ("RK45", "numpy"),
                           ("RK45", "numba")):
        if choice == "numba" and not kernel.available():
            continue
        settings = SolverSettings(method=method)
        repeats = options.repeats if method in ("LSODA", "RK45") else 1
        seconds, solution = median_time(partial(integrate, model, vector, schedule, times, settings, kernel=choice),
                                        repeats)
        if choice == "numba":  # the first call loaded the kernel; time it again
            seconds, solution = median_time(partial(integrate, model, vector, schedule, times, settings, kernel=choice),
                                            options.repeats)
        lsoda = lsoda or seconds
        error = np.max(np.abs(solution.states - reference) / (atol + 1e-6 * np.abs(reference)))
        label = f"{method}{' (compiled kernel)' if choice == 'numba' else ''}"
        print(f"  {label:<24}: {seconds * 1e3:8.1f} ms; LSODA / this {lsoda / seconds:5.2f}x; "
              f"{solution.n_rhs_evaluations:6d} RHS calls; max normalised error {error:.2f}")

    if kernel.available():
        members = np.tile(vector, (64, 1))
        os.environ["MYOKINE_KERNEL_THREADS"] = "1"
        integrate(model, members[:2], schedule, times, kernel="numba")
        batch, _ = median_time(lambda: integrate(model, members, schedule, times, kernel="numba"), options.repeats)
        single, _ = median_time(lambda: integrate(model, vector, schedule, times, kernel="numpy"), options.repeats)
        print(f"  64 members, compiled kernel (RK45) on 1 thread: {batch / 64 * 1e3:.1f} ms/member; single LSODA runs "
              f"{single * 1e3:.1f} ms/member; ratio {single / (batch / 64):.1f}x")


if __name__ == "__main__":
    main()
