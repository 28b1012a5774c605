"""Which calibration studies a scenario resembles: the human data behind (or missing from) its curves.

A "what if" scenario is only as trustworthy as the studies near it. Each study of ``targets.toml`` is
represented by the scenarios its scored targets run; a scenario's distance to a study is the smallest
distance to one of them, in steps a physiologist would call "a different protocol":

- exercise: each bout is matched to the nearest bout of the other scenario, in both directions, and the
  larger of the two work-weighted mean distances counts (a short warm-up weighs little). Bouts differ by 1
  for running against cycling (or one leg against two), 1 per 10% VO2max, 1 per doubling of duration,
  0.5 per doubling of the number of repeats or of the time between them, 1 per 6 h of start; knee extension
  against whole-body exercise is another kind of work (3, intensities not compared, as they are % of the
  leg's peak power there). Exercise against none is 10, and studies are ranked first by whether they share
  the scenario's kind of protocol (exercise or none), so a resting study never ranks ahead of an exercise
  study for a scenario with exercise;
- subject: 0.5 for another training status, 0.5 per doubling of the starting muscle glycogen;
- inputs (drinks, meals, each infused drug, endotoxin): 2 when only one scenario has it, else 1 per doubling
  of its total amount (grams, infused dose or bolus dose) and 1 per 6 h of its first time, at most 2. rhIL-6
  given as the plasma rise it holds counts as the dose that holds it for the scenario's subject.

Times count from the first bout (from the first input in a scenario without exercise). Single bouts of one
modality that follow on without a pause, each less than one intensity step from the one before, count as
one bout at their time-weighted intensity (a race written as paced stretches is one race; a graded test in
steps of 10% VO2max or more stays graded), and repeats that touch are one bout. Only the scenarios of
scored targets that can be simulated represent a study. A distance of at most 1 is within the calibrated
range. Body mass, VO2max and fat mass are not compared (the model scales its subject with them), nor are
parameter overrides (they change the model, not the protocol). The nearest studies' known failures are
listed, since a curve near a study the model fails is a curve to distrust.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from myokine_sim.scenario import IL6Infusion, Scenario

#: Largest distance still counted as within the calibrated range.
WITHIN_RANGE = 1.0
#: Decimals a distance is shown with; the verdict reads the distance as shown, so the two never disagree.
SHOWN_DECIMALS = 2
#: Intensity difference (%VO2max) that counts as one step.
INTENSITY_STEP_PCT = 10.0
#: Shift of a start (min) that counts as one step.
TIMING_STEP_MIN = 360.0
#: Knee extension against whole-body exercise: another kind of work.
OTHER_KIND_OF_WORK = 3.0
#: Exercise against none.
MISSING_EXERCISE = 10.0
#: Each doubling of the number of repeats, or of the time between them.
REPEAT_DOUBLING = 0.5
#: Another training status.
OTHER_TRAINING_STATUS = 0.5
#: Each doubling of the starting muscle glycogen.
GLYCOGEN_DOUBLING = 0.5
#: An input (drinks, meals, an infusion, endotoxin) that only one of two scenarios has.
MISSING_INPUT = 2.0

#: Modalities whose intensity is % of whole-body VO2max; the others (knee extension) are % of the leg's peak power.
WHOLE_BODY = ("cycling", "running")
#: Labels and units of the inputs compared, by key.
INPUTS = {
    "carbohydrate": ("drinks", "g"),
    "meal": ("meals", "g carbohydrate"),
    "il6_infusion": ("rhIL-6", "ng infused"),
    "hydrocortisone_infusion": ("hydrocortisone", "ug/kg infused"),
    "endotoxin": ("endotoxin", "ng/kg"),
}


@dataclass(frozen=True)
class ProtocolBout:
    """One bout (or set of repeats) as the distance sees it; ``start_min`` counts from the first bout."""

    modality: str
    intensity_pct: float
    duration_min: float
    repeat: int = 1
    every_min: float = 0.0
    start_min: float = 0.0

    @property
    def work(self) -> float:
        """Weight of the bout in the mean: its minutes times its intensity (a warm-up weighs little)."""
        return self.duration_min * self.repeat * max(self.intensity_pct, 1.0)


@dataclass(frozen=True)
class Protocol:
    """What a scenario does to its subject, in the terms the distance compares."""

    bouts: tuple[ProtocolBout, ...]
    training_status: str
    muscle_glycogen: float
    #: Total amount of each input present (see ``INPUTS`` for the units).
    inputs: dict[str, float] = field(default_factory=dict)
    #: First time of each input present, from the first bout (min).
    input_starts: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyMatch:
    """A calibration study, its scenario nearest to the one asked about, and its scored targets."""

    study: str
    scenario: str
    distance: float
    targets: tuple[str, ...]
    #: ``(id, quantity)`` of the study's scored targets the shipped model fails (each explained in targets.toml).
    known_failures: tuple[tuple[str, str], ...]

    @property
    def within_range(self) -> bool:
        return round(self.distance, SHOWN_DECIMALS) <= WITHIN_RANGE

    def as_record(self) -> dict:
        """The match as JSON-ready values (the command's ``--format json`` and the explorer's readout)."""
        return {"study": self.study, "scenario": self.scenario, "distance": round(self.distance, SHOWN_DECIMALS),
                "within_range": self.within_range, "targets": list(self.targets),
                "known_failures": [{"id": i, "quantity": q} for i, q in self.known_failures]}


def protocol(scenario: Scenario) -> Protocol:
    """The protocol of ``scenario``: its bouts, subject and inputs, timed from its first bout."""
    amounts: dict[str, float] = {}
    starts: dict[str, float] = {}

    def add(key: str, amount: float, start: float) -> None:
        amounts[key] = amounts.get(key, 0.0) + amount
        starts[key] = min(starts.get(key, math.inf), start)

    for drink in scenario.carbohydrate:
        add("carbohydrate", drink.grams * drink.count(), drink.times()[0])
    for meal in scenario.meal:
        add("meal", meal.carbohydrate_g * meal.repeat, meal.time_min)
    for label, infusion in scenario.infusions():
        # The total dose, in the unit of its drug's dose rate times minutes: a longer infusion is a larger one.
        add(label.split("[")[0], _dose_rate(infusion, scenario) * infusion.duration_min, infusion.start_min)
    for bolus in scenario.endotoxin:
        add("endotoxin", bolus.dose_ng_per_kg, bolus.time_min)
    bouts = _paced_bouts(scenario)
    zero = min((b.start_min for b in bouts), default=min(starts.values(), default=0.0))
    return Protocol(
        bouts=tuple(ProtocolBout(b.modality, b.intensity_pct, b.duration_min, b.repeat, b.every_min,
                                 b.start_min - zero) for b in bouts),
        training_status=scenario.subject.training_status,
        muscle_glycogen=scenario.subject.muscle_glycogen_mmol_kg_dw,
        inputs=amounts,
        input_starts={key: start - zero for key, start in starts.items()},
    )


def _paced_bouts(scenario: Scenario) -> list[ProtocolBout]:
    """The scenario's bouts in time order, with stretches of one paced effort joined (see the module docstring)."""
    bouts: list[ProtocolBout] = []
    written = None  # the bout before, as the file writes it: a graded test's steps are compared step by step
    for b in sorted(scenario.exercise, key=lambda b: b.start_min):
        touching = b.repeat == 1 or math.isclose(b.every_min or 0.0, b.duration_min)
        duration = b.duration_min * b.repeat if touching else b.duration_min
        last = bouts[-1] if bouts else None
        if (last is not None and written is not None and touching and last.repeat == 1
                and b.modality == last.modality and math.isclose(b.start_min, last.start_min + last.duration_min)
                and abs(b.intensity_pct_vo2max - written.intensity_pct_vo2max) < INTENSITY_STEP_PCT):
            joined = last.duration_min + duration
            intensity = (last.intensity_pct * last.duration_min + b.intensity_pct_vo2max * duration) / joined
            bouts[-1] = ProtocolBout(b.modality, intensity, joined, start_min=last.start_min)
        elif touching:
            bouts.append(ProtocolBout(b.modality, b.intensity_pct_vo2max, duration, start_min=b.start_min))
        else:
            bouts.append(ProtocolBout(b.modality, b.intensity_pct_vo2max, b.duration_min, b.repeat, b.every_min,
                                      b.start_min))
        written = b
    return bouts


