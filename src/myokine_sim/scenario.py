"""Scenario files: TOML validated with pydantic (see docs/scenarios.md).

Every field except ``name`` is optional and has a documented default. Bad input
raises ``InputError`` naming the file, the field and what is allowed.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from myokine_sim.errors import InputError
from myokine_sim.limits import (
    MAX_EVENTS,
    MAX_INPUT_FILE_BYTES,
    MAX_NAME_LENGTH,
    MAX_OUTPUT_SAMPLES,
    MAX_SPAN_MIN,
    MIN_DURATION_MIN,
    MIN_OUTPUT_STEP_MIN,
    on_time_grid,
    to_minutes,
    to_ticks,
)
from myokine_sim.model.exercise import ANAEROBIC_CAPACITY_PCT_MIN, CRITICAL_INTENSITY_PCT
from myokine_sim.model.subject import PARAMETERS as SUBJECT_PARAMETERS
from myokine_sim.model.subject import TRAINING_LEVELS
from myokine_sim.paths import shipped_scenarios
from myokine_sim.schedule import (
    INFUSION_DRUG_TABLES,
    UG_PER_H_TO_NG_PER_MIN,
    Bolus,
    Bout,
    Infusion,
    Schedule,
    ScheduleError,
)

Modality = Literal["cycling", "running", "knee_extension_one_leg", "knee_extension_two_leg"]


def longest_supramaximal_bout_min(intensity_pct_vo2max: float) -> float:
    """The longest bout a person can sustain at an intensity above 100% VO2max (minutes; the critical-power rule)."""
    return ANAEROBIC_CAPACITY_PCT_MIN / (intensity_pct_vo2max - CRITICAL_INTENSITY_PCT)


#: Simulated time after the last event when ``t_end_min`` is not given.
DEFAULT_RECOVERY_MIN = 360.0
#: Simulated time of a scenario without events when ``t_end_min`` is not given.
DEFAULT_REST_MIN = 1440.0


#: A scenario name is one safe path component: it names the default output folder out/<name>/.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
NAME_ALLOWED = (f"letters, digits, '_', '-' and '.', starting with a letter or digit, at most {MAX_NAME_LENGTH} "
                "characters (it names the output folder out/<name>/)")


def _on_grid(value: float | None) -> float | None:
    return None if value is None else on_time_grid(value)


class _Table(BaseModel):
    # Strict: a boolean or a quoted number is not silently taken as a number.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=True, strict=True)

    #: Groups of fields that say the same thing in different ways (at most one of each group is given).
    ALTERNATIVE_FIELDS: ClassVar[tuple[tuple[str, ...], ...]] = ()


def _subject_field(short_name: str):
    parameter = next(p for p in SUBJECT_PARAMETERS if p.name == f"subject.{short_name}")
    return Field(
        parameter.value,
        ge=parameter.lower,
        le=parameter.upper,
        description=f"{parameter.description} ({parameter.unit})",
    )


TrainingStatus = Literal["untrained", "recreational", "trained"]


class Subject(_Table):
    body_mass_kg: float = _subject_field("body_mass_kg")
    vo2max_ml_kg_min: float = _subject_field("vo2max_ml_kg_min")
    muscle_glycogen_mmol_kg_dw: float = _subject_field("muscle_glycogen_mmol_kg_dw")
    fat_mass_kg: float = _subject_field("fat_mass_kg")
    training_status: TrainingStatus = Field(
        "recreational", description="Endurance training: untrained, recreational (active) or trained"
    )

    def parameter_values(self) -> dict[str, float]:
        """The subject's model parameters (``subject.*``)."""
        values = {f"subject.{key}": value for key, value in self.model_dump().items() if key != "training_status"}
        values["subject.training_level"] = TRAINING_LEVELS[self.training_status]
        return values


