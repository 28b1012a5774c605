"""How long a running sweep takes to stop after SIGTERM or Ctrl-C (no asserts: a report).

The command-line sweep of ``cycling_60min_65pct`` (a 20,000-member population
on 2 workers) is started in its own process group; once its first chunk is on
disk, the signal goes to the whole group, as Ctrl-C in a terminal does. The
time from the signal until the process has exited is the stop latency. Its
median and largest value are printed per signal, beside the budget of 2 s,
optionally with busy processes competing for the cores (``--load N``). The load
is CPU only: a busy disk, which slows the fsync of a chunk saved while the
signal waits, is not simulated.

Run: .venv/bin/python benchmarks/sweep_stop.py [--repeats R] [--load N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [sys.executable, "-c", "from myokine_sim.cli import app; app()", "sweep", "cycling_60min_65pct",
           "--method", "population", "--samples", "20000", "--workers", "2"]
BUDGET_S = 2.0
#: A stop that takes longer is reported as a hang, and the benchmark ends.
HANG_GUARD_S = 60


def _spin() -> None:
    while True:
        sum(range(10_000))


def stop_latency(signum: int, folder: Path) -> tuple[float, int, int, int]:
    """Seconds from the signal to the exit, the exit code, and the chunks finished of those planned."""
    out = folder / "sweep"
    process = subprocess.Popen([*COMMAND, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    while not list((out / "chunks").glob("chunk-*.npz")):
        if process.poll() is not None:
            raise SystemExit(f"the sweep ended (exit {process.returncode}) before its first chunk")
        time.sleep(0.02)
    start = time.perf_counter()
    os.killpg(process.pid, signum)
    try:
        process.wait(timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise SystemExit(f"the sweep did not stop within {HANG_GUARD_S} s of {signal.Signals(signum).name}") from None
    elapsed = time.perf_counter() - start
    planned = json.loads((out / "chunks" / "plan.json").read_text())["chunks"]
    return elapsed, process.returncode, len(list((out / "chunks").glob("chunk-*.npz"))), planned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="stops per signal")
    parser.add_argument("--load", type=int, default=0, help="busy processes competing for the cores")
    args = parser.parse_args()
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.load)]
    for spinner in spinners:
        spinner.start()
    try:
        for signum in (signal.SIGTERM, signal.SIGINT):
            timings, codes, kept = [], set(), []
            for _ in range(args.repeats):
                with tempfile.TemporaryDirectory() as folder:
                    elapsed, code, finished, planned = stop_latency(signum, Path(folder))
                timings.append(elapsed)
                codes.add(code)
                kept.append(f"{finished}/{planned}")
            print(f"{signal.Signals(signum).name:7s} ({args.load} busy processes, {args.repeats} stops): "
                  f"median {statistics.median(timings):.2f} s, largest {max(timings):.2f} s "
                  f"(budget {BUDGET_S:.0f} s: {'met' if max(timings) <= BUDGET_S else 'not met'}); "
                  f"exit codes {sorted(codes)}; chunks kept {', '.join(kept)}")
    finally:
        for spinner in spinners:
            spinner.terminate()


if __name__ == "__main__":
    main()