def _doublings(a: float, b: float) -> float:
    return abs(math.log2(a / b))


def _bout_distance(a: ProtocolBout, b: ProtocolBout) -> float:
    whole_body = (a.modality in WHOLE_BODY, b.modality in WHOLE_BODY)
    if whole_body[0] != whole_body[1]:
        work = OTHER_KIND_OF_WORK
    else:
        work = (a.modality != b.modality) + abs(a.intensity_pct - b.intensity_pct) / INTENSITY_STEP_PCT
    repeats = REPEAT_DOUBLING * _doublings(a.repeat, b.repeat)
    if a.repeat > 1 and b.repeat > 1:
        repeats += REPEAT_DOUBLING * _doublings(a.every_min, b.every_min)
    return (work + _doublings(a.duration_min, b.duration_min) + repeats
            + abs(a.start_min - b.start_min) / TIMING_STEP_MIN)


def _matched_bouts(a: tuple[ProtocolBout, ...], b: tuple[ProtocolBout, ...]) -> float:
    """Each of ``a``'s bouts against its nearest in ``b``, averaged with the bouts' work as weights."""
    return sum(bout.work * min(_bout_distance(bout, other) for other in b) for bout in a) / sum(
        bout.work for bout in a)


def _dose_rate(infusion, scenario: Scenario) -> float:
    """An infusion's dose rate; an rhIL-6 plasma rise is dosed as the model doses it, with the scenario's own
    parameters (ng/min)."""
    if infusion.model_input() != IL6Infusion.RISE_INPUT:
        return infusion.input_value()
    from myokine_sim.model.plasma_il6 import dose_holding_rise
    from myokine_sim.simulation import resolve_parameters

    p = resolve_parameters(scenario)
    volume_l = p["plasma_il6.volume_l_per_kg"] * p["subject.body_mass_kg"]
    return dose_holding_rise(infusion.input_value(), p["plasma_il6.clearance_per_min"], volume_l)