class Exercise(_Table):
    start_min: float = Field(0.0, ge=0.0, le=MAX_SPAN_MIN, description="Start of the (first) bout")
    duration_min: float = Field(60.0, ge=MIN_DURATION_MIN, le=2880.0, description="Length of each bout")
    intensity_pct_vo2max: float = Field(
        65.0, ge=0.0, le=150.0, description="%VO2max (knee extension: % of the leg's peak power)"
    )
    modality: Modality = "cycling"
    repeat: int = Field(1, ge=1, le=1000, description="Number of bouts")
    every_min: float | None = Field(None, ge=MIN_DURATION_MIN, le=MAX_SPAN_MIN,
                                    description="Time from one bout's start to the next")

    _grid = field_validator("start_min", "duration_min", "every_min")(_on_grid)

    @model_validator(mode="after")
    def _repeats_fit(self) -> Exercise:
        if self.intensity_pct_vo2max > 100.0:
            longest = longest_supramaximal_bout_min(self.intensity_pct_vo2max)
            if self.duration_min > longest:
                raise ValueError(
                    f"{self.intensity_pct_vo2max:g}% VO2max can be sustained for at most {longest:.2f} min "
                    f"(critical-power rule, docs/scenarios.md); got duration_min = {self.duration_min:g}; "
                    "allowed: a shorter bout or an intensity of at most 100"
                )
        if self.repeat > 1 and self.every_min is None:
            raise ValueError("every_min is required when repeat > 1")
        if self.repeat > 1 and to_ticks(self.every_min) < to_ticks(self.duration_min):
            raise ValueError(
                f"every_min ({self.every_min:g}) is shorter than duration_min ({self.duration_min:g}), "
                "so the repeats overlap; allowed: every_min >= duration_min"
            )
        _check_span(to_minutes(self.intervals()[-1][1]), "the last bout ends")
        return self

    def intervals(self) -> list[tuple[int, int]]:
        """Each bout's ``(start, end)`` in ticks (exact, so touching repeats touch exactly)."""
        start, every, duration = to_ticks(self.start_min), to_ticks(self.every_min or 0.0), to_ticks(self.duration_min)
        return [(start + k * every, start + k * every + duration) for k in range(self.repeat)]

    def starts(self) -> list[float]:
        return [to_minutes(start) for start, _ in self.intervals()]


