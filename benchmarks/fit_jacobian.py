"""One Jacobian of the calibration fit with the compiled kernel and with NumPy, side by side (a report, no asserts).

A Jacobian of ``myokine fit`` integrates every fitted scenario once for a batch of one member per fitted
parameter plus the base point (75 members over 63 scenarios with the shipped targets). Batches of that
size are below the kernel's compile threshold, so before ``run_fit`` compiled the kernel up front a fit
ran them in NumPy unless the kernel happened to be compiled already. Prints the median wall time of one
Jacobian each way and their ratio; the compiled kernel must be built first (one-off, reported apart).

Run: .venv/bin/python benchmarks/fit_jacobian.py [--repeats R]   (needs myokine_sim[fast])
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from myokine_sim.calibration.fit import FITTED_PARAMETERS, FitProblem, FitSettings, fitted_targets
from myokine_sim.calibration.targets import load_targets
from myokine_sim.model import build_model
from myokine_sim.solver import KERNEL_COMPILE_MIN_MEMBERS, prepare_kernel

sys.path.insert(0, os.path.dirname(__file__))
from timing import median_time  # noqa: E402  (benchmarks/timing.py, beside this script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    model = build_model()
    targets = fitted_targets(load_targets())
    problem = FitProblem(model, targets, FITTED_PARAMETERS, FitSettings(), lambda line: None, {})
    x = np.clip(problem.x0, problem.lower, problem.upper)
    print(f"one Jacobian: {len(FITTED_PARAMETERS) + 1} members over {len(problem.runs)} scenarios, "
          f"median of {args.repeats}")

    started = time.perf_counter()
    prepare_kernel(model, "auto", KERNEL_COMPILE_MIN_MEMBERS)
    print(f"  kernel compiled or loaded once: {time.perf_counter() - started:6.1f} s")

    timings = {}
    for kernel in ("numba", "numpy"):
        os.environ["MYOKINE_KERNEL"] = kernel
        timings[kernel], _ = median_time(lambda: problem.jacobian(x), args.repeats)
        print(f"  {kernel:5s}: {timings[kernel]:6.2f} s")
    print(f"  numpy / numba: {timings['numpy'] / timings['numba']:.1f}x")


if __name__ == "__main__":
    main()