def distance(a: Protocol, b: Protocol) -> float:
    """How far protocols ``a`` and ``b`` are apart (see the module docstring); 0 for the same protocol."""
    if a.bouts and b.bouts:
        exercise = max(_matched_bouts(a.bouts, b.bouts), _matched_bouts(b.bouts, a.bouts))
    else:
        exercise = 0.0 if not (a.bouts or b.bouts) else MISSING_EXERCISE
    subject = (OTHER_TRAINING_STATUS * (a.training_status != b.training_status)
               + GLYCOGEN_DOUBLING * _doublings(a.muscle_glycogen, b.muscle_glycogen))
    # An input at another dose or time is never further than no input at all.
    inputs = sum(
        MISSING_INPUT if (key in a.inputs) != (key in b.inputs)
        else min(_doublings(a.inputs[key], b.inputs[key])
                 + abs(a.input_starts[key] - b.input_starts[key]) / TIMING_STEP_MIN, MISSING_INPUT)
        for key in set(a.inputs) | set(b.inputs)
    )
    return exercise + subject + inputs


@dataclass(frozen=True)
class CalibrationStudies:
    """Each study's scenarios (those of its scored, simulable targets) with their protocols, and its targets."""

    protocols: dict[str, dict[str, Protocol]]
    targets: dict[str, tuple]


