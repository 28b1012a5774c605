"""The explorer's controls, as a scenario: what the page sends becomes a scenario document.

A request names a preset (a shipped scenario, by name only: never a path) and
the values of the page's controls. The preset's document is the starting
point; the controls replace its main exercise block, subject, first drink
series, first rhIL-6 infusion, first endotoxin bolus and end time. Everything
the controls do not show (a warm-up bout, meals, ``[parameters]``) is kept
and listed by ``kept_items``. The result is validated by ``scenario_from_dict``,
so a bad setting gives the same ``InputError`` as the same scenario file would.
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from myokine_sim.errors import InputError
from myokine_sim.limits import MAX_INPUT_FILE_BYTES
from myokine_sim.paths import shipped_scenarios
from myokine_sim.scenario import (
    Carbohydrate,
    Endotoxin,
    Exercise,
    IL6Infusion,
    Scenario,
    Subject,
    scenario_from_dict,
)

#: Draws of the page's prediction band switch; a request may ask for 0 (off) or BAND_MIN_DRAWS to BAND_MAX_DRAWS.
BAND_DRAWS = 50
BAND_MIN_DRAWS = 10
BAND_MAX_DRAWS = 200
#: Seed of the band's draws: the default of ``myokine run --seed``, so the page shows what ``run --uncertainty N``
#: gives.
BAND_SEED = 0
#: The preset the page opens with.
DEFAULT_PRESET = "cycling_60min_65pct"
#: Name of a scenario built without a preset, and the suffix of a changed preset's name.
CUSTOM_NAME = "explore"
CHANGED_SUFFIX = "_explored"
#: The modality control's value for "no exercise".
NO_EXERCISE = "none"
#: Rest between repeats offered when a preset has a single bout.
DEFAULT_REST_MIN = 10.0
#: Drinks offered when a preset has none: this often, from the start to the end of the exercise.
DEFAULT_DRINK_EVERY_MIN = 15.0
DEFAULT_ENDOTOXIN_TIME_MIN = 60.0


def _default(model: type[BaseModel], field: str):
    return model.model_fields[field].default


class Controls(BaseModel):
    """The page's control values. Only types are checked here; ranges are the scenario's own (docs/scenarios.md)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    modality: Literal["none", "cycling", "running", "knee_extension_one_leg", "knee_extension_two_leg"] = "cycling"
    intensity_pct_vo2max: float = _default(Exercise, "intensity_pct_vo2max")
    exercise_start_min: float = 0.0
    duration_min: float = _default(Exercise, "duration_min")
    repeats: int = 1
    rest_min: float = DEFAULT_REST_MIN
    muscle_glycogen_mmol_kg_dw: float = _default(Subject, "muscle_glycogen_mmol_kg_dw")
    training_status: str = _default(Subject, "training_status")
    body_mass_kg: float = _default(Subject, "body_mass_kg")
    drink_g: float = 0.0
    drink_every_min: float | None = DEFAULT_DRINK_EVERY_MIN
    drinks_from_min: float = 0.0
    drinks_until_min: float | None = None
    # The rhIL-6 infusion as the plasma rise it holds (the shipped presets give it so; the model doses for it).
    infusion_rise_pg_ml: float = 0.0
    infusion_start_min: float = 0.0
    infusion_duration_min: float = _default(IL6Infusion, "duration_min")
    endotoxin_ng_per_kg: float = 0.0
    endotoxin_time_min: float = DEFAULT_ENDOTOXIN_TIME_MIN
    t_end_min: float | None = None


