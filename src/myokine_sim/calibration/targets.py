"""Calibration targets: published observations, how to read them from simulations, pass rules.

The targets live in ``models/targets/targets.toml`` (shipped with the package).
An observable is a small expression tree: a ``Leaf`` reads one column of one
scenario (at a time, as a window mean, a peak or the time of the peak); a
``Combination`` takes the ratio, average or product of observables. Every
observable evaluates a whole batch of parameter sets at once, so the fit can
difference the members of one batched integration.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from myokine_sim.errors import InputError
from myokine_sim.paths import models_dir

Rule = Literal["factor", "at_least", "percent_change", "within_fraction", "higher", "lower", "unchanged", "time"]

#: Default tolerance of each pass rule (see ``passes``).
DEFAULT_TOLERANCE: dict[str, float] = {
    "factor": 1.5,
    "at_least": 1.0,
    "percent_change": 1.5,
    "within_fraction": 0.15,
    "higher": 0.10,
    "lower": 0.10,
    "unchanged": 0.10,
    "time": 30.0,
}
#: Rounding allowance at pass boundaries (relative), so that e.g. 170/200 is within 15%.
BOUNDARY_SLACK = 1e-9
#: Margins by which one-sided fit penalties aim past the pass boundary, so rounding cannot flip a pass.
LOWER_BOUND_MARGIN = 1.2
DIRECTION_MARGIN = 1.5
#: Sharpness of the smooth hinge used for one-sided penalties (in units of the tolerance).
HINGE_SHARPNESS = 4.0
#: Smooth step of the fit residual at the pass boundary: it adds up to STEP_GAIN tolerance units,
#: rising over about STEP_WIDTH around the boundary, so the fit prefers a target just inside its
#: band to one just outside. This optimises the pass count as well as the misfit: report pass rates
#: beside the cross-validation, which scores the plain misfit (``Target.misfit``).
STEP_GAIN = 3.0
STEP_WIDTH = 0.05


def targets_path() -> Path:
    return models_dir() / "targets" / "targets.toml"


# ------------------------------------------------------------------ observables


@dataclass(frozen=True)
class Series:
    """Simulated columns of one scenario: ``columns[name]`` has shape ``(batch, len(time_min))``."""

    time_min: np.ndarray
    columns: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Leaf:
    """One column of one scenario read at a time, as a window mean, a window peak or the peak's time."""

    scenario: str
    column: str
    at: float | None = None
    mean: tuple[float, float] | None = None
    peak: tuple[float, float] | None = None
    peak_time: tuple[float, float] | None = None
    relative_to: float | None = None
    scale: float = 1.0

    def times(self) -> set[float]:
        """Times the simulation must sample exactly for this leaf."""
        found = {t for t in (self.at, self.relative_to) if t is not None}
        for window in (self.mean, self.peak, self.peak_time):
            if window is not None:
                found.update(window)
        return found

    def evaluate(self, series: Mapping[str, Series]) -> np.ndarray:
        data = series[self.scenario]
        values = data.columns[self.column]
        time = data.time_min
        if self.at is not None:
            result = value_at(time, values, self.at)
        elif self.mean is not None:
            result = window_mean(time, values, *self.mean)
        elif self.peak is not None:
            result = window_peak(time, values, *self.peak)[0]
        else:
            result = window_peak(time, values, *self.peak_time)[1]
        if self.relative_to is not None:
            result = result / value_at(time, values, self.relative_to)
        return self.scale * result


@dataclass(frozen=True)
class Combination:
    """The ratio or difference of two observables, or the average or product of several."""

    operation: Literal["ratio", "difference", "average", "product"]
    parts: tuple[Observable, ...]

    def times(self) -> set[float]:
        return set().union(*(part.times() for part in self.parts))

    def evaluate(self, series: Mapping[str, Series]) -> np.ndarray:
        values = [part.evaluate(series) for part in self.parts]
        if self.operation == "ratio":
            return values[0] / values[1]
        if self.operation == "difference":
            return values[0] - values[1]
        if self.operation == "average":
            return np.mean(values, axis=0)
        return np.prod(values, axis=0)


Observable = Leaf | Combination


def leaves(observable: Observable) -> list[Leaf]:
    if isinstance(observable, Leaf):
        return [observable]
    return [leaf for part in observable.parts for leaf in leaves(part)]


