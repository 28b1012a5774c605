"""Throughput and memory of sweeps, measured side by side (no asserts: a report).

1. A virtual population (default 10,000 members) of ``cycling_60min_65pct``
   (60 min at 65% VO2max, 6 h simulated), metrics only, through ``ms.sweep``
   with 2 worker processes and with 1: median wall time of repeated runs.
2. The same members through the single-run API, ``ms.simulate`` in a loop,
   timed on a subset and extrapolated per member; the ratio to (1).
3. The same sweep through the command line (a fresh process writing
   sweep.csv, manifest.json and the band figure).
4. Peak resident memory of a 100,000-member sweep without trajectories,
   in a subprocess: the parent's and the largest worker's (getrusage).

Run: .venv/bin/python benchmarks/sweep.py [--members N] [--repeats R] [--loop-members M]
     [--memory-members N] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = "cycling_60min_65pct"

MEMORY_PROBE = """
import json, resource, sys
import myokine_sim as ms
table = ms.sweep({scenario!r}, None, {members}, method="population", workers=2, progress=False)
usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({{"parent_mb": usage, "largest_worker_mb": children, "rows": len(table),
                  "failed": int((~table.ok).sum()), "elapsed_s": table.metadata["elapsed_s"]}}))
"""


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def sweep_times(members: int, workers: int, repeats: int) -> tuple[list[float], object]:
    import myokine_sim as ms

    timings, table = [], None
    for _ in range(repeats):
        elapsed, table = timed(lambda: ms.sweep(SCENARIO, None, members, method="population", workers=workers,
                                                progress=False))
        timings.append(elapsed)
    return timings, table


def loop_time(table, count: int) -> tuple[float, float]:
    """Seconds per member of ``ms.simulate`` over the sweep's first members, and the largest peak difference."""
    import numpy as np

    import myokine_sim as ms

    scenario = ms.load_scenario(SCENARIO)
    names = table.metadata["inputs"]
    ms.simulate(scenario)  # the model is built and compiled once per process: not loop time
    start = time.perf_counter()
    peaks = []
    for member in range(count):
        result = ms.simulate(scenario, parameters={name: float(table[name][member]) for name in names})
        peaks.append(result["plasma_il6_pg_ml"].max())
    per_member = (time.perf_counter() - start) / count
    swept = table["peak.plasma_il6_pg_ml"][:count]
    return per_member, float(np.max(np.abs(np.array(peaks) - swept) / swept))


def cli_time(members: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        command = [str(Path(sys.executable).with_name("myokine")), "sweep", SCENARIO, "--method", "population",
                   "--samples", str(members), "--workers", "2", "--out", str(Path(folder) / "population")]
        elapsed, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True))
    return elapsed


def memory(members: int) -> dict:
    probe = MEMORY_PROBE.format(scenario=SCENARIO, members=members)
    output = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-members", type=int, default=200)
    parser.add_argument("--memory-members", type=int, default=100_000)
    parser.add_argument("--skip-memory", action="store_true")
    options = parser.parse_args()

    import myokine_sim as ms

    ms.build_model().compile()  # one-off code generation, as in every fresh process
    print(f"population of {options.members} members, {SCENARIO} (t_end 360 min), metrics only")
    two, table = sweep_times(options.members, 2, options.repeats)
    one, _ = sweep_times(options.members, 1, options.repeats)
    sweep_2, sweep_1 = statistics.median(two), statistics.median(one)
    failed = int((~table.ok).sum())
    print(f"  ms.sweep --workers 2: median {sweep_2:.2f} s of {[round(t, 2) for t in two]} "
          f"({sweep_2 / options.members * 1e3:.3f} ms/member; {failed} failed)")
    print(f"  ms.sweep --workers 1: median {sweep_1:.2f} s of {[round(t, 2) for t in one]} "
          f"({sweep_1 / options.members * 1e3:.3f} ms/member)")

    per_member, difference = loop_time(table, options.loop_members)
    extrapolated = per_member * options.members
    print(f"  ms.simulate loop over {options.loop_members} of the members: {per_member * 1e3:.2f} ms/member "
          f"-> {extrapolated:.1f} s for {options.members} (peak plasma IL-6 within {difference:.1e} of the sweep's)")
    print(f"  throughput ratio: workers 2 {extrapolated / sweep_2:.1f}x, workers 1 {extrapolated / sweep_1:.1f}x "
          "the single-run loop")

    cli = cli_time(options.members)
    print(f"  myokine sweep --workers 2 --out (new process, CSV + manifest + figure): {cli:.2f} s")

    if not options.skip_memory:
        report = memory(options.memory_members)
        print(f"population of {report['rows']} members, workers 2, no trajectories: {report['elapsed_s']:.1f} s; "
              f"peak RSS parent {report['parent_mb']:.0f} MB, largest worker {report['largest_worker_mb']:.0f} MB")


if __name__ == "__main__":
    main()
