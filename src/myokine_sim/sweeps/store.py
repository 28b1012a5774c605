"""A sweep's output folder: its plan, finished chunks, and the final files.

``DIR/chunks/plan.json`` records the sweep's fingerprint (a hash of scenario,
space, method, sample count, seed and everything else that decides the
results). Each finished chunk is written atomically to
``DIR/chunks/chunk-NNNNN.npz`` as soon as it arrives, and its SHA-256 is then
recorded in the plan, so an interrupted sweep loses only the chunks still in
flight; running it again skips finished chunks whose file matches the
recorded hash and computes the others again. A folder holding a different
sweep is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.interrupts import stop_deferred
from myokine_sim.io import write_bytes_atomic
from myokine_sim.sweeps.evaluate import ChunkResult

CHUNKS_DIR = "chunks"
#: Key of the plan that maps chunk numbers to the SHA-256 of their files.
CHUNK_HASHES = "chunk_sha256"
PLAN_FILE = "plan.json"
CSV_FILE = "sweep.csv"
#: Stem of the sweep table file, whatever its format (sweep.csv, sweep.parquet, sweep.nc).
TABLE_STEM = "sweep"
TRAJECTORIES_FILE = "trajectories.npz"


def fingerprint(document: dict) -> str:
    """SHA-256 of a JSON document with sorted keys."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def open_atomic(path: Path, mode: str = "w"):
    """Open a temporary file next to ``path``; on success it replaces ``path``, on failure it vanishes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding, newline="" if encoding else None) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp creates 0600; give the usual permissions
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class SweepStore:
    """The chunk files of one sweep in ``directory``."""

    def __init__(self, directory: Path, plan: dict):
        self.directory = Path(directory)
        self.plan = {**plan, CHUNK_HASHES: {}}
        self.created = False  # whether this store wrote plan.json (else it resumes an earlier run)
        self.rejected: list[int] = []  # chunks whose file did not match the recorded hash

    @property
    def chunks_dir(self) -> Path:
        return self.directory / CHUNKS_DIR

    @staticmethod
    def check(directory: Path, plan: dict, source: str = "out") -> None:
        """Refuse a folder that holds a different sweep (before anything is written)."""
        directory = Path(directory)
        plan_path = directory / CHUNKS_DIR / PLAN_FILE
        if plan_path.is_file():
            try:
                existing = json.loads(plan_path.read_text(encoding="utf-8")).get("fingerprint")
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                existing = None
            if existing != plan["fingerprint"]:
                raise InputError(
                    source, str(directory),
                    f"holds a different sweep (fingerprint {str(existing)[:12]}, this sweep "
                    f"{plan['fingerprint'][:12]}); choose another output folder, or delete it to start over",
                )
        elif any(directory.glob(f"{TABLE_STEM}.*")) or (directory / CHUNKS_DIR).exists():
            raise InputError(source, str(directory), "holds sweep output without a plan; choose another output "
                                                     "folder, or delete it to start over")

    @property
    def plan_path(self) -> Path:
        return self.chunks_dir / PLAN_FILE

    def create(self) -> None:
        """Write plan.json, or read the chunk hashes an earlier run of this sweep recorded."""
        if self.plan_path.is_file():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                hashes = json.loads(self.plan_path.read_text(encoding="utf-8")).get(CHUNK_HASHES)
                if isinstance(hashes, dict):
                    self.plan[CHUNK_HASHES] = {str(k): str(v) for k, v in hashes.items()}
            return
        self._write_plan()
        self.created = True

    def _write_plan(self) -> None:
        write_bytes_atomic(self.plan_path, (json.dumps(self.plan, indent=2) + "\n").encode("utf-8"))

    def remove_plan(self) -> None:
        """Undo ``create`` when no chunk was saved: remove plan.json and the chunks folder if left empty."""
        # An interrupt can land between a chunk's file and its count: a chunk on disk keeps the plan.
        if self.created and not self.has_chunk_files():
            with contextlib.suppress(FileNotFoundError):
                self.plan_path.unlink()
            with contextlib.suppress(OSError):
                self.chunks_dir.rmdir()

    def has_chunk_files(self) -> bool:
        return any(self.chunks_dir.glob("chunk-*.npz"))

    def chunk_path(self, index: int) -> Path:
        return self.chunks_dir / f"chunk-{index:05d}.npz"

    def finished(self, sizes: list[int]) -> set[int]:
        """Chunks whose file is complete (``sizes[k]`` members in chunk k)."""
        done = set()
        hashes = self.plan[CHUNK_HASHES]
        for index, size in enumerate(sizes):
            path = self.chunk_path(index)
            if not path.is_file():
                continue
            try:
                data_bytes = path.read_bytes()
            except OSError:
                continue
            if hashes.get(str(index)) != hashlib.sha256(data_bytes).hexdigest():
                self.rejected.append(index)  # swapped, damaged, or never recorded: compute it again
                continue
            with contextlib.suppress(OSError, ValueError, zipfile.BadZipFile, KeyError), \
                    np.load(io.BytesIO(data_bytes), allow_pickle=False) as data:
                if len(data["status"]) == size:
                    done.add(index)
        return done

    def save(self, result: ChunkResult) -> None:
        arrays = {"status": result.status}
        arrays.update({f"metric:{name}": values for name, values in result.metrics.items()})
        arrays.update({f"trajectory:{name}": values for name, values in result.trajectories.items()})
        arrays.update({f"band:{name}": counts for name, counts in result.band_counts.items()})
        # Ctrl-C or SIGTERM waits the few milliseconds of the save: raised inside zipfile, it turned into
        # "Can't close the ZIP file" (exit 1 instead of 130/143), and the chunk and its hash stay in step.
        with stop_deferred():
            buffer = io.BytesIO()
            np.savez_compressed(buffer, **arrays)
            data = buffer.getvalue()
            write_bytes_atomic(self.chunk_path(result.index), data)
            # Recorded after the file: a crash in between leaves a chunk that is simply computed again.
            self.plan[CHUNK_HASHES][str(result.index)] = hashlib.sha256(data).hexdigest()
            self._write_plan()

    def load(self, index: int) -> ChunkResult:
        with np.load(self.chunk_path(index), allow_pickle=False) as data:
            groups: dict[str, dict[str, np.ndarray]] = {"metric": {}, "trajectory": {}, "band": {}}
            for key in data.files:
                kind, _, name = key.partition(":")
                if kind in groups:
                    groups[kind][name] = data[key]
            return ChunkResult(index, data["status"], groups["metric"], groups["trajectory"], groups["band"])


def write_trajectories(path: Path, time_min: np.ndarray, trajectories: dict[str, np.ndarray]) -> None:
    """``time_min`` and one ``(members, samples)`` array per column, as an .npz file."""
    with stop_deferred(), open_atomic(path, "wb") as stream:  # as for chunks: no stop inside zipfile
        np.savez(stream, time_min=time_min, **trajectories)
