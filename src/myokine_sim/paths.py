"""Where the shipped scenarios and parameter sets live.

A wheel carries them inside the package (``myokine_sim/models``); a source
checkout keeps them in the top-level ``models/`` folder.
"""

from __future__ import annotations

from pathlib import Path


def models_dir() -> Path:
    packaged = Path(__file__).resolve().parent / "models"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "models"


def scenarios_dir() -> Path:
    return models_dir() / "scenarios"


def parameter_sets_dir() -> Path:
    return models_dir() / "parameters"


def shipped_scenarios() -> dict[str, Path]:
    return {path.stem: path for path in sorted(scenarios_dir().glob("*.toml"))}


def shipped_parameter_sets() -> dict[str, Path]:
    return {path.stem: path for path in sorted(parameter_sets_dir().glob("*.toml"))}