class Carbohydrate(_Table):
    start_min: float = Field(0.0, ge=0.0, le=MAX_SPAN_MIN, description="Time of the first drink")
    every_min: float | None = Field(None, ge=MIN_DURATION_MIN, le=MAX_SPAN_MIN, description="Interval between drinks")
    until_min: float | None = Field(None, ge=0.0, le=MAX_SPAN_MIN,
                                    description="Drinks are taken on [start_min, until_min)")
    grams: float = Field(16.0, gt=0.0, le=200.0, description="Carbohydrate per drink (g)")

    _grid = field_validator("start_min", "every_min", "until_min")(_on_grid)

    @model_validator(mode="after")
    def _window(self) -> Carbohydrate:
        if self.until_min is not None and self.until_min < self.start_min:
            raise ValueError("until_min must not be before start_min")
        if self.until_min is not None and self.until_min > self.start_min and self.every_min is None:
            raise ValueError("every_min is required when until_min is after start_min")
        if self.count() > MAX_EVENTS:
            raise ValueError(f"{self.count()} drinks (every_min = {self.every_min:g} from {self.start_min:g} to "
                             f"{self.until_min:g} min); allowed: at most {MAX_EVENTS} events in a scenario")
        return self

    def count(self) -> int:
        """Number of drinks, from whole ticks (no list is built)."""
        if self.until_min is None or self.every_min is None:
            return 1
        span, every = to_ticks(self.until_min) - to_ticks(self.start_min), to_ticks(self.every_min)
        return max(1, -(-span // every))  # ceiling division: drinks on [start, until)

    def times(self) -> list[float]:
        start, every = to_ticks(self.start_min), to_ticks(self.every_min or 0.0)
        return [to_minutes(start + k * every) for k in range(self.count())]


class Meal(_Table):
    time_min: float = Field(0.0, ge=0.0, le=MAX_SPAN_MIN, description="Time of the (first) meal")
    carbohydrate_g: float = Field(100.0, gt=0.0, le=400.0, description="Carbohydrate in the meal (g)")
    repeat: int = Field(1, ge=1, le=100, description="Number of meals")
    every_min: float | None = Field(None, ge=MIN_DURATION_MIN, le=MAX_SPAN_MIN,
                                    description="Time from one meal to the next (e.g. 1440: daily)")

    _grid = field_validator("time_min", "every_min")(_on_grid)

    @model_validator(mode="after")
    def _repeats(self) -> Meal:
        if self.repeat > 1 and self.every_min is None:
            raise ValueError("every_min is required when repeat > 1")
        _check_span(self.times()[-1], "the last meal is")
        return self

    def times(self) -> list[float]:
        start, every = to_ticks(self.time_min), to_ticks(self.every_min or 0.0)
        return [to_minutes(start + k * every) for k in range(self.repeat)]


class _Infusion(_Table):
    """What every infusion table shares: a start and a length on the time grid, inside the longest span.

    Each drug's table declares ``duration_min`` with its own default, the model input its dose sets
    (``MODEL_INPUT``, a key of ``schedule.INFUSION_TABLES``) and that dose in the input's unit (``input_value``).
    """

    MODEL_INPUT: ClassVar[str]

    def model_input(self) -> str:
        """The model input this infusion sets (a table may offer more than one way to give its dose)."""
        return self.MODEL_INPUT

    start_min: float = Field(0.0, ge=0.0, le=MAX_SPAN_MIN, description="Start of the infusion")

    _grid = field_validator("start_min", "duration_min", check_fields=False)(_on_grid)

    @model_validator(mode="after")
    def _within_span(self) -> _Infusion:
        _check_span(self.end_min, "the infusion ends")
        return self

    @property
    def end_min(self) -> float:
        return to_minutes(to_ticks(self.start_min) + to_ticks(self.duration_min))


class IL6Infusion(_Infusion):
    """An rhIL-6 infusion given by its dose rate or by the plasma IL-6 rise it holds (one or the other).

    The infusion studies' abstracts give the plasma level reached, not the dose; ``plasma_rise_pg_ml`` states that
    level, and the model turns it into a dose rate with each subject's own clearance and distribution volume.
    """

    MODEL_INPUT: ClassVar[str] = "il6_infusion_ng_min"
    #: The model input of an infusion given as the plasma rise it holds.
    RISE_INPUT: ClassVar[str] = "il6_infusion_plasma_rise_pg_ml"
    #: The dose rate when neither field is given (ug/h).
    DEFAULT_RATE_UG_PER_H: ClassVar[float] = 5.0
    ALTERNATIVE_FIELDS: ClassVar[tuple[tuple[str, ...], ...]] = (("rate_ug_per_h", "plasma_rise_pg_ml"),)

    duration_min: float = Field(180.0, ge=MIN_DURATION_MIN, le=2880.0, description="Length of the infusion")
    rate_ug_per_h: float | None = Field(None, gt=0.0, le=100.0,
                                        description="rhIL-6 dose rate (ug/h); 5 when neither this nor "
                                                    "plasma_rise_pg_ml is given")
    plasma_rise_pg_ml: float | None = Field(None, gt=0.0, le=1000.0,
                                            description="Rise in plasma IL-6 the infusion holds at steady state "
                                                        "(pg/mL); the dose rate is this rise times the subject's "
                                                        "IL-6 clearance and distribution volume")

    @model_validator(mode="before")
    @classmethod
    def _default_dose(cls, data):
        # Neither given: the default dose rate, written out so that a sweep or a copy sees the value in use.
        if isinstance(data, dict) and data.get("rate_ug_per_h") is None and data.get("plasma_rise_pg_ml") is None:
            return {**data, "rate_ug_per_h": cls.DEFAULT_RATE_UG_PER_H}
        return data

    @model_validator(mode="after")
    def _one_dose(self) -> IL6Infusion:
        if self.rate_ug_per_h is not None and self.plasma_rise_pg_ml is not None:
            raise ValueError("give rate_ug_per_h (a dose) or plasma_rise_pg_ml (the level it holds), not both")
        return self

    def dose_field(self) -> str:
        """The field that gives this infusion's dose."""
        return "rate_ug_per_h" if self.plasma_rise_pg_ml is None else "plasma_rise_pg_ml"

    def model_input(self) -> str:
        return self.MODEL_INPUT if self.plasma_rise_pg_ml is None else self.RISE_INPUT

    def input_value(self) -> float:
        if self.plasma_rise_pg_ml is not None:
            return self.plasma_rise_pg_ml
        return self.rate_ug_per_h * UG_PER_H_TO_NG_PER_MIN


class HydrocortisoneInfusion(_Infusion):
    MODEL_INPUT: ClassVar[str] = "hydrocortisone_infusion_ug_kg_min"

    duration_min: float = Field(360.0, ge=MIN_DURATION_MIN, le=2880.0, description="Length of the infusion")
    # 3 ug/kg/min is the stress dose of the endotoxin studies; a 100 mg bolus in 1 min for 50 kg is 2,000.
    rate_ug_kg_min: float = Field(3.0, gt=0.0, le=2000.0,
                                  description="Hydrocortisone infusion rate (ug per kg body mass per min)")

    def input_value(self) -> float:
        return self.rate_ug_kg_min


class Endotoxin(_Table):
    time_min: float = Field(0.0, ge=0.0, le=MAX_SPAN_MIN, description="Time of the bolus")
    dose_ng_per_kg: float = Field(0.06, gt=0.0, le=4.0, description="Intravenous LPS bolus (ng/kg)")

    _grid = field_validator("time_min")(_on_grid)


class Simulation(_Table):
    t_end_min: float | None = Field(
        None, ge=MIN_DURATION_MIN, le=MAX_SPAN_MIN,
        description=f"End time; default: 6 h after the last event (at most {MAX_SPAN_MIN:g}), or 24 h",
    )
    output_step_min: float = Field(1.0, ge=MIN_OUTPUT_STEP_MIN, le=60.0, description="Spacing of output samples")
    rtol: float = Field(1e-6, ge=1e-10, le=1e-3, description="Relative tolerance of the solver")
    parameter_set: str = Field("default", min_length=1, max_length=4096,
                               description="Shipped parameter set name or .toml path")

    _grid = field_validator("t_end_min", "output_step_min")(_on_grid)


class Scenario(_Table):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=NAME_PATTERN,
                      description="Scenario name; names the default output folder")
    description: str = Field("", max_length=1000, description="One line for `myokine list`")
    subject: Subject = Field(default_factory=Subject, description="The subject (defaults below)")
    exercise: list[Exercise] = Field(default_factory=list, description="Exercise bouts")
    carbohydrate: list[Carbohydrate] = Field(default_factory=list, description="Carbohydrate drinks")
    meal: list[Meal] = Field(default_factory=list, description="Meals (carbohydrate absorbed over hours)")
    il6_infusion: list[IL6Infusion] = Field(default_factory=list, description="rhIL-6 infusions")
    hydrocortisone_infusion: list[HydrocortisoneInfusion] = Field(default_factory=list,
                                                                  description="Hydrocortisone infusions")
    endotoxin: list[Endotoxin] = Field(default_factory=list, description="Intravenous endotoxin boluses")
    parameters: dict[str, float] = Field(default_factory=dict, description="Model parameter overrides by dotted name")
    simulation: Simulation = Field(default_factory=Simulation, description="End time, sampling and solver settings")
    # The ``--set`` assignments ``with_settings`` applied: not part of the file, but the figure says the run was
    # modified.
    _settings: tuple[str, ...] = PrivateAttr(default=())

    @property
    def applied_settings(self) -> tuple[str, ...]:
        """The ``NAME=VALUE`` assignments applied by ``with_settings``, in order; empty as loaded from a file."""
        return self._settings

    @field_validator("parameters", mode="before")
    @classmethod
    def _flatten(cls, value):
        from myokine_sim.parameters import flatten

        return flatten(value) if isinstance(value, dict) else value

    # ----------------------------------------------------------- derived

    def schedule(self) -> Schedule:
        """The event schedule; raises ``ScheduleError`` on overlaps."""
        bouts = tuple(
            Bout(to_minutes(start), to_minutes(end), bout.intensity_pct_vo2max, bout.modality,
                 f"exercise[{i}]" + (f" repeat {k + 1}" if bout.repeat > 1 else ""))
            for i, bout in enumerate(self.exercise)
            for k, (start, end) in enumerate(bout.intervals())
        )
        infusions = tuple(
            Infusion(inf.start_min, inf.end_min, inf.input_value(), label, inf.model_input())
            for label, inf in self.infusions()
        )
        boluses = tuple(
            Bolus(t, "carbohydrate", drink.grams, f"carbohydrate[{i}] drink at {t:g} min")
            for i, drink in enumerate(self.carbohydrate)
            for t in drink.times()
        ) + tuple(
            Bolus(t, "meal", meal.carbohydrate_g, f"meal[{i}] at {t:g} min")
            for i, meal in enumerate(self.meal)
            for t in meal.times()
        ) + tuple(
            Bolus(e.time_min, "endotoxin", e.dose_ng_per_kg, f"endotoxin[{i}]")
            for i, e in enumerate(self.endotoxin)
        )
        return Schedule(bouts, infusions, tuple(sorted(boluses, key=lambda b: b.time_min)), self.t_end_min)

    def infusions(self) -> list[tuple[str, _Infusion]]:
        """Every infusion of every drug, with its label (``il6_infusion[0]``)."""
        return [(f"{table}[{i}]", infusion) for table in INFUSION_DRUG_TABLES
                for i, infusion in enumerate(getattr(self, table))]

    @property
    def last_event_min(self) -> float:
        ends = [to_minutes(b.intervals()[-1][1]) for b in self.exercise]
        ends += [i.end_min for _, i in self.infusions()]
        ends += [c.times()[-1] for c in self.carbohydrate]
        ends += [m.times()[-1] for m in self.meal]
        ends += [e.time_min for e in self.endotoxin]
        return max(ends, default=0.0)

    @property
    def t_end_min(self) -> float:
        if self.simulation.t_end_min is not None:
            return self.simulation.t_end_min
        if self.last_event_min == 0.0 and not (self.exercise or self.infusions() or self.meal):
            return DEFAULT_REST_MIN
        return min(on_time_grid(self.last_event_min + DEFAULT_RECOVERY_MIN), MAX_SPAN_MIN)

    def event_count(self) -> int:
        """Events of the schedule (each repeat and drink counts), counted without building them."""
        return (sum(b.repeat for b in self.exercise) + len(self.infusions())
                + sum(c.count() for c in self.carbohydrate) + sum(m.repeat for m in self.meal) + len(self.endotoxin))

    def output_sample_count(self) -> int:
        """Regular output samples from 0 to the end time (breakpoints come on top)."""
        return to_ticks(self.t_end_min) // to_ticks(self.simulation.output_step_min) + 1

    def parameter_overrides(self) -> dict[str, float]:
        """Model parameter values the scenario sets: the subject and ``[parameters]``."""
        overrides = self.subject.parameter_values()
        overrides.update(self.parameters)
        return overrides


# ---------------------------------------------------------------- loading


def _field_path(location: tuple) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts)