def parse_observable(spec: dict, where: str) -> Observable:
    """Build an observable from its TOML table; raises ``ValueError`` naming the problem."""
    combinations = [key for key in ("ratio", "difference", "average", "product") if key in spec]
    if combinations:
        if len(spec) != 1:
            raise ValueError(f"{where}: a {combinations[0]} table takes no other keys")
        operation = combinations[0]
        parts = spec[operation]
        if not isinstance(parts, list) or len(parts) < 2 or (operation in ("ratio", "difference") and len(parts) != 2):
            count = "two" if operation in ("ratio", "difference") else "several"
            raise ValueError(f"{where}: {operation} needs a list of {count} observables")
        parsed = tuple(parse_observable(part, f"{where}.{operation}[{i}]") for i, part in enumerate(parts))
        return Combination(operation, parsed)
    allowed = {"scenario", "column", "at", "mean", "peak", "peak_time", "relative_to", "scale"}
    unknown = set(spec) - allowed
    if unknown:
        raise ValueError(
            f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)} or ratio/difference/average/product"
        )
    readings = [key for key in ("at", "mean", "peak", "peak_time") if key in spec]
    if len(readings) != 1 or "scenario" not in spec or "column" not in spec:
        raise ValueError(f"{where}: give scenario, column and exactly one of at, mean, peak, peak_time")
    windows = {}
    for key in ("mean", "peak", "peak_time"):
        if key in spec:
            start, end = (float(v) for v in spec[key])
            if not start < end:
                raise ValueError(f"{where}: {key} window must have start < end")
            windows[key] = (start, end)
    return Leaf(
        scenario=spec["scenario"],
        column=spec["column"],
        at=float(spec["at"]) if "at" in spec else None,
        relative_to=float(spec["relative_to"]) if "relative_to" in spec else None,
        scale=float(spec.get("scale", 1.0)),
        **windows,
    )


def _bracket(time: np.ndarray, t: float) -> tuple[int, float]:
    """Index ``i`` and weight ``w`` with ``t = (1 - w) time[i] + w time[i + 1]``."""
    if not time[0] - 1e-9 <= t <= time[-1] + 1e-9:
        raise ValueError(f"time {t:g} min is outside the simulated {time[0]:g}-{time[-1]:g} min")
    i = int(np.clip(np.searchsorted(time, t, side="right") - 1, 0, len(time) - 2))
    return i, float((t - time[i]) / (time[i + 1] - time[i]))


def value_at(time: np.ndarray, values: np.ndarray, t: float) -> np.ndarray:
    """Linear interpolation of every member (rows of ``values``) at ``t``."""
    i, w = _bracket(time, t)
    return (1.0 - w) * values[:, i] + w * values[:, i + 1]


def window_mean(time: np.ndarray, values: np.ndarray, start: float, end: float) -> np.ndarray:
    """Time average over ``[start, end]`` by the trapezoid rule on the samples."""
    inside = (time > start) & (time < end)
    t = np.concatenate([[start], time[inside], [end]])
    v = np.column_stack([value_at(time, values, start), values[:, inside], value_at(time, values, end)])
    return np.sum(0.5 * (v[:, 1:] + v[:, :-1]) * np.diff(t), axis=1) / (end - start)