def calibration_studies(targets=None) -> CalibrationStudies:
    """The calibration studies, in file order; loading their scenarios takes about 0.25 s, so callers that ask
    about many scenarios load them once."""
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.scenario import load_scenario

    targets = load_targets() if targets is None else targets
    loaded: dict[str, Protocol] = {}
    protocols: dict[str, dict[str, Protocol]] = {}
    scored: dict[str, list] = {}
    for target in targets:
        if not (target.scored and target.simulable):
            continue
        scored.setdefault(target.study, []).append(target)
        for name in target.scenarios:
            if name not in loaded:
                loaded[name] = protocol(load_scenario(name))
            protocols.setdefault(target.study, {})[name] = loaded[name]
    return CalibrationStudies(protocols, {study: tuple(rows) for study, rows in scored.items()})


def nearest_studies(scenario: Scenario, limit: int = 5, studies: CalibrationStudies | None = None) -> list[StudyMatch]:
    """The ``limit`` calibration studies nearest to ``scenario``, nearest first (ties in file order)."""
    studies = calibration_studies() if studies is None else studies
    asked = protocol(scenario)
    ranked = []
    for order, (study, scenarios) in enumerate(studies.protocols.items()):
        # Another kind of protocol (exercise against none) ranks behind every study of the same kind.
        other_kind, distance_there, name = min(
            (bool(asked.bouts) != bool(there.bouts), distance(asked, there), name) for name, there in scenarios.items())
        rows = studies.targets[study]
        match = StudyMatch(study, name, distance_there, tuple(t.id for t in rows),
                           tuple((t.id, t.quantity) for t in rows if t.known_failure))
        ranked.append(((other_kind, distance_there, order), match))
    return [match for _, match in sorted(ranked, key=lambda item: item[0])][:limit]


def describe(scenario: Scenario) -> str:
    """One line naming what ``scenario`` does, as the distance sees it."""
    asked = protocol(scenario)
    parts = [
        f"{b.modality} {b.intensity_pct:.3g}% for {b.duration_min:g} min"
        + (f" x{b.repeat} every {b.every_min:g} min" if b.repeat > 1 else "")
        for b in asked.bouts
    ] or ["no exercise"]
    parts.append(f"{asked.training_status}, muscle glycogen {asked.muscle_glycogen:g} mmol/kg dw")
    for key, amount in sorted(asked.inputs.items()):
        label, unit = INPUTS.get(key, (key, ""))
        shown = f"{amount:,.0f}" if amount >= 1000 else f"{amount:.3g}"  # 49,200 ng, not 4.92e+04
        parts.append(f"{label} {shown} {unit}".rstrip())
    return "; ".join(parts)


def evidence_text(scenario: Scenario, limit: int = 5, output_format: str = "table", width: int | None = None) -> str:
    """The nearest calibration studies of ``scenario`` as a table (with a verdict line), CSV or JSON."""
    from myokine_sim.errors import InputError
    from myokine_sim.tables import check_table_format, render

    check_table_format(output_format)
    if limit < 1:
        raise InputError("--limit", None, f"got {limit}; allowed: a whole number of at least 1")
    matches = nearest_studies(scenario, limit)
    records = [match.as_record() for match in matches]
    header = ("distance", "study", "nearest scenario", "scored targets", "known failures")
    rows = [(f"{m.distance:.{SHOWN_DECIMALS}f}", m.study, m.scenario, str(len(m.targets)),
             "; ".join(f"{i} ({q})" for i, q in m.known_failures) or "none") for m in matches]
    if output_format != "table":
        return render(output_format, header, rows, records, width)
    nearest = matches[0]
    steps = f"{nearest.distance:.{SHOWN_DECIMALS}f}"
    if nearest.within_range:
        verdict = (f"within the calibrated range: {nearest.study} ran a protocol {steps} steps away "
                   f"(at most {WITHIN_RANGE:g}).")
    else:
        verdict = (f"outside the calibrated range: the nearest study, {nearest.study}, is {steps} steps "
                   f"away (more than {WITHIN_RANGE:g}); its curves are extrapolation.")
    if any(m.known_failures for m in matches if m.within_range):
        verdict += " Known failures nearby are explained in docs/validation.md."
    return "\n".join([f"{scenario.name}: {describe(scenario)}", render(output_format, header, rows, records, width),
                      verdict])