def _allowed_fields(location: tuple) -> list[str]:
    model: type[BaseModel] = Scenario
    for item in location[:-1]:
        if isinstance(item, int):
            continue
        annotation = model.model_fields[item].annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            model = inner
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return list(model.model_fields)


def _describe(error: dict) -> tuple[str, str]:
    location = tuple(error["loc"])
    field = _field_path(location) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(location[-1])
        allowed = _allowed_fields(location)
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return field, f"unknown field{hint}; allowed: {', '.join(allowed)}"
    if kind == "missing":
        return field, "required field is missing"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind == "finite_number":
        message = "must be a finite number (not NaN or infinity)"
    if kind == "literal_error":
        message = f"got {error.get('input')!r}; {message[0].lower()}{message[1:]}"
    if kind in ("float_type", "int_type", "string_type", "bool_type", "list_type", "dict_type", "model_type"):
        expected = {"float_type": "a number", "int_type": "a whole number", "string_type": "a string",
                    "bool_type": "true or false", "list_type": "a list of tables", "dict_type": "a table",
                    "model_type": "a table"}[kind]
        message = f"got {_shown(error.get('input'))}; allowed: {expected}"
    if kind == "string_pattern_mismatch" and field == "name":
        message = f"got {_shown(error.get('input'))}; allowed: {NAME_ALLOWED}"
    return field, message


