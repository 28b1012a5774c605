"""Atomic file output and run manifests."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from myokine_sim.errors import InputError

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
    except OSError as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if error.filename is None:  # e.g. "No space left on device" from write(): say which file
            raise OSError(error.errno, error.strerror or str(error), str(path)) from None
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_file_for_user(path: Path, data: bytes, what: str) -> Path:
    """Write ``data`` atomically to ``path``; a failure raises ``InputError`` naming the path and ``what``."""
    path = Path(path)
    try:
        write_bytes_atomic(path, data)
    except OSError as error:
        where = f"{error.filename}: " if error.filename and str(error.filename) != str(path) else ""
        raise InputError(str(path), None, f"cannot write {what}: {where}{error.strerror or error}") from None
    return path


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


#: errno values that mean the path itself is unusable (bad input), not a fault of the machine.
PATH_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST,
                         errno.ENAMETOOLONG, errno.ENOENT, errno.ELOOP})
#: Name of the manifest that marks a folder as a previous run's output.
RUN_MANIFEST = "manifest.json"


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor or ".")


def check_output_path(path, option: str, *, folder: bool) -> Path:
    """Refuse an output path that cannot be written, before any work; nothing is created.

    ``folder`` says whether ``path`` is to be a folder (else a file). Raises
    ``InputError`` naming ``option`` and the path.
    """
    text = str(path)
    if text.strip() == "":
        raise InputError(option, repr(text), "is empty; allowed: a path to write to")
    if "\0" in text:
        raise InputError(option, repr(text), "contains a NUL character")
    path = Path(text)
    if os.path.lexists(path):
        if folder and not path.is_dir():
            raise InputError(option, text, "exists and is not a folder")
        if not folder and path.is_dir():
            raise InputError(option, text, "is a folder; allowed: a file path")
    # A file may exist and be replaced: what must exist and be writable is the folder it goes in.
    existing = _nearest_existing((path if folder else path.parent).absolute())
    if not existing.is_dir():
        raise InputError(option, text, f"lies under {existing}, which is not a folder")
    try:  # the only reliable test (root ignores permissions, a read-only mount does not)
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise InputError(option, text, f"cannot write in {existing}: {error.strerror or error}") from None
    return path


def _is_run_output(path: Path) -> bool:
    """Whether ``path`` is empty or holds a previous ``myokine run`` (so replacing it loses nothing else)."""
    entries = [entry.name for entry in os.scandir(path)]
    if not entries:
        return True
    try:
        document = json.loads((path / RUN_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("kind") == "run"


@contextlib.contextmanager
def staged_directory(target, option: str = "--out"):
    """Yield a new hidden sibling folder of ``target``; on success it replaces ``target`` as a whole.

    So ``target`` always holds one complete run: never a mix of two concurrent
    runs, never new files beside old ones. On failure the staging folder and any
    parent folders made for it are removed. ``target`` must be new, empty or a
    previous run's folder; checked (with writability) before the block runs.
    """
    target = check_output_path(target, option, folder=True)
    absolute = target.absolute()
    if absolute == Path.cwd() or absolute in Path.cwd().parents or absolute == Path(absolute.anchor):
        raise InputError(option, str(target), "is the current folder or one of its parents; allowed: a folder "
                                              "the run can replace as a whole, e.g. out/<name>")
    if target.is_dir() and not _is_run_output(target):
        raise InputError(option, str(target), "holds files that are not a previous run's output; a run replaces "
                                              "its folder as a whole, so give a new folder")
    made = _make_parents(absolute.parent, option, str(target))
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{absolute.name}.", suffix=".partial", dir=absolute.parent))
    except OSError as error:
        _remove_empty(made)
        raise InputError(option, str(target), f"cannot write there: {error.strerror or error}") from None
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp creates 0700; give the usual permissions
        yield staging
        _swap_in(staging, absolute)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise


def _make_parents(folder: Path, option: str, shown: str) -> list[Path]:
    """Create ``folder`` and missing parents; returns those created, deepest first."""
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _remove_empty([p for p in missing if p.is_dir()])
        raise InputError(option, shown, f"cannot create {folder}: {error.strerror or error}") from None
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _swap_in(staging: Path, target: Path, attempts: int = 20) -> None:
    """Rename ``staging`` to ``target``, moving an existing ``target`` aside first (and deleting it)."""
    displaced: list[Path] = []
    try:
        for _ in range(attempts):
            try:
                os.rename(staging, target)  # atomic; also fine over an empty folder
                return
            except OSError as error:
                if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            try:
                os.rename(target, aside)  # another run may have moved or replaced it meanwhile: then retry
            except FileNotFoundError:
                aside.rmdir()
                continue
            except OSError as error:
                aside.rmdir()
                if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
                continue
            displaced.append(aside)
        raise OSError(errno.EBUSY, "other runs kept replacing the folder", str(target))
    finally:
        for aside in displaced:
            shutil.rmtree(aside, ignore_errors=True)


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
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
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
