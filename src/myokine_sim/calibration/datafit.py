"""Fit chosen parameters to a user's own measurements (``myokine fit --data``).

Weighted least squares on log-parameters within their bounds (``least_squares``, trust-region
reflective), each residual ``(simulated - measured) / sd``. The sd is the row's ``noiseParameters``;
a row without one gets ``DEFAULT_CV`` of its measurement, and at least ``DEFAULT_CV`` of
``FLOOR_FRACTION`` of the largest measurement of its observable (so a near-zero value is not treated
as exact). The uncertainty is the Laplace approximation at the fit, ``(J^T J)^-1`` on log scale;
``posterior=True`` samples the posterior with emcee's ensemble sampler instead (uniform prior in the
log-parameters within the bounds), started around the fit.

Each condition (scenario) is integrated once per evaluation for a batch of parameter sets: the
Jacobian's columns are one batch, an ensemble step's half-ensemble another.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from myokine_sim.calibration.fit import at_bound, positive_lower_bound
from myokine_sim.calibration.petab import MeasurementTable
from myokine_sim.errors import InputError, SimulationError
from myokine_sim.model import Model, build_model

#: Parameters ``fit --data`` fits when none are named: the IL-6 production and clearance and the
#: glycogen use rate, which set the size of the two quantities most often measured (plasma IL-6,
#: muscle glycogen) and which a single study's time course can identify.
DEFAULT_DATA_PARAMETERS: tuple[str, ...] = (
    "muscle_il6.translation_ng_kg_min_per_fold",
    "plasma_il6.clearance_per_min",
    "muscle_glycogen.use_rate_mmol_kg_min",
)
DEFAULT_CV = 0.10
FLOOR_FRACTION = 0.05
JACOBIAN_STEP = 1e-3
Z90 = 1.6448536269514722


@dataclass
class DataProblem:
    """Residuals of a measurement table as a function of log-parameters ``names``, batched."""

    table: MeasurementTable
    names: tuple[str, ...]
    parameter_set: str = "default"
    model: Model = field(default_factory=build_model)

    def __post_init__(self) -> None:
        from myokine_sim.parameters import parameter_vector
        from myokine_sim.scenario import with_parameter_set
        from myokine_sim.simulation import resolve_parameters, schedule_inputs
        from myokine_sim.solver import output_times

        for name in self.names:
            if name not in self.model.parameter_index:
                import difflib

                close = difflib.get_close_matches(name, self.model.parameter_names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError("--fit-parameter", name, f"unknown parameter{hint} (`myokine params` lists them)")
        self.indices = np.array([self.model.parameter_index[n] for n in self.names], dtype=int)
        parameters = [self.model.parameter(n) for n in self.names]
        self.lower = np.log([positive_lower_bound(p) for p in parameters])
        self.upper = np.log([p.upper for p in parameters])
        self.conditions = {}
        for condition, scenario in self.table.conditions.items():
            if self.parameter_set != "default":
                scenario = with_parameter_set(scenario, self.parameter_set)
            clash = set(scenario.parameter_overrides()) & set(self.names)
            if clash:
                raise InputError(str(self.table.path), f"condition {condition}",
                                 f"its scenario sets {sorted(clash)}, which --fit-parameter would fit; fit others "
                                 "or remove them from the scenario")
            schedule = scenario.schedule()
            rows = [m for m in self.table.measurements if m.condition == condition]
            times = np.unique(np.concatenate([output_times(schedule, scenario.simulation.output_step_min),
                                              [m.time_min for m in rows]]))
            self.conditions[condition] = {
                "scenario": scenario, "schedule": schedule, "times": times,
                "inputs": schedule_inputs(self.model, schedule, times),
                "base": np.array(parameter_vector(self.model, resolve_parameters(scenario, model=self.model))),
            }
        first = next(iter(self.conditions.values()))["base"]
        self.start = np.clip(np.log(np.maximum(first[self.indices], 1e-300)), self.lower, self.upper)
        measured = np.array([m.value for m in self.table.measurements])
        largest = {o: max(abs(m.value) for m in self.table.measurements if m.observable == o)
                   for o in self.table.observables}
        self.sigma = np.array([
            m.sigma if m.sigma is not None else DEFAULT_CV * max(abs(m.value), FLOOR_FRACTION * largest[m.observable])
            for m in self.table.measurements])
        for m, sd in zip(self.table.measurements, self.sigma):
            if sd <= 0.0:
                # A default SD scales with the values, so an observable measured as 0 throughout has none.
                raise InputError(str(self.table.path), f"line {m.line}, column measurement",
                                 f"every measurement of {m.observable} is 0, so no default SD can be scaled "
                                 "from it; allowed: give noiseParameters (an SD > 0) for these rows")
        self.measured = measured
        self.batches = 0

    def simulate(self, x: np.ndarray) -> np.ndarray:
        """Simulated value of every measurement ``(batch, n_measurements)`` for rows of log-parameters."""
        from myokine_sim.calibration.runs import observe_batch
        from myokine_sim.solver import SolverSettings, integrate

        x = np.atleast_2d(x)
        values = np.exp(np.clip(x, self.lower, self.upper))
        out = np.empty((len(x), len(self.table.measurements)))
        for condition, c in self.conditions.items():
            matrix = np.tile(c["base"], (len(x), 1))
            matrix[:, self.indices] = values
            solution = integrate(self.model, matrix, c["schedule"], c["times"],
                                 SolverSettings(rtol=c["scenario"].simulation.rtol))
            columns = observe_batch(self.model, matrix, solution.states, c["inputs"])
            for k, m in enumerate(self.table.measurements):
                if m.condition == condition:
                    out[:, k] = columns[m.observable][:, int(np.searchsorted(c["times"], m.time_min))]
        self.batches += 1
        return out

    def residuals(self, x: np.ndarray) -> np.ndarray:
        return (self.simulate(x) - self.measured) / self.sigma

    def jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        steps = np.where(x + JACOBIAN_STEP <= self.upper, JACOBIAN_STEP, -JACOBIAN_STEP)
        points = np.tile(x, (len(x) + 1, 1))
        points[1:] += np.diag(steps)
        r = self.residuals(points)
        return r[0], ((r[1:] - r[0]) / steps[:, None]).T

    def log_posterior(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        value = np.where(np.all((x >= self.lower) & (x <= self.upper), axis=1), 0.0, -np.inf)
        inside = np.isfinite(value)
        if np.any(inside):
            try:
                r = self.residuals(x[inside])
                value[inside] = -0.5 * np.sum(r * r, axis=1)
            except SimulationError:  # a proposal the solver cannot integrate is rejected
                value[inside] = -np.inf
        return np.where(np.isfinite(value), value, -np.inf)


@dataclass
class DataFitResult:
    names: tuple[str, ...]
    start: np.ndarray  # values (not logs)
    x: np.ndarray  # log values at the fit
    residuals: np.ndarray
    simulated: np.ndarray
    sigma: np.ndarray
    sd_log: np.ndarray
    intervals: dict[str, list[float]]  # 5/50/95% of each value
    status: str
    evaluations: int
    runtime_s: float
    posterior: dict = field(default_factory=dict)  # with --posterior: diagnostics and the chain
    at_bound: list[bool] = field(default_factory=list)

    @property
    def values(self) -> np.ndarray:
        return np.exp(self.x)

    @property
    def cost(self) -> float:
        return 0.5 * float(self.residuals @ self.residuals)


def fit_data(problem: DataProblem, max_evaluations: int = 50, posterior: bool = False, walkers: int = 16,
             steps: int = 300, seed: int = 0, log: Callable[[str], None] = lambda line: None,
             stepped: Callable[[int, int], None] | None = None) -> DataFitResult:
    """Least squares, then Laplace intervals; or (``posterior``) emcee started around the least-squares fit."""
    from scipy.optimize import least_squares

    started = time.perf_counter()
    log(f"fitting {len(problem.names)} parameters to {len(problem.measured)} measurements in "
        f"{len(problem.conditions)} conditions")
    solution = least_squares(lambda x: problem.residuals(x)[0], problem.start, jac=lambda x: problem.jacobian(x)[1],
                             bounds=(problem.lower, problem.upper), method="trf", max_nfev=max_evaluations,
                             x_scale=1.0)
    r, jac = problem.jacobian(solution.x)
    covariance = np.linalg.pinv(jac.T @ jac)
    sd_log = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    # The prior is uniform within the bounds, so an interval stops at a bound.
    intervals = {n: [float(np.exp(max(x - Z90 * s, lo))), float(np.exp(x)), float(np.exp(min(x + Z90 * s, hi)))]
                 for n, x, s, lo, hi in zip(problem.names, solution.x, sd_log, problem.lower, problem.upper)}
    result = DataFitResult(problem.names, np.exp(problem.start), solution.x, r, problem.simulate(solution.x)[0],
                           problem.sigma, sd_log, intervals, solution.message, solution.nfev,
                           time.perf_counter() - started)
    result.at_bound = at_bound(solution.x, problem.lower, problem.upper).tolist()
    log(f"{solution.message} ({solution.nfev} evaluations); cost {result.cost:.3f}")
    if posterior:
        from myokine_sim.calibration.posterior import chain_diagnostics, quantile_table, run_ensemble

        walkers = max(walkers, 2 * len(problem.names) + 2)
        rng = np.random.default_rng(seed)
        spread = np.where(np.isfinite(sd_log) & (sd_log > 0), np.minimum(sd_log, 1.0), 0.1)
        start = solution.x + 0.5 * spread * rng.standard_normal((walkers, len(problem.names)))
        start = np.clip(start, problem.lower + 1e-9, problem.upper - 1e-9)
        log(f"emcee: {walkers} walkers, {steps} steps")
        chain, _lp, accepted = run_ensemble(problem.log_posterior, start, steps, seed,
                                            stepped=(lambda done: stepped(done, steps)) if stepped else None)
        diagnostics = chain_diagnostics(chain, accepted, 0.3)
        kept = chain[diagnostics["burn_in_steps"]:].reshape(-1, len(problem.names))
        result.intervals = quantile_table(problem.names, kept)
        result.posterior = {"diagnostics": diagnostics, "draws": np.exp(kept), "walkers": walkers, "steps": steps,
                            "seed": seed}
    result.runtime_s = time.perf_counter() - started
    return result


def summary_lines(result: DataFitResult, model: Model) -> list[str]:
    label = "posterior (emcee)" if result.posterior else "Laplace at the fit"
    lines = [f"{result.status} ({result.evaluations} evaluations, {result.runtime_s:.0f} s); cost {result.cost:.3f} "
             f"over {len(result.residuals)} measurements", "",
             f"{'parameter':45s} {'start':>10s} {'fitted':>10s} {'5%':>10s} {'50%':>10s} {'95%':>10s}  unit   "
             f"(90% interval: {label})"]
    for k, name in enumerate(result.names):
        low, mid, high = result.intervals[name]
        note = "  at a bound" if result.at_bound[k] else ""
        lines.append(f"{name:45s} {result.start[k]:10.4g} {result.values[k]:10.4g} {low:10.4g} {mid:10.4g} "
                     f"{high:10.4g}  {model.units[name]}{note}")
    if result.posterior:
        d = result.posterior["diagnostics"]
        lines.append(f"emcee: acceptance {d['acceptance_fraction']:.2f}, autocorrelation time "
                     f"{max(d['autocorrelation_time_steps']):.1f} steps, effective samples "
                     f"{min(d['effective_sample_size']):.0f} or more"
                     + ("" if d["chain_over_50_tau"] else " (chain shorter than 50 autocorrelation times)"))
    return lines


def residuals_tsv(problem: DataProblem, result: DataFitResult, units: dict[str, str]) -> str:
    header = ["observableId", "simulationConditionId", "time_min", "measurement", "simulation", "sd", "unit",
              "residual_sd_units"]
    rows = ["\t".join(header)]
    for m, sim, sd, r in zip(problem.table.measurements, result.simulated, result.sigma, result.residuals):
        rows.append("\t".join([m.observable, m.condition, f"{m.time_min:g}", f"{m.value:.6g}", f"{sim:.6g}",
                               f"{sd:.6g}", units.get(m.observable, ""), f"{r:+.4f}"]))
    return "\n".join(rows) + "\n"


def fit_figure(problem: DataProblem, result: DataFitResult) -> bytes:
    """Measured points (sd as error bars) against the curves before and after the fit, a panel per observable and
    condition."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from myokine_sim.calibration.runs import observe_batch
    from myokine_sim.figures import figure_png
    from myokine_sim.labels import column_name, unit_text
    from myokine_sim.solver import SolverSettings, integrate

    pairs = list(dict.fromkeys((m.observable, m.condition) for m in problem.table.measurements))
    columns = min(len(pairs), 2)
    rows = math.ceil(len(pairs) / columns)
    plt.rcParams.update({"font.size": 15})
    figure, axes = plt.subplots(rows, columns, figsize=(8 * columns, 5.5 * rows), squeeze=False)
    curves = {}
    for condition, c in problem.conditions.items():
        for label, x in (("start", problem.start), ("fit", result.x)):
            matrix = np.tile(c["base"], (1, 1))
            matrix[:, problem.indices] = np.exp(x)
            solution = integrate(problem.model, matrix, c["schedule"], c["times"],
                                 SolverSettings(rtol=c["scenario"].simulation.rtol))
            curves[condition, label] = observe_batch(problem.model, matrix, solution.states, c["inputs"])
    for ax, (observable, condition) in zip(axes.flat, pairs):
        t = problem.conditions[condition]["times"]
        ax.plot(t, curves[condition, "start"][observable][0], color="0.55", linestyle="--", linewidth=2.2,
                label="before the fit")
        ax.plot(t, curves[condition, "fit"][observable][0], color="black", linewidth=2.6, label="fitted")
        points = [(m, sd) for m, sd in zip(problem.table.measurements, result.sigma)
                  if m.observable == observable and m.condition == condition]
        ax.errorbar([m.time_min for m, _ in points], [m.value for m, _ in points], yerr=[sd for _, sd in points],
                    fmt="o", color="black", markerfacecolor="white", markersize=9, capsize=5, linewidth=1.6,
                    label="measured ± sd")
        ax.set_title(f"{column_name(observable)}: {condition}", fontsize=15, loc="left")
        ax.set_xlabel("time (min)")
        ax.set_ylabel(unit_text(problem.model.units[observable]))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=13, frameon=False)
    for ax in list(axes.flat)[len(pairs):]:
        ax.axis("off")
    figure.tight_layout()
    png = figure_png(figure)
    plt.close(figure)
    return png
