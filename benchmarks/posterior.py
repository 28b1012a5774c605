"""Speed of the posterior: one batch of the log-posterior at several batch sizes, and the whole analysis.

An ensemble step of emcee is two batches (one per half-ensemble), so the cost of a batch, which
hardly grows with its size (the solver's cost is per scenario and segment), sets the sampling time.
Prints the batch timings, the time the default ``myokine posterior`` settings imply from them, and
the stage timings the shipped sample's provenance recorded. ``--full`` also times a whole
``myokine posterior`` run into a temporary folder (30 min or more). No asserts: a report.

Run: .venv/bin/python benchmarks/posterior.py [--sizes 1,24,72] [--full]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

import numpy as np


def batch_times(sizes: list[int]) -> dict[int, float]:
    from myokine_sim.calibration.fit import FITTED_PARAMETERS
    from myokine_sim.calibration.likelihood import PosteriorProblem, load_noise, parameter_set_values
    from myokine_sim.calibration.targets import load_targets

    targets = load_targets()
    problem = PosteriorProblem(FITTED_PARAMETERS, parameter_set_values(), targets, load_noise(targets))
    rng = np.random.default_rng(0)
    problem.log_posterior(problem.x_fit[None, :])  # compile and warm up
    times = {}
    for size in sizes:
        x = problem.x_fit + 0.01 * rng.standard_normal((size, len(problem.names)))
        started = time.perf_counter()
        problem.log_posterior(np.clip(x, problem.lower, problem.upper))
        times[size] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,24,72", help="batch sizes, comma separated")
    parser.add_argument("--full", action="store_true", help="also time a whole `myokine posterior` run")
    args = parser.parse_args()
    from myokine_sim.calibration.posterior import PosteriorSettings
    from myokine_sim.calibration.posterior_files import load_posterior

    sizes = [int(s) for s in args.sizes.split(",")]
    times = batch_times(sizes)
    print("log-posterior over every fitted target (all scenarios), one batch:")
    for size, seconds in times.items():
        print(f"  batch of {size:4d}: {seconds:6.1f} s ({seconds / size:.2f} s per member)")
    settings = PosteriorSettings()
    per_batch = max(times.values())
    print(f"default settings: {settings.steps} emcee steps x 2 batches; at {per_batch:.0f} s a batch (an upper bound: "
          f"the check reads fewer scenarios) the check takes at most {2 * settings.steps * per_batch / 60:.0f} min")
    try:
        provenance = load_posterior().provenance
        print("stages of the run that wrote the shipped sample (s):", provenance["timings_s"])
        d = provenance["check"]["diagnostics"]
        print(f"  emcee check: {d['walkers']} walkers x {d['steps']} steps, acceptance {d['acceptance_fraction']:.2f}, "
              f"tau {max(d['autocorrelation_time_steps']):.1f} steps")
    except Exception as error:  # noqa: BLE001 - a report, not a test
        print(f"no shipped sample to report on: {error}")
    if args.full:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "myokine_sim.cli", "posterior", "--out", folder], check=True)
            print(f"whole `myokine posterior`: {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