class ExploreRequest(BaseModel):
    """One request of the page: a preset name (or none), the controls, and the posterior draws of a band (0: none)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    preset: str | None = DEFAULT_PRESET
    controls: Controls = Controls()
    uncertainty: int = 0


# ---------------------------------------------------------------- presets


def preset_names() -> list[str]:
    return list(shipped_scenarios())


def preset_document(name: str | None) -> dict:
    """The parsed TOML of a shipped scenario, looked up by name only; ``None`` is an empty scenario."""
    if name is None:
        return {"name": CUSTOM_NAME, "description": "Made in myokine explore"}
    shipped = shipped_scenarios()
    if name not in shipped:
        raise InputError("request", "preset", f"got {name!r}; allowed: a shipped scenario name (myokine list)")
    return tomllib.loads(shipped[name].read_text(encoding="utf-8"))


# ------------------------------------------------- which entry each control edits


def _exercise_work(entry: dict) -> float:
    return (entry.get("duration_min", _default(Exercise, "duration_min")) * entry.get("repeat", 1)
            * entry.get("intensity_pct_vo2max", _default(Exercise, "intensity_pct_vo2max")))


def main_exercise_index(document: dict) -> int | None:
    """The bout the controls edit: the block with the most work (duration x repeats x intensity), first on a tie."""
    bouts = document.get("exercise", [])
    return max(range(len(bouts)), key=lambda i: (_exercise_work(bouts[i]), -i)) if bouts else None


def drink_index(document: dict) -> int | None:
    """The drinks the controls edit: the first series (with ``every_min``), else the first drink."""
    drinks = document.get("carbohydrate", [])
    series = [i for i, drink in enumerate(drinks) if drink.get("every_min") is not None]
    return series[0] if series else (0 if drinks else None)


def _first(document: dict, table: str) -> int | None:
    return 0 if document.get(table) else None


# ------------------------------------------------------------ document <-> controls


def controls_from_document(document: dict) -> Controls:
    """The control values that show a scenario document (a preset)."""
    values: dict = {}
    subject = document.get("subject", {})
    for field in ("muscle_glycogen_mmol_kg_dw", "training_status", "body_mass_kg"):
        if field in subject:
            values[field] = subject[field]
    bout_index = main_exercise_index(document)
    if bout_index is None:
        values["modality"] = NO_EXERCISE
    else:
        bout = document["exercise"][bout_index]
        values.update(modality=bout.get("modality", _default(Exercise, "modality")),
                      intensity_pct_vo2max=bout.get("intensity_pct_vo2max", _default(Exercise, "intensity_pct_vo2max")),
                      exercise_start_min=bout.get("start_min", 0.0),
                      duration_min=bout.get("duration_min", _default(Exercise, "duration_min")),
                      repeats=bout.get("repeat", 1))
        if bout.get("repeat", 1) > 1 and bout.get("every_min") is not None:
            values["rest_min"] = bout["every_min"] - values["duration_min"]
    drink = drink_index(document)
    if drink is None:
        # Offered drinks span the main exercise block, from its first start to its last end.
        start = values.get("exercise_start_min", 0.0)
        duration = values.get("duration_min", _default(Exercise, "duration_min"))
        last_start = start + (values.get("repeats", 1) - 1) * (values.get("rest_min", 0.0) + duration)
        values.update(drinks_from_min=start, drinks_until_min=last_start + duration)
    else:
        entry = document["carbohydrate"][drink]
        values.update(drink_g=entry.get("grams", _default(Carbohydrate, "grams")),
                      drink_every_min=entry.get("every_min"), drinks_from_min=entry.get("start_min", 0.0),
                      drinks_until_min=entry.get("until_min"))
    if _first(document, "il6_infusion") is not None:
        entry = document["il6_infusion"][0]
        if "plasma_rise_pg_ml" not in entry:  # the control holds a rise; every shipped preset gives one
            raise ValueError("the explorer shows an rhIL-6 infusion as the plasma rise it holds; this preset gives "
                             "a dose (rate_ug_per_h): give it plasma_rise_pg_ml")
        values.update(infusion_rise_pg_ml=entry["plasma_rise_pg_ml"],
                      infusion_start_min=entry.get("start_min", 0.0),
                      infusion_duration_min=entry.get("duration_min", _default(IL6Infusion, "duration_min")))
    if _first(document, "endotoxin") is not None:
        entry = document["endotoxin"][0]
        values.update(endotoxin_ng_per_kg=entry.get("dose_ng_per_kg", _default(Endotoxin, "dose_ng_per_kg")),
                      endotoxin_time_min=entry.get("time_min", 0.0))
    t_end = document.get("simulation", {}).get("t_end_min")
    values["t_end_min"] = t_end
    # Whole numbers from TOML are ints; the controls hold floats (repeats stays an int).
    return Controls(**{key: float(value) if isinstance(value, int) and not isinstance(value, bool)
                       and key != "repeats" else value for key, value in values.items()})


def _replace(entries: list, index: int | None, entry: dict | None) -> list:
    """``entries`` with the edited entry put back where it was (or appended), or removed when ``entry`` is None."""
    entries = list(entries)
    if index is None:
        return entries + ([entry] if entry is not None else [])
    if entry is None:
        del entries[index]
    else:
        entries[index] = entry
    return entries


def scenario_document(base: dict, controls: Controls) -> dict:
    """The scenario document of ``base`` (a preset) with the controls applied; not yet validated."""
    document = copy.deepcopy(base)
    subject = dict(document.get("subject", {}))
    subject.update(muscle_glycogen_mmol_kg_dw=controls.muscle_glycogen_mmol_kg_dw,
                   training_status=controls.training_status, body_mass_kg=controls.body_mass_kg)
    document["subject"] = subject

    bout = None
    if controls.modality != NO_EXERCISE:
        bout = {"start_min": controls.exercise_start_min, "duration_min": controls.duration_min,
                "intensity_pct_vo2max": controls.intensity_pct_vo2max, "modality": controls.modality,
                "repeat": controls.repeats}
        if controls.repeats > 1:
            bout["every_min"] = controls.duration_min + controls.rest_min
    document["exercise"] = _replace(base.get("exercise", []), main_exercise_index(base), bout)

    drink = None
    if controls.drink_g > 0:
        drink = {"start_min": controls.drinks_from_min, "grams": controls.drink_g}
        if controls.drink_every_min is not None:
            drink["every_min"] = controls.drink_every_min
        if controls.drinks_until_min is not None:
            drink["until_min"] = controls.drinks_until_min
    document["carbohydrate"] = _replace(base.get("carbohydrate", []), drink_index(base), drink)

    infusion = None
    if controls.infusion_rise_pg_ml > 0:
        infusion = {"start_min": controls.infusion_start_min, "duration_min": controls.infusion_duration_min,
                    "plasma_rise_pg_ml": controls.infusion_rise_pg_ml}
    document["il6_infusion"] = _replace(base.get("il6_infusion", []), _first(base, "il6_infusion"), infusion)

    bolus = None
    if controls.endotoxin_ng_per_kg > 0:
        bolus = {"time_min": controls.endotoxin_time_min, "dose_ng_per_kg": controls.endotoxin_ng_per_kg}
    document["endotoxin"] = _replace(base.get("endotoxin", []), _first(base, "endotoxin"), bolus)

    simulation = dict(document.get("simulation", {}))
    simulation.pop("t_end_min", None)
    if controls.t_end_min is not None:
        simulation["t_end_min"] = controls.t_end_min
    document["simulation"] = simulation
    return document


# ------------------------------------------------------------ requests


def parse_request(body: dict) -> ExploreRequest:
    """The request's JSON, checked for shape and types; a bad one raises ``InputError`` naming the control.

    Controls left out take the preset's values (without a preset, the defaults). ``uncertainty`` is 0 (no
    band) or ``BAND_MIN_DRAWS`` to ``BAND_MAX_DRAWS``.
    """
    preset, given = body.get("preset", DEFAULT_PRESET), body.get("controls", {})
    if isinstance(preset, str) and isinstance(given, dict):
        body = {**body, "controls": {**controls_from_document(preset_document(preset)).model_dump(), **given}}
    try:
        request = ExploreRequest.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(request)"
        kind = first["type"]
        if kind == "extra_forbidden":
            fields = Controls.model_fields if location.startswith("controls.") else ExploreRequest.model_fields
            allowed = ", ".join(fields)
            problem = f"unknown field; allowed: {allowed}"
        elif kind in ("float_type", "int_type", "string_type", "model_type", "dict_type"):
            expected = {"float_type": "a number", "int_type": "a whole number", "string_type": "a string"}.get(
                kind, "an object")
            given = "is empty" if first.get("input") is None else f"got {first.get('input')!r}"
            problem = f"{given}; allowed: {expected}"
        else:
            problem = first["msg"]
        raise InputError("request", location, problem) from None
    draws = request.uncertainty
    if draws != 0 and not BAND_MIN_DRAWS <= draws <= BAND_MAX_DRAWS:
        raise InputError("request", "uncertainty", f"got {draws}; allowed: 0 (no band) or {BAND_MIN_DRAWS} to "
                                                   f"{BAND_MAX_DRAWS} posterior draws")
    return request


def scenario_from_request(request: ExploreRequest) -> tuple[Scenario, bool]:
    """The validated scenario of a request, and whether it differs from its preset.

    A changed preset is named ``<preset>_explored``; errors name the file the
    page would download (``<name>.toml``), as ``myokine run`` would for it.
    """
    base = preset_document(request.preset)
    document = scenario_document(base, request.controls)
    base_name = base.get("name", CUSTOM_NAME)
    try:
        scenario = scenario_from_dict(document, f"{base_name}.toml")
    except InputError as error:
        changed_name = base_name if request.preset is None else base_name + CHANGED_SUFFIX
        raise InputError(f"{changed_name}.toml", error.field, error.problem) from None
    if request.preset is None:
        return scenario, True
    if scenario.model_dump() == _preset_dump(request.preset, _file_stamp(request.preset)):
        return scenario, False
    description = f"{base.get('description') or base_name} (changed in myokine explore)"
    return scenario.model_copy(update={"name": base_name + CHANGED_SUFFIX, "description": description}), True


def _file_stamp(name: str) -> tuple[int, int]:
    status = shipped_scenarios()[name].stat()
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=256)
def _preset_dump(name: str, stamp: tuple[int, int]) -> dict:
    """The validated preset as a dictionary; cached per file version, since validation reads the parameter set."""
    return scenario_from_dict(preset_document(name), f"{name}.toml").model_dump()


#: Scenario fields (the start of an ``InputError.field``) -> the id of the control group the page shows it beside.
FIELD_CONTROLS = {
    "exercise": "exercise", "subject.muscle_glycogen_mmol_kg_dw": "muscle_glycogen_mmol_kg_dw",
    "subject.training_status": "training_status", "subject.body_mass_kg": "body_mass_kg",
    "carbohydrate": "drinks", "il6_infusion": "infusion", "endotoxin": "endotoxin", "simulation": "t_end_min",
}


def control_for_field(field: str | None) -> str | None:
    """The control group an error belongs beside (``None``: the page shows it at the top)."""
    if not field:
        return None
    if field.startswith("controls."):
        name = field.split(".")[1]
        for prefix, group in (("drink", "drinks"), ("infusion", "infusion"), ("endotoxin", "endotoxin")):
            if name.startswith(prefix):
                return group
        if name in ("modality", "intensity_pct_vo2max", "exercise_start_min", "duration_min", "repeats", "rest_min"):
            return "exercise"
        return name
    if field in ("preset", "uncertainty"):
        return {"preset": "preset", "uncertainty": "band"}[field]
    for prefix, group in FIELD_CONTROLS.items():
        if field == prefix or field.startswith((prefix + ".", prefix + "[")):
            return group
    return None


# ------------------------------------------------------------ what the controls do not show


def kept_items(document: dict) -> list[str]:
    """The parts of a preset the controls leave as they are, in words."""
    items = []
    main = main_exercise_index(document)
    for index, bout in enumerate(document.get("exercise", [])):
        if index != main:
            repeat = bout.get("repeat", 1)
            items.append("exercise: " + (f"{repeat} x " if repeat > 1 else "")
                         + f"{bout.get('duration_min', 60):g} min at {bout.get('intensity_pct_vo2max', 65):g}% "
                           f"from {bout.get('start_min', 0):g} min")
    drink = drink_index(document)
    for index, entry in enumerate(document.get("carbohydrate", [])):
        if index != drink:
            items.append(f"drink: {entry.get('grams', 16):g} g at {entry.get('start_min', 0):g} min")
    for entry in document.get("il6_infusion", [])[1:]:
        dose = (f"+{entry['plasma_rise_pg_ml']:g} pg/mL held" if "plasma_rise_pg_ml" in entry
                else f"{entry.get('rate_ug_per_h', IL6Infusion.DEFAULT_RATE_UG_PER_H):g} µg/h")
        items.append(f"rhIL-6 infusion: {dose} from {entry.get('start_min', 0):g} min")
    for entry in document.get("hydrocortisone_infusion", []):
        items.append(f"hydrocortisone infusion: {entry.get('rate_ug_kg_min', 3):g} µg/kg/min for "
                     f"{entry.get('duration_min', 360):g} min from {entry.get('start_min', 0):g} min")
    for entry in document.get("endotoxin", [])[1:]:
        items.append(f"endotoxin: {entry.get('dose_ng_per_kg', 0.06):g} ng/kg at {entry.get('time_min', 0):g} min")
    for meal in document.get("meal", []):
        repeat = meal.get("repeat", 1)
        items.append(f"meal: {meal.get('carbohydrate_g', 100):g} g carbohydrate at {meal.get('time_min', 0):g} min"
                     + (f", {repeat} times every {meal.get('every_min'):g} min" if repeat > 1 else ""))
    subject = document.get("subject", {})
    for field, unit in (("vo2max_ml_kg_min", "mL/kg/min"), ("fat_mass_kg", "kg")):
        if field in subject:
            items.append(f"subject.{field} = {subject[field]:g} {unit}")
    for name, value in sorted(_flat(document.get("parameters", {})).items()):
        items.append(f"parameter {name} = {value:g}")
    step = document.get("simulation", {}).get("output_step_min")
    if step is not None:
        items.append(f"output every {step:g} min")
    return items


def _flat(table: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# ------------------------------------------------------------ the downloaded file


def scenario_toml(scenario: Scenario) -> str:
    """The scenario as a TOML file that ``myokine run`` loads to the same scenario."""
    import tomli_w

    document = scenario.model_dump(exclude_none=True)
    document = {key: value for key, value in document.items() if value not in ([], {})}
    text = (f"# {scenario.description or scenario.name}\n"
            f"# Saved from myokine explore; run it with: myokine run {scenario.name}.toml\n"
            + tomli_w.dumps(document))
    # Cannot happen within the limits; but never offer a file that would fail to load.
    if len(text.encode("utf-8")) > MAX_INPUT_FILE_BYTES:
        raise InputError(f"{scenario.name}.toml", None, f"more than {MAX_INPUT_FILE_BYTES} bytes")
    return text
