"""The posterior problem: measurement uncertainty of each target, log-likelihood and log-prior.

Every target's tolerance-scaled misfit (``Target.misfit``: 1 is the pass boundary) is divided by
its measurement uncertainty expressed in the same units (``TargetNoise.sigma``), so the
log-likelihood is ``-0.5 * sum((fit_weight * misfit / sigma) ** 2)``: Gaussian on log scale for
values, ratios and changes, on linear scale for glycogen fractions and times. The uncertainty comes
from ``models/targets/uncertainty.toml`` (the paper's SD or SE where its abstract gives one, else a
default per pass rule). The prior is uniform in the log of each sampled parameter within its bounds.

Evaluation is batched: ``log_posterior(X)`` takes rows of log-parameters and integrates each
scenario once for all rows (``calibration.runs.simulate_run``), so an ensemble step of a sampler is one
batch through the solver.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from myokine_sim.calibration.fit import fitted_targets, positive_lower_bound
from myokine_sim.calibration.runs import PreparedRun, prepare_runs, simulate_run
from myokine_sim.calibration.targets import Series, Target
from myokine_sim.errors import InputError, SimulationError
from myokine_sim.model import Model, build_model
from myokine_sim.paths import models_dir
from myokine_sim.solver import SolverSettings

#: Rules whose misfit is a log ratio divided by the log of this tolerance base.
_LOG_RULES = {"factor": lambda tol: math.log(tol), "percent_change": lambda tol: math.log(tol),
              "unchanged": lambda tol: math.log(1.0 + tol)}
_ONE_SIDED = {"higher", "lower", "at_least"}


def uncertainty_path() -> Path:
    return models_dir() / "targets" / "uncertainty.toml"


@dataclass(frozen=True)
class TargetNoise:
    """A target's measurement uncertainty: ``sigma`` in units of its pass tolerance, and where it comes from."""

    target_id: str
    sigma: float
    spread: str  # e.g. "cv 0.30" or "sd 15 min"
    origin: str  # "published" or "default for <rule>"
    source: str = ""

    def as_dict(self) -> dict:
        return {"sigma_tolerance_units": self.sigma, "spread": self.spread, "origin": self.origin,
                "source": self.source}


def _sigma(target: Target, spec: Mapping, floor_cv: float, where: str) -> tuple[float, str]:
    """The standard deviation of ``target.misfit`` implied by ``spec`` (cv, sd or tolerance_units)."""
    rule, tol = target.rule, target.limit
    if "tolerance_units" in spec:
        if rule not in _ONE_SIDED:
            raise InputError(str(uncertainty_path()), where, f"tolerance_units is for one-sided rules ("
                                                             f"{', '.join(sorted(_ONE_SIDED))}); {target.id} is {rule}")
        return float(spec["tolerance_units"]), f"{float(spec['tolerance_units']):g} tolerance units"
    if rule in _ONE_SIDED:
        raise InputError(str(uncertainty_path()), where, f"{target.id} is one-sided ({rule}): give tolerance_units")
    if rule == "time":
        if "sd" not in spec:
            raise InputError(str(uncertainty_path()), where, "a time target takes sd in minutes")
        return float(spec["sd"]) / tol, f"sd {float(spec['sd']):g} min"
    if "cv" in spec:
        cv = float(spec["cv"])
    elif "sd" in spec:
        sd = float(spec["sd"]) / math.sqrt(float(spec["n"])) if spec.get("kind") == "sd" and "n" in spec \
            else float(spec["sd"])
        reference = target.observed if rule != "percent_change" else abs(target.observed)
        cv = sd / abs(reference)
    else:
        raise InputError(str(uncertainty_path()), where, "give cv or sd")
    if not (math.isfinite(cv) and cv > 0):
        raise InputError(str(uncertainty_path()), where, f"the spread must be a positive number, got {cv!r}")
    shown = f"cv {cv:.3g}"
    if cv < floor_cv:
        cv, shown = floor_cv, f"cv {cv:.3g}, raised to the floor {floor_cv:g}"
    if rule == "within_fraction":
        return cv / tol, shown
    return math.sqrt(math.log1p(cv * cv)) / _LOG_RULES[rule](tol), shown


def load_noise(targets: list[Target], path: Path | str | None = None) -> dict[str, TargetNoise]:
    """The measurement uncertainty of every target, by id (``models/targets/uncertainty.toml`` by default)."""
    path = Path(path) if path is not None else uncertainty_path()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), None, "uncertainty file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(str(path), None, f"malformed TOML: {error}") from None
    floor_cv = float(document.get("floor_cv", 0.0))
    defaults = document.get("defaults", {})
    listed = document.get("target", {})
    known = {t.id for t in targets}
    unknown = sorted(set(listed) - known)
    if unknown:
        raise InputError(str(path), "target", f"unknown target ids {unknown}; allowed: the ids of targets.toml")
    noise = {}
    for target in targets:
        if target.id in listed:
            spec = listed[target.id]
            sigma, shown = _sigma(target, spec, floor_cv, f"target.{target.id}")
            noise[target.id] = TargetNoise(target.id, sigma, shown, f"published ({spec.get('kind', 'unspecified')})",
                                           spec.get("source", ""))
        else:
            if target.rule not in defaults:
                raise InputError(str(path), "defaults", f"no default for rule {target.rule!r} ({target.id})")
            sigma, shown = _sigma(target, defaults[target.rule], 0.0, f"defaults.{target.rule}")
            noise[target.id] = TargetNoise(target.id, sigma, shown, f"default for {target.rule}")
    return noise


