"""Issue 13, items 10-11: a sweep stopped by SIGKILL, SIGTERM or Ctrl-C leaves no worker and keeps its chunks.

These run the real command in a subprocess (signals and process trees cannot be tested in-process).
Durations below are hang guards, not timing assertions: how promptly a sweep stops is measured by
benchmarks/sweep_stop.py. Here "promptly" means the sweep stopped before its work was done; a stop that waited
for the chunks in flight and then discarded them would pass here, and shows only in the benchmark's latency.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import process as futures_process
from pathlib import Path

import numpy as np
import pytest

from myokine_sim.interrupts import stop_on_signals
from myokine_sim.sweeps.evaluate import ChunkResult
from myokine_sim.sweeps.evaluators import ProcessEvaluator
from myokine_sim.sweeps.store import SweepStore

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

COMMAND = [sys.executable, "-c", "from myokine_sim.cli import app; app()", "sweep", "cycling_60min_65pct",
           "--method", "population", "--samples", "20000", "--workers", "2"]
#: Far longer than a stop takes (0.2-0.35 s in benchmarks/sweep_stop.py): only a sweep that hangs meets it. A sweep
#: that ran on to its end (about 10 s idle) fails the chunk count instead.
HANG_GUARD_S = 60


def _alive(pid: int) -> bool:
    """Running (a zombie has already ended: it only waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _start(tmp_path: Path):
    out = tmp_path / "sweep"
    process = subprocess.Popen([*COMMAND, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not list((out / "chunks").glob("chunk-*.npz")):  # at least one chunk finished
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no chunk within 120 s"
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) >= 2
    return process, workers, out


def _wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def test_sigkill_of_the_sweep_leaves_no_worker(tmp_path):
    process, workers, _ = _start(tmp_path)
    process.kill()
    process.wait(30)
    survivors = _wait_gone(workers)
    for pid in survivors:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
    process.stdout.close()
    process.stderr.close()


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_end_promptly_keep_chunks_and_leave_no_worker(tmp_path, signum, code):
    process, workers, out = _start(tmp_path)
    os.killpg(process.pid, signum)  # Ctrl-C in a terminal reaches the whole process group
    try:
        _, stderr = process.communicate(timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the sweep did not end within {HANG_GUARD_S} s of the signal")
    assert process.returncode == code
    assert "Traceback" not in stderr.decode() and "Exception ignored" not in stderr.decode()
    assert _wait_gone(workers) == []
    plan = json.loads((out / "chunks" / "plan.json").read_text())
    finished = list((out / "chunks").glob("chunk-*.npz"))
    assert 1 <= len(finished) < plan["chunks"]  # kept what it finished, and stopped instead of running on


def test_a_stop_signal_during_a_chunk_save_waits_until_the_chunk_and_its_hash_are_written(tmp_path, monkeypatch):
    """Raised inside zipfile, Ctrl-C became "Can't close the ZIP file" and the sweep ended with exit 1, not 130."""
    store = SweepStore(tmp_path, {"fingerprint": "test"})
    store.create()
    savez_compressed = np.savez_compressed

    def interrupted_savez(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C arrives in the middle of the save
        return savez_compressed(*args, **kwargs)

    monkeypatch.setattr(np, "savez_compressed", interrupted_savez)
    chunk = ChunkResult(0, np.array(["ok", "ok"]), {"peak_plasma_il6_pg_ml": np.array([20.0, 30.0])})
    with stop_on_signals(), pytest.raises(KeyboardInterrupt):
        store.save(chunk)
    assert store.finished([2]) == {0}  # the chunk and its hash are on disk, so a rerun keeps it


def _square(shared, value):
    return shared * value * value


def test_a_stopped_pool_is_not_woken_again_at_interpreter_exit():
    """Python 3.11 wakes every registered pool manager at exit without the pool's lock; a stopped pool must be
    unregistered, or that wake-up can race the manager closing its pipe ("Exception ignored ... Bad file
    descriptor" after Ctrl-C). shutdown() forgets the manager thread, so it has to be read before."""
    evaluator = ProcessEvaluator(2)
    with pytest.raises(KeyboardInterrupt), evaluator:
        results = evaluator.run(_square, 1, [(value,) for value in range(4)])
        assert next(results) in {0, 1, 4, 9}
        manager = evaluator._pool._executor_manager_thread
        assert manager in futures_process._threads_wakeups  # registered while it runs
        raise KeyboardInterrupt
    assert not manager.is_alive()
    assert manager not in futures_process._threads_wakeups