def _shown(value) -> str:
    """A bad input value for a message: its type, and its text cut short."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _validation_error(source: str, error: ValidationError) -> InputError:
    problems = [_describe(e) for e in error.errors()]
    field, problem = problems[0]
    if len(problems) > 1:
        problem += "".join(f"\n  {source}: {f}: {p}" for f, p in problems[1:])
    return InputError(source, field, problem)


def scenario_from_dict(document: dict, source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dictionary (the parsed TOML)."""
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as error:
        raise _validation_error(source, error) from None
    check_scenario(scenario, source)
    return scenario


def check_scenario(scenario: Scenario, source: str) -> None:
    """Checks across fields: the schedule and the parameter names and ranges."""
    from myokine_sim.model import build_model
    from myokine_sim.parameters import check_value

    model = build_model()
    for name, value in scenario.parameters.items():
        if name.startswith("subject."):
            raise InputError(source, f"parameters.{name}", "set subject properties in the [subject] table")
        check_value(model, name, value, source, f"parameters.{name}")
    check_size(scenario, source)
    check_parameter_set(scenario, source)
    try:
        scenario.schedule()
    except ScheduleError as error:
        raise InputError(source, error.field, str(error)) from None


def check_size(scenario: Scenario, source: str) -> None:
    """The documented limits on events and output samples (docs/scenarios.md, Limits)."""
    events = scenario.event_count()
    if events > MAX_EVENTS:
        raise InputError(source, "exercise, carbohydrate, meal, il6_infusion, hydrocortisone_infusion, endotoxin",
                         f"{events} events in all (each repeat and drink counts); allowed: at most {MAX_EVENTS}")
    samples = scenario.output_sample_count()
    if samples > MAX_OUTPUT_SAMPLES:
        smallest = to_minutes(-(-to_ticks(scenario.t_end_min) // (MAX_OUTPUT_SAMPLES - 1)))  # rounded up
        raise InputError(source, "simulation.output_step_min",
                         f"{scenario.simulation.output_step_min:g} min over {scenario.t_end_min:g} min gives {samples} "
                         f"samples; allowed: at most {MAX_OUTPUT_SAMPLES} (output_step_min >= {smallest:g} here)")


def check_parameter_set(scenario: Scenario, source: str) -> None:
    """Load ``simulation.parameter_set`` now, so a bad one is reported with this file and field."""
    from myokine_sim.parameters import load_parameter_set

    try:
        load_parameter_set(scenario.simulation.parameter_set)
    except InputError as error:
        raise InputError(source, "simulation.parameter_set", f"{error}") from None


def _check_span(end_min: float, what: str) -> None:
    if end_min > MAX_SPAN_MIN:
        raise ValueError(f"{what} at {end_min:g} min; allowed: every event within the longest simulated span, "
                         f"{MAX_SPAN_MIN:g} min")


def resolve_scenario(name_or_path: str | Path) -> Path:
    """Path of a shipped scenario (by name) or of a scenario file."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or path.parent != Path("."):
        if not path.is_file():
            raise InputError(text, None, "scenario file not found")
        return path
    shipped = shipped_scenarios()
    if text not in shipped:
        close = difflib.get_close_matches(text, list(shipped), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(
            text, None, f"unknown scenario; {hint}shipped scenarios: {', '.join(shipped)} (or give a .toml path)"
        )
    return shipped[text]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name (``"marathon"``) or a scenario file by path."""
    path = resolve_scenario(name_or_path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_INPUT_FILE_BYTES:
            raise InputError(source, None, f"file of {path.stat().st_size} bytes; allowed: at most "
                                           f"{MAX_INPUT_FILE_BYTES} bytes")
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(source, None, f"malformed TOML: {error}") from None
    except UnicodeDecodeError:
        raise InputError(source, None, "not a UTF-8 text file") from None
    except OSError as error:
        raise InputError(source, None, f"cannot be read: {error.strerror or error}") from None
    return scenario_from_dict(document, source)


def with_parameter_set(scenario: Scenario, parameter_set: str, source: str = "--parameter-set") -> Scenario:
    """A copy of ``scenario`` simulated with ``parameter_set`` (a shipped name or a .toml path, e.g. a fit's output)."""
    from myokine_sim.parameters import load_parameter_set

    try:
        load_parameter_set(parameter_set)
    except InputError as error:
        raise InputError(source, None, str(error)) from None
    document = scenario.model_dump()
    document["simulation"]["parameter_set"] = parameter_set
    return scenario_from_dict(document, source)


def with_settings(scenario: Scenario, assignments: list[str], source: str = "--set") -> Scenario:
    """A copy of ``scenario`` with ``dotted.name=value`` assignments applied.

    ``subject.*`` names set the subject; any other name sets a model parameter.
    """
    document = scenario.model_dump()
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            shown = assignment if assignment.isprintable() else repr(assignment)  # a control character stays visible
            raise InputError(source, shown, "expected NAME=VALUE, for example plasma_il6.clearance_per_min=0.5")
        try:
            value = float(text) if name != "subject.training_status" else 0.0
        except ValueError:
            raise InputError(source, name, f"value {text.strip()!r} is not a number") from None
        if name == "subject.training_status":
            document["subject"]["training_status"] = text.strip()
            continue
        if name.startswith("subject."):
            document["subject"][name.removeprefix("subject.")] = value
        else:
            document["parameters"][name] = value
    try:
        modified = scenario_from_dict(document, source)
    except InputError as error:
        raise InputError(source, error.field, error.problem) from None
    modified._settings = (*scenario.applied_settings,
                          *(f"{name.strip()}={text.strip()}" for name, _, text in
                            (assignment.partition("=") for assignment in assignments)))
    return modified