# ---------------------------------------------------------------------- problem


@dataclass
class PosteriorProblem:
    """Log-posterior of the log-parameters ``names``; every other parameter stays at ``values``.

    ``values`` holds every model parameter (the fitted set). ``targets`` default to the fitted ones.
    """

    names: tuple[str, ...]
    values: dict[str, float]
    targets: list[Target]
    noise: dict[str, TargetNoise]
    output_step_min: float = 5.0
    rtol: float = 1e-6
    model: Model = field(default_factory=build_model)
    evaluated: Callable[[int], None] | None = None  # told the number of batches so far (a progress bar)
    runs: dict[str, PreparedRun] = field(init=False)
    batches: int = 0
    evaluations: int = 0

    def __post_init__(self) -> None:
        self.targets = fitted_targets(self.targets)
        self.runs = prepare_runs(self.model, self.targets, self.values, self.output_step_min)
        for run in self.runs.values():
            clash = run.overridden & set(self.names)
            if clash:
                raise ValueError(f"scenario {run.name} sets sampled parameters {sorted(clash)}")
        self.indices = np.array([self.model.parameter_index[name] for name in self.names], dtype=int)
        parameters = [self.model.parameter(name) for name in self.names]
        self.lower = np.log([positive_lower_bound(p) for p in parameters])
        self.upper = np.log([p.upper for p in parameters])
        self.sigma = np.array([self.noise[t.id].sigma for t in self.targets])
        self.weights = np.array([t.fit_weight for t in self.targets])

    @property
    def x_fit(self) -> np.ndarray:
        """Log of the values the others are held at (the fitted set), clipped onto the log bounds."""
        return np.clip(np.log(np.maximum([self.values[n] for n in self.names], 1e-300)), self.lower, self.upper)

    def with_names(self, names: tuple[str, ...], values: dict[str, float] | None = None,
                   targets: list[Target] | None = None) -> PosteriorProblem:
        """The same data with other sampled parameters (others held at ``values``) or fewer targets."""
        return PosteriorProblem(names, dict(values or self.values), targets or self.targets, self.noise,
                                self.output_step_min, self.rtol, self.model, self.evaluated)

    def standardized_residuals(self, x: np.ndarray) -> np.ndarray:
        """``(batch, n_targets)`` misfits in standard deviations; a row the solver cannot integrate is NaN."""
        x = np.atleast_2d(x)
        fitted = np.exp(np.clip(x, self.lower, self.upper))
        rows = np.arange(len(x))
        result = np.full((len(x), len(self.targets)), np.nan)
        settings = SolverSettings(rtol=self.rtol)
        while rows.size:  # a member the solver fails on is dropped and the rest rerun
            try:
                series = {}
                for name, run in self.runs.items():
                    matrix = np.tile(run.base, (rows.size, 1))
                    matrix[:, self.indices] = fitted[rows]
                    series[name] = simulate_run(self.model, run, matrix, settings)
                result[rows] = self._standardize(series)
                break
            except SimulationError as error:
                if error.member is None or rows.size == 1:
                    break
                rows = np.delete(rows, error.member)
        self.batches += 1
        self.evaluations += len(x)
        if self.evaluated is not None:
            self.evaluated(self.batches)
        return result

    def _standardize(self, series: Mapping[str, Series]) -> np.ndarray:
        misfit = np.column_stack([t.misfit(t.evaluate(series)) for t in self.targets])
        return misfit * self.weights / self.sigma

    def log_likelihood(self, x: np.ndarray) -> np.ndarray:
        r = self.standardized_residuals(x)
        value = -0.5 * np.sum(r * r, axis=1)
        return np.where(np.isfinite(value), value, -np.inf)

    def log_prior(self, x: np.ndarray) -> np.ndarray:
        """Uniform in log-parameter within the bounds (an improper constant: 0 inside, -inf outside)."""
        x = np.atleast_2d(x)
        inside = np.all((x >= self.lower) & (x <= self.upper), axis=1)
        return np.where(inside, 0.0, -np.inf)

    def log_posterior(self, x: np.ndarray) -> np.ndarray:
        """Batched: only rows inside the prior's support are simulated."""
        x = np.atleast_2d(x)
        value = self.log_prior(x)
        inside = np.isfinite(value)
        if np.any(inside):
            value[inside] += self.log_likelihood(x[inside])
        return value

    def jacobian(self, x: np.ndarray, step: float = 1e-2) -> tuple[np.ndarray, np.ndarray]:
        """Standardized residuals at ``x`` and their forward-difference Jacobian in log-parameters, one batch."""
        steps = np.where(x + step <= self.upper, step, -step)
        points = np.tile(x, (len(x) + 1, 1))
        points[1:] += np.diag(steps)
        r = self.standardized_residuals(points)
        return r[0], ((r[1:] - r[0]) / steps[:, None]).T


def parameter_set_values(name_or_path: str = "default", model: Model | None = None) -> dict[str, float]:
    """Every parameter's value in a parameter set: code defaults overlaid with the set."""
    from myokine_sim.parameters import load_parameter_set

    model = model or build_model()
    values = dict(zip(model.parameter_names, model.default_values()))
    values.update(load_parameter_set(name_or_path, model))
    return values
