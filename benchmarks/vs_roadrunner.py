"""Throughput of a virtual population: libRoadRunner on the SBML export vs myokine_sim's batched solver.

A 1,000-member population of the cycling_60min_65pct scenario: a handful of
parameters get independent lognormal perturbations (CV 20%, fixed seed, clipped
to each parameter's plausible range). Both simulators produce every state at the
scenario's output times (1-min samples over 360 min) with the same error
control: relative tolerance 1e-6 and absolute tolerance 1e-6 x each state's
typical scale (myokine_sim's ``SolverSettings()`` defaults):

(a) libRoadRunner (CVODE) on the exported model, one member at a time: set the
    member's parameters as initial values, ``resetAll()`` (which re-evaluates
    the initial assignments, so the resting state follows the parameters, and
    returns the inputs to their time-0 values), simulate;
(b) ``solver.integrate`` on the same members as one batch (and in chunks):
    the compiled kernel (``myokine_sim[fast]``) on 2 threads and on 1, and
    the NumPy path.

With roadrunner's default absolute tolerance (1e-12 for every state) about 1%
of the members stop with CV_TOO_MUCH_ACC late in recovery, when the oxygen-uptake
state has decayed to ~1e-300; the per-state tolerances avoid that. A member that
still fails is counted and left out of the comparison, not retried.

Prints median wall times over a few repeats, members per second, the throughput
ratio, and how far the two disagree on peak plasma IL-6. No assertions.

Run: .venv/bin/python benchmarks/vs_roadrunner.py  (needs myokine_sim[sbml])
"""

from __future__ import annotations

import os
import statistics
import time
from functools import partial

import numpy as np
import roadrunner

from myokine_sim import kernel
from myokine_sim.model import build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.sbml import export_sbml, sbml_id
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

SCENARIO = "cycling_60min_65pct"
MEMBERS = 1_000
CV = 0.20
SEED = 20240601
REPEATS = 3
RTOL = 1e-6
PERTURBED = (
    "plasma_il6.clearance_per_min",
    "plasma_il6.baseline_pg_ml",
    "il6_gene.max_transcription_fold",
    "muscle_il6.secretion_rate_per_min",
    "exercise.vo2_rate_per_min",
    "muscle_glycogen.use_rate_mmol_kg_min",
)


def population(model, base: list[float]) -> np.ndarray:
    """``(MEMBERS, n_parameters)``: the base vector with lognormal perturbations of PERTURBED."""
    generator = np.random.default_rng(SEED)
    sigma = np.sqrt(np.log1p(CV**2))  # lognormal with this CV and median 1
    members = np.tile(np.asarray(base, dtype=float), (MEMBERS, 1))
    for name in PERTURBED:
        column = model.parameter_index[name]
        parameter = model.parameter(name)
        factors = np.exp(sigma * generator.standard_normal(MEMBERS))
        members[:, column] = np.clip(members[:, column] * factors, parameter.lower, parameter.upper)
    return members


def run_roadrunner(runner, members: np.ndarray, columns: list[int], ids: list[str], times, states) -> np.ndarray:
    """Peak plasma IL-6 of each member (NaN where CVODE failed)."""
    peaks = np.full(len(members), np.nan)
    plasma = states.index("plasma_il6_pg_ml")
    for member, row in enumerate(members):
        for sid, value in zip(ids, row[columns]):
            # The model-level setter: RoadRunner's own ``runner["init(...)"]`` regenerates the model (~0.2 s).
            runner.model.setValue(f"init({sid})", float(value))
        runner.resetAll()
        try:
            result = runner.simulate(times=times, selections=states)
        except RuntimeError:
            continue
        peaks[member] = np.max(result[:, plasma])
    return peaks


#: (label, kernel, kernel threads, chunk size): the compiled kernel where numba is installed, and NumPy.
VARIANTS = (
    ("compiled kernel, 2 threads", "numba", 2, 1_000),
    ("compiled kernel, 1 thread ", "numba", 1, 1_000),
    ("NumPy batch, chunks of 1000", "numpy", 1, 1_000),
    ("NumPy batch, chunks of 250 ", "numpy", 1, 250),
)


def run_batched(model, members: np.ndarray, schedule, times, chunk: int, kernel: str = "numpy") -> np.ndarray:
    plasma = model.state_index["plasma_il6_pg_ml"]
    peaks = []
    for start in range(0, len(members), chunk):
        solution = integrate(model, members[start:start + chunk], schedule, times, SolverSettings(rtol=RTOL),
                             kernel=kernel)
        peaks.append(solution.states[plasma].max(axis=1))
    return np.concatenate(peaks)


def timed(action) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    peaks = action()
    return time.perf_counter() - start, peaks


def main() -> None:
    model = build_model()
    scenario = load_scenario(SCENARIO)
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    members = population(model, parameter_vector(model, resolve_parameters(scenario, model=model)))

    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_CRITICAL)
    runner = roadrunner.RoadRunner(export_sbml(scenario))
    runner.integrator.relative_tolerance = RTOL
    for state in model.states:
        runner.integrator.setIndividualTolerance(state.name, ATOL_FRACTION * state.scale)
    columns = [model.parameter_index[name] for name in PERTURBED]
    ids = [sbml_id(name) for name in PERTURBED]
    states = list(model.state_names)

    print(f"{SCENARIO}: {MEMBERS} members, {len(times)} output times, {len(PERTURBED)} perturbed parameters "
          f"(CV {CV:.0%}), rtol {RTOL:g}, {REPEATS} repeats; libroadrunner {roadrunner.__version__}")
    rr_times, rr_peaks = [], None
    for _ in range(REPEATS):
        elapsed, rr_peaks = timed(partial(run_roadrunner, runner, members, columns, ids, times, states))
        rr_times.append(elapsed)
    rr_median = statistics.median(rr_times)
    failed = int(np.count_nonzero(np.isnan(rr_peaks)))
    print(f"  libRoadRunner, one member at a time : median {rr_median:7.3f} s  "
          f"({MEMBERS / rr_median:8.0f} members/s)  failed members: {failed}")

    if kernel.available():
        # Compiled once per model and machine (numba's cache on disk): a one-off, not throughput.
        run_batched(model, members[:2], schedule, times, 2, "numba")
    for label, choice, threads, chunk in VARIANTS:
        if choice == "numba" and not kernel.available():
            print(f"  {label}: skipped (needs numba: myokine_sim[fast])")
            continue
        os.environ["MYOKINE_KERNEL_THREADS"] = str(threads)
        batch_times, batch_peaks = [], None
        for _ in range(REPEATS):
            elapsed, batch_peaks = timed(partial(run_batched, model, members, schedule, times, chunk, choice))
            batch_times.append(elapsed)
        median = statistics.median(batch_times)
        difference = np.nanmax(np.abs(batch_peaks - rr_peaks) / rr_peaks)
        print(f"  {label}: median {median:7.3f} s ({median / MEMBERS * 1e6:6.0f} us/member, "
              f"{MEMBERS / median:7.0f} members/s)  ratio vs roadrunner {rr_median / median:5.2f}x  "
              f"(max relative difference in peak plasma IL-6 {difference:.1e})")


if __name__ == "__main__":
    main()
