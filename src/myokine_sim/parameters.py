"""Parameter sets: named collections of parameter values stored as TOML.

A set only lists values; units, bounds, descriptions and sources live with
each parameter in its compartment module.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from functools import lru_cache
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.limits import MAX_INPUT_FILE_BYTES
from myokine_sim.model import Model, build_model
from myokine_sim.paths import shipped_parameter_sets


def check_value(model: Model, name: str, value, source: str, field: str) -> float:
    """Validate one parameter value by name; returns it as a float."""
    if name not in model.parameter_index:
        close = difflib.get_close_matches(name, model.parameter_names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(source, field, f"unknown parameter {name!r}{hint} (`myokine params` lists them all)")
    parameter = model.parameter(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(source, field, f"must be a number in {parameter.unit}, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or not parameter.lower <= value <= parameter.upper:
        raise InputError(
            source,
            field,
            f"{value:g} is outside the plausible range; allowed: {parameter.lower:g} to "
            f"{parameter.upper:g} {parameter.unit}",
        )
    return value


def flatten(table: dict, prefix: str = "") -> dict:
    """Turn TOML's nested tables from unquoted dotted keys back into dotted names."""
    flat = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def resolve_parameter_set(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.parent != Path("."):
        if not path.is_file():
            raise InputError(str(path), None, "parameter set file not found")
        return path
    shipped = shipped_parameter_sets()
    if name_or_path not in shipped:
        raise InputError(
            name_or_path, None, f"unknown parameter set; available: {', '.join(shipped) or 'none'}"
        )
    return shipped[name_or_path]


#: The top-level tables of a parameter set file: the values, and how they were obtained (written by `myokine fit`).
PARAMETER_SET_TABLES = frozenset({"values", "provenance"})


def load_parameter_set(name_or_path: str, model: Model | None = None) -> dict[str, float]:
    """The validated ``[values]`` of a parameter set file (a new dict each call)."""
    path = resolve_parameter_set(name_or_path)
    text = _read_text(path)
    if model is not None and model is not build_model():
        return _parse_parameter_set(str(path), text, model)
    # Every scenario names its set, so loading 100 scenarios would otherwise parse the same text 100 times; keyed
    # by the content read now, an edited file is parsed again however quickly it was rewritten.
    return dict(_parsed_for_shipped_model(str(path), text))


@lru_cache(maxsize=16)
def _parsed_for_shipped_model(path: str, text: str) -> tuple[tuple[str, float], ...]:
    """One version (``text``) of a parameter set file, validated for the shipped model."""
    return tuple(_parse_parameter_set(path, text, build_model()).items())


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_FILE_BYTES:
            raise InputError(str(path), None, f"file of {size} bytes; allowed: at most {MAX_INPUT_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), None, "not a UTF-8 text file") from None
    except OSError as error:
        raise InputError(str(path), None, f"cannot be read: {error.strerror or error}") from None


def _parse_parameter_set(path: str, text: str, model: Model) -> dict[str, float]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, None, f"malformed TOML: {error}") from None
    # A value outside [values] (a missing header, a misspelt table) would otherwise be ignored without a word.
    stray = sorted(set(document) - PARAMETER_SET_TABLES)
    if stray:
        raise InputError(path, stray[0], f"not a table of a parameter set; allowed: "
                                         f"{', '.join(f'[{name}]' for name in sorted(PARAMETER_SET_TABLES))} "
                                         "(values go under [values] as dotted.name = number)")
    if "values" not in document:
        raise InputError(path, "values", "missing; a parameter set lists its values under [values] "
                                         "(dotted.name = number)")
    table = document["values"]
    if not isinstance(table, dict):
        raise InputError(path, "values", f"got {table!r:.60}; allowed: a table of parameter values "
                                         "([values] with dotted.name = number)")
    values = flatten(table)
    return {name: check_value(model, name, value, path, f"values.{name}") for name, value in values.items()}


def parameter_vector(model: Model, values: dict[str, float]) -> list[float]:
    """Full parameter vector in model order: defaults overlaid with ``values``."""
    vector = model.default_values()
    for name, value in values.items():
        vector[model.parameter_index[name]] = value
    return vector
