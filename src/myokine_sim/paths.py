"""Where the shipped scenarios and parameter sets live.

A wheel carries them inside the package (``myokine_sim/models``); a source
checkout keeps them in the top-level ``models/`` folder.
"""

from __future__ import annotations

from pathlib import Path


def models_are_packaged() -> bool:
    """Whether the models come from an installed wheel (inside the package) rather than a source checkout."""
    return (Path(__file__).resolve().parent / "models").is_dir()


def models_dir() -> Path:
    if models_are_packaged():
        return Path(__file__).resolve().parent / "models"
    return Path(__file__).resolve().parents[2] / "models"


def scenarios_dir() -> Path:
    return models_dir() / "scenarios"


def parameter_sets_dir() -> Path:
    return models_dir() / "parameters"


def shipped_scenarios() -> dict[str, Path]:
    return {path.stem: path for path in sorted(scenarios_dir().glob("*.toml"))}


def shipped_parameter_sets() -> dict[str, Path]:
    return {path.stem: path for path in sorted(parameter_sets_dir().glob("*.toml"))}
