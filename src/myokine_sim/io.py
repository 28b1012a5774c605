"""Atomic file output and run manifests."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

#: Distributions whose versions every manifest records.
RECORDED_PACKAGES = ("myokine_sim", "numpy", "scipy", "matplotlib", "pydantic", "typer")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename it into place."""
    path = Path(path)
    mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)  # mkstemp creates 0600; give the usual permissions
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, document) -> None:
    write_text_atomic(path, json.dumps(document, indent=2, allow_nan=False) + "\n")


@contextlib.contextmanager
def output_directory(path: Path):
    """Yield ``path`` for writing; if the block fails, remove it when it was new."""
    path = Path(path)
    existed = path.exists()
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        if not existed:
            shutil.rmtree(path, ignore_errors=True)
        raise


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest(*, kind: str, scenario: dict, parameters: dict, units: dict, solver: dict,
             seed: int | None = None, extra: dict | None = None, files: list[Path] = ()) -> dict:
    """Everything needed to reproduce a run."""
    return {
        "kind": kind,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": sys.argv,
        "scenario": scenario,
        "parameters": {name: {"value": value, "unit": units.get(name, "")} for name, value in parameters.items()},
        "solver": solver,
        "seed": seed,
        "versions": package_versions(),
        "platform": platform.platform(),
        **(extra or {}),
        "files": {Path(f).name: sha256(f) for f in files},
    }
