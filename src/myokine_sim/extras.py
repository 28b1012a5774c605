"""Optional dependencies: import them on demand, or say which extra installs them."""

from __future__ import annotations

import importlib

from myokine_sim.errors import MyokineError

#: Import name -> (distribution, extra that provides it).
OPTIONAL_MODULES: dict[str, tuple[str, str]] = {
    "pandas": ("pandas", "data"),
    "xarray": ("xarray", "data"),
    "pyarrow": ("pyarrow", "data"),
    "pyarrow.parquet": ("pyarrow", "data"),
    "h5netcdf": ("h5netcdf", "data"),
    "h5py": ("h5py", "data"),
    "libsbml": ("python-libsbml", "sbml"),
    "libsedml": ("python-libsedml", "sbml"),
    "libcombine": ("python-libcombine", "sbml"),
    "starlette": ("starlette", "explore"),
    "uvicorn": ("uvicorn", "explore"),
}


class MissingExtraError(MyokineError):
    """An optional dependency is not installed; the message names the extra that installs it."""


def install_hint(extra: str) -> str:
    """How to install ``extra``: myokine_sim is not on PyPI, so from the project folder (a clone), as in the README."""
    return f"the myokine_sim[{extra}] extra: in the project folder run pip install '.[{extra}]'"


def require(module: str, purpose: str):
    """Import ``module``, or raise ``MissingExtraError`` saying what ``purpose`` needs and how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        distribution, extra = OPTIONAL_MODULES[module]
        raise MissingExtraError(
            f"{purpose} needs {distribution}, which is not installed; install {install_hint(extra)}"
        ) from None


def require_all(modules: tuple[str, ...], purpose: str) -> None:
    """Check up front that every module imports (before any work or any file is written)."""
    for module in modules:
        require(module, purpose)