def window_peak(time: np.ndarray, values: np.ndarray, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Peak value and time in ``[start, end]``, refined by a parabola through the top three samples.

    The refinement makes both vary smoothly with the parameters, which the fit needs.
    """
    index = np.nonzero((time >= start - 1e-9) & (time <= end + 1e-9))[0]
    t, v = time[index], values[:, index]
    top = np.argmax(v, axis=1)
    rows = np.arange(v.shape[0])
    peak_value, peak_time = v[rows, top].copy(), t[top].copy()
    interior = (top > 0) & (top < len(t) - 1)
    if np.any(interior):
        r, k = rows[interior], top[interior]
        t0, t1, t2 = t[k - 1], t[k], t[k + 1]
        y0, y1, y2 = v[r, k - 1], v[r, k], v[r, k + 1]
        slope01, slope12 = (y1 - y0) / (t1 - t0), (y2 - y1) / (t2 - t1)
        curvature = (slope12 - slope01) / (t2 - t0)
        with np.errstate(divide="ignore", invalid="ignore"):
            vertex = np.where(curvature < 0.0, 0.5 * (t0 + t1) - slope01 / (2.0 * curvature), t1)
        vertex = np.clip(vertex, t0, t2)
        peak_time[interior] = vertex
        # The quadratic through the three samples, in Newton form, at its vertex.
        peak_value[interior] = y0 + slope01 * (vertex - t0) + curvature * (vertex - t0) * (vertex - t1)
    return peak_value, peak_time


# ---------------------------------------------------------------------- targets


class Target(BaseModel):
    """One published observation with its scenario(s), observable and pass rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str
    study: str
    reference: str
    quantity: str
    when: str
    published: str
    observed: float
    unit: str
    rule: Rule
    tolerance: float | None = None
    fit_weight: float = Field(1.0, ge=0.0)
    scored: bool = True
    status: str = ""
    note: str = ""
    known_failure: str = ""
    observable: Observable | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_observable(cls, data):
        if isinstance(data, dict) and isinstance(data.get("observable"), dict):
            data = {**data, "observable": parse_observable(data["observable"], f"{data.get('id', '?')}.observable")}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.observable is None and (self.scored or self.fit_weight > 0.0):
            raise ValueError(f"{self.id}: a target without an observable must have scored = false and fit_weight = 0")
        if self.observable is None and not self.status:
            raise ValueError(f"{self.id}: say in `status` why the target cannot be simulated")
        if self.rule == "percent_change" and self.observed == 0.0:
            raise ValueError(f"{self.id}: a percent change target needs a non-zero change")
        return self

    @property
    def simulable(self) -> bool:
        return self.observable is not None

    @property
    def limit(self) -> float:
        return self.tolerance if self.tolerance is not None else DEFAULT_TOLERANCE[self.rule]

    @property
    def scenarios(self) -> list[str]:
        if self.observable is None:
            return []
        return list(dict.fromkeys(leaf.scenario for leaf in leaves(self.observable)))

    def evaluate(self, series: Mapping[str, Series]) -> np.ndarray:
        """The simulated quantity for every member of the batch."""
        return self.observable.evaluate(series)

    def passes(self, simulated: float) -> bool:
        return bool(_passes(self.rule, float(simulated), self.observed, self.limit))

    def criterion(self) -> str:
        """The pass rule in words, with numbers."""
        tol, obs = self.limit, self.observed
        return {
            "factor": f"within x/÷{tol:g} of {obs:g}: {obs / tol:.3g}-{obs * tol:.3g}",
            "at_least": f">= {obs:g}",
            "percent_change": f"change within x/÷{tol:g} of {obs:+g}%: {obs / tol:+.3g}% to {obs * tol:+.3g}%",
            "within_fraction": f"within ±{tol:.0%} of {obs:g}: {obs * (1 - tol):.3g}-{obs * (1 + tol):.3g}",
            "higher": f"ratio >= {1 + tol:g}",
            "lower": f"ratio <= {1 - tol:g}",
            "unchanged": f"ratio {1 - tol:g}-{1 + tol:g}",
            "time": f"within ±{tol:g} min of {obs:g} min",
        }[self.rule]

    def agreement(self, simulated: float) -> str:
        """How simulation and publication compare: a ratio, a change, a time difference or the rule."""
        if self.rule in ("factor", "at_least", "within_fraction"):
            return f"x{simulated / self.observed:.2f}"
        if self.rule == "percent_change":
            return f"x{(simulated - 1.0) * 100.0 / self.observed:.2f} of the change"
        if self.rule == "time":
            return f"{simulated - self.observed:+.0f} min"
        return {"higher": f"needs >= {1 + self.limit:g}", "lower": f"needs <= {1 - self.limit:g}",
                "unchanged": f"needs {1 - self.limit:g}-{1 + self.limit:g}"}[self.rule]

    def shown(self, simulated: float) -> str:
        """The simulated value as the table shows it."""
        if self.rule == "percent_change":
            return f"{(simulated - 1.0) * 100.0:+.1f}%"
        if self.rule in ("higher", "lower", "unchanged"):
            return f"ratio {simulated:.3g}"
        if self.rule == "time":
            return f"{simulated:.0f} min"
        number = f"{simulated:.3g}" if abs(simulated) < 1e4 else f"{simulated:.0f}"
        return f"{number} {self.unit}"

    def published_shown(self) -> str:
        """The published value as the table shows it."""
        # The unit follows a number; a text that already names it, or a ratio told as words, as a multiple
        # ("1.69x") or as "a vs b", stands as it is.
        ratio_told = re.search(r"[A-Za-z]{4,}|\d\s?x\b|\bvs\b", self.published) is not None
        if self.rule not in ("factor", "at_least", "within_fraction") or self.unit in self.published or (
                self.unit in ("1", "ratio", "fold") and ratio_told):
            return self.published
        return f"{self.published} {self.unit}"

    def misfit(self, simulated: np.ndarray) -> np.ndarray:
        """Tolerance-scaled misfit (|misfit| <= 1 passes; one-sided rules about 0 once met), unweighted."""
        return _residual(self.rule, np.asarray(simulated, dtype=float), self.observed, self.limit)

    def residual(self, simulated: np.ndarray, step_width: float = STEP_WIDTH) -> np.ndarray:
        """Fit residual(s), smooth in the simulated value: the tolerance-scaled misfit, plus a smooth step
        of STEP_GAIN at the pass boundary, rising over about ``step_width``, so the fit prefers every target
        inside its band."""
        z = self.misfit(simulated)
        step = STEP_GAIN * 0.5 * (1.0 + np.tanh((np.abs(z) - 1.0) / (2.0 * step_width)))
        return self.fit_weight * (z + np.sign(z) * step)


def _passes(rule: str, simulated: float, observed: float, tolerance: float) -> bool:
    """The pass rule; boundaries count as inside (with a rounding allowance of ``BOUNDARY_SLACK``)."""
    if not math.isfinite(simulated):
        return False
    slack = BOUNDARY_SLACK
    if rule == "factor":
        return observed / tolerance * (1 - slack) <= simulated <= observed * tolerance * (1 + slack)
    if rule == "at_least":
        return simulated >= observed * tolerance * (1 - slack)
    if rule == "percent_change":
        change = (simulated - 1.0) * 100.0
        low, high = sorted((observed / tolerance, observed * tolerance))
        return low * (1 - slack) <= change <= high * (1 + slack)
    if rule == "within_fraction":
        return abs(simulated / observed - 1.0) <= tolerance + slack
    if rule == "higher":
        return simulated >= 1.0 + tolerance - slack
    if rule == "lower":
        return simulated <= 1.0 - tolerance + slack
    if rule == "unchanged":
        return abs(simulated - 1.0) <= tolerance + slack
    return abs(simulated - observed) <= tolerance + slack


def smooth_hinge(x: np.ndarray) -> np.ndarray:
    """About 0 for x well below 0 and about x well above it, smooth in between."""
    k = HINGE_SHARPNESS
    return np.logaddexp(0.0, k * x) / k


def _residual(rule: str, simulated: np.ndarray, observed: float, tolerance: float) -> np.ndarray:
    """Residual scaled so that 1 is the pass boundary; one-sided rules use a smooth hinge.

    A hinge is about 0 once the value is past an aim beyond the boundary
    (``LOWER_BOUND_MARGIN``, ``DIRECTION_MARGIN``) and about 1 at the boundary.
    """
    positive = np.maximum(simulated, 1e-12)
    if rule == "factor":
        return np.log(positive / observed) / math.log(tolerance)
    if rule == "at_least":
        boundary = observed * tolerance
        return _hinge_towards(np.log(positive), math.log(boundary), math.log(boundary * LOWER_BOUND_MARGIN))
    if rule == "percent_change":
        change = np.maximum((simulated - 1.0) * 100.0 / observed, 0.01)
        return np.log(change) / math.log(tolerance)
    if rule == "within_fraction":
        return (simulated / observed - 1.0) / tolerance
    if rule == "higher":
        return _hinge_towards(np.log(positive), math.log(1.0 + tolerance), math.log(1.0 + DIRECTION_MARGIN * tolerance))
    if rule == "lower":
        return _hinge_towards(np.log(positive), math.log(1.0 - tolerance), math.log(1.0 - DIRECTION_MARGIN * tolerance))
    if rule == "unchanged":
        return np.log(positive) / math.log(1.0 + tolerance)
    return (simulated - observed) / tolerance


def _hinge_towards(value: np.ndarray, boundary: float, aim: float) -> np.ndarray:
    """About 1 at ``boundary``, about 0 from ``aim`` on (either side), smooth."""
    return smooth_hinge((aim - value) / (aim - boundary))


# ---------------------------------------------------------------------- loading


def load_targets(path: Path | str | None = None) -> list[Target]:
    """All targets of a targets file (default: the shipped one), in file order."""
    path = Path(path) if path is not None else targets_path()
    source = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(source, None, "targets file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(source, None, f"malformed TOML: {error}") from None
    targets: list[Target] = []
    for index, entry in enumerate(document.get("target", [])):
        try:
            targets.append(Target.model_validate(entry))
        except (ValidationError, ValueError) as error:
            raise InputError(source, f"target[{index}] ({entry.get('id', '?')})", str(error)) from None
    ids = [t.id for t in targets]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(source, "target", f"duplicate ids: {', '.join(duplicates)}")
    return targets
