"""Where the time of a 10,000-member population sweep goes (a report, no asserts).

``ms.sweep("cycling_60min_65pct", n=10_000, method="population")``, metrics only, side by side in one
run (medians over repeats):

1. ``--workers 2`` (each worker runs the compiled kernel on one thread), ``--workers 1`` (in this
   process, the kernel's members on 2 threads, then on 1), and ``--workers 2`` on the NumPy path;
2. the parts, in this process on one thread: planning, and per chunk the kernel (integrating and
   summarising each member in one pass), of which the integration alone, and the rest;
3. starting 2 worker processes and handing each a trivial task, and the first kernel call in a
   fresh worker (importing numba, loading the cached machine code);
4. the ideal: the kernel's integration time alone, shared by 2 cores.

Run: .venv/bin/python benchmarks/population.py [--members N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from timing import median_time  # benchmarks/timing.py, beside this script

SCENARIO = "cycling_60min_65pct"


def _noop(_: int) -> int:
    return os.getpid()


def _first_kernel_call() -> float:
    import numpy as np

    import myokine_sim as ms
    from myokine_sim.solver import integrate, output_times

    model = ms.build_model()
    schedule = ms.load_scenario(SCENARIO).schedule()
    start = time.perf_counter()
    integrate(model, np.tile(model.default_values(), (2, 1)), schedule, output_times(schedule, 1.0), kernel="numba")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    import myokine_sim as ms
    from myokine_sim import kernel
    from myokine_sim.sweeps import evaluate
    from myokine_sim.sweeps.plan import plan_sweep

    ms.build_model().compile()
    members = options.members
    sweep = lambda workers: ms.sweep(SCENARIO, None, members, method="population", workers=workers,  # noqa: E731
                                     progress=False)
    sweep(2)  # the kernel compiled (once per machine) and the scenario files read: not sweep time

    rows = []
    for label, workers, environment in (
        ("--workers 2, compiled kernel (1 thread each)", 2, {}),
        ("--workers 1, compiled kernel on 2 threads   ", 1, {"MYOKINE_KERNEL_THREADS": "2"}),
        ("--workers 1, compiled kernel on 1 thread    ", 1, {"MYOKINE_KERNEL_THREADS": "1"}),
        ("--workers 2, NumPy path                     ", 2, {"MYOKINE_KERNEL": "numpy"}),
    ):
        if not kernel.available() and "MYOKINE_KERNEL" not in environment:
            continue
        saved = {name: os.environ.get(name) for name in ("MYOKINE_KERNEL", "MYOKINE_KERNEL_THREADS")}
        os.environ.update(environment)
        rows.append((label, median_time(partial(sweep, workers), options.repeats)[0]))
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print(f"population of {members} members, {SCENARIO}, metrics only, median of {options.repeats}")
    reference = rows[0][1]
    for label, seconds in rows:
        print(f"  {label}: {seconds:6.2f} s  ({seconds / members * 1e6:5.0f} us/member; "
              f"{seconds / reference:4.2f}x the first row)")

    # The parts, in this process on one thread.
    os.environ["MYOKINE_KERNEL_THREADS"] = "1"
    start = time.perf_counter()
    plan = plan_sweep(ms.load_scenario(SCENARIO), None, members, "population", 0, None, False, None)
    planning = time.perf_counter() - start
    spent = {"kernel": 0.0}
    calls = []
    real_summaries = evaluate.integrate_summaries

    def timed_summaries(*args, **kwargs):
        calls.append((args, kwargs))
        begin = time.perf_counter()
        try:
            return real_summaries(*args, **kwargs)
        finally:
            spent["kernel"] += time.perf_counter() - begin

    evaluate.integrate_summaries = timed_summaries
    start = time.perf_counter()
    for index in range(plan.chunk_count):
        part = plan.chunk_slice(index)
        evaluate.evaluate_chunk(plan.context, index, plan.values[part], part.start)
    chunks = time.perf_counter() - start
    evaluate.integrate_summaries = real_summaries
    # The same kernel calls without metrics: the integration's share.
    start = time.perf_counter()
    for args, _kwargs in calls:
        model, parameters, schedules, times, settings, columns, inputs, kept = args
        real_summaries(model, parameters, schedules, times, settings, (), inputs, kept)
    integration = time.perf_counter() - start
    print(f"  in this process, 1 thread, {plan.chunk_count} chunks of {plan.chunk_size}: planning {planning:.2f} s; "
          f"chunks {chunks:.2f} s = kernel {spent['kernel']:.2f} s (integration alone {integration:.2f} s, so "
          f"metrics of {len(plan.context.columns)} columns ~{spent['kernel'] - integration:.2f} s) + rest "
          f"{chunks - spent['kernel']:.2f} s (inputs, bands, collecting)")
    start = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_noop, range(2)))
    pool_start = time.perf_counter() - start
    with ProcessPoolExecutor(1) as pool:
        first_call = pool.submit(_first_kernel_call).result()
    print(f"  2 worker processes started and handed a trivial task: {pool_start:.2f} s; first kernel call in a "
          f"fresh worker (numba import, cached code): {first_call:.2f} s")
    ideal = integration / 2
    print(f"  ideal (kernel integration only, 2 cores): {ideal:.2f} s; --workers 2 is {reference / ideal:.1f}x that")


if __name__ == "__main__":
    main()
