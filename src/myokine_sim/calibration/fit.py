"""``myokine fit``: estimate model parameters from the calibration targets.

Weighted least squares on log-parameters within each parameter's plausible
bounds (``scipy.optimize.least_squares``, trust-region reflective). Every
residual is in units of its target's pass tolerance (1 = on the pass
boundary), plus a smooth step at the boundary so that a target just inside
its band is preferred to one just outside, without letting a hopeless target
dominate;
one-sided targets (lower bounds, directions) use a smooth hinge that is about
zero once comfortably met (``targets.Target.residual``). The start is the
code default of every parameter, so the result does not depend on the file
it overwrites.

The step is steep (it rises over ``STEP_WIDTH``, 0.05 tolerance units), and
trust-region steps stall against it where many targets sit just inside
their bands. A first stage with a wider step (``FitSettings.step_width``,
``myokine fit --step-width``), then a fit started from its result
(``myokine fit --parameter-set``), finds lower minima of the usual loss.

The Jacobian is computed by forward differences in log-parameter space, all
columns at once: for each scenario one batched ``integrate`` call runs the
current point and one perturbed copy per fitted parameter.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from myokine_sim.calibration.runs import PreparedRun, prepare_runs, simulate_run
from myokine_sim.calibration.targets import STEP_WIDTH, Target, load_targets
from myokine_sim.io import package_versions, write_text_atomic
from myokine_sim.model import Model, build_model
from myokine_sim.paths import parameter_sets_dir
from myokine_sim.solver import KERNEL_COMPILE_MIN_MEMBERS, SolverSettings, prepare_kernel

#: The fitted parameters. Each is informed by at least one target (see ``docs/validation.md``);
#: everything else keeps the value and source given in its compartment module.
FITTED_PARAMETERS: tuple[str, ...] = (
    # Muscle glycogen use and resynthesis: Watt 2002, Spencer 1992, Tsintzas 1995, Sherman 1993, Maehlum 1978,
    # Flynn 2020, Wallis 2008.
    "muscle_glycogen.use_rate_mmol_kg_min",
    "muscle_glycogen.use_intensity_half_pct",
    "muscle_glycogen.use_glycogen_exponent",
    "muscle_glycogen.supercompensated_use_gain",
    "muscle_glycogen.untrained_use_gain",
    "muscle_glycogen.knee_extension_use_factor",
    "muscle_glycogen.running_use_factor",
    "muscle_glycogen.onset_use_gain",
    "muscle_glycogen.resynthesis_rate_per_min",
    "muscle_glycogen.storage_share_max",
    "muscle_glycogen.untrained_storage_relative",
    "muscle_glycogen.synthase_glycogen_exponent",
    "muscle_glycogen.insulin_sensitivity_decay_per_min",
    # IL-6 transcription and mRNA: Keller 2001, Starkie 2001, Fischer 2004, Scott 2011.
    "il6_gene.max_transcription_fold",
    "il6_gene.intensity_half_pct",
    "il6_gene.glycogen_sensor_gain",
    "il6_gene.trained_sensor_reduction",
    "il6_gene.glycogen_sensor_half_mmol_kg",
    "il6_gene.mrna_decay_per_min",
    "il6_gene.mrna_stabilisation",
    # Release and clearance: Steensberg 2000/2001, Keller 2001, Ostrowski 1998, Febbraio 2003, Ronsen 2002, Nieman 1998,
    # MacDonald 2003.
    "muscle_il6.translation_ng_kg_min_per_fold",
    "muscle_il6.translation_half_fold",
    "muscle_il6.secretion_rate_per_min",
    "muscle_il6.glycogen_release_gain",
    "muscle_il6.glycogen_release_half_mmol_kg",
    "muscle_il6.duration_gain",
    "muscle_il6.glucose_blunting",
    "plasma_il6.clearance_per_min",
    "exercise.running_mass_factor",
    "exercise.knee_extension_local_factor",
    "plasma_il6.adrenergic_release_ng_min",
    "exercise.il6_thermogenic_max",
    # Adipose IL-6 after exercise: Lyngso 2002.
    "adipose.il6_output_gain",
    "adipose.il6_activation_half_rel",
    "adipose.il6_activation_hill",
    "plasma_il6.adipose_fraction_at_rest",
    # Lipolysis, FFA and fat oxidation: van Hall 2003, Horowitz 1997, Achten 2002/2003, van Loon 2001, Watt 2002,
    # Hiscock 2005 (FFA appearance at 70% vs 40%), Friedlander 1999 and Coggan 2000 (by intensity and by training).
    "adipose.lipolysis_exercise_gain",
    "adipose.lipolysis_il6_max",
    "adipose.lipolysis_carbohydrate_suppression",
    "adipose.ffa_uptake_half_mmol_l",
    "adipose.ffa_uptake_exercise_gain",
    "adipose.fat_fraction_intensity_half_pct",
    "adipose.fat_fraction_intensity_hill",
    "adipose.fat_fraction_rest",
    "adipose.high_intensity_trapping",
    "adipose.blood_flow_exercise_gain",
    # IL-1ra and IL-10: Ostrowski 1998/1999, van der Poll 1996, Fijen 2000, Barber 1995, Dandona 1999, Nieman 1998,
    # Draisma 2009.
    "il1ra.induction_rate_per_min",
    "il1ra.elimination_rate_per_min",
    "il1ra.max_fold",
    "il1ra.cortisol_order",
    "il1ra.monocyte_fold",
    "il10.il6_max_fold",
    "il10.il6_half_pg_ml",
    "il10.cortisol_induction_delay_min",
    "il10.cortisol_fold_per_umol_l",
    "il10.cortisol_activation_fold_per_umol_l",
    # Endotoxin, TNF-alpha and its brakes: Michie 1988, Copeland 2005, Mehta 2012, Starkie 2003, Barber 1993 and 1995,
    # van der Poll 1996, Yeager 2009, Draisma 2009, Leentjens 2012, Krabbe 2005.
    "endotoxin.clearance_per_min",
    "endotoxin.potency_half_ng_kg",
    "endotoxin.potency_hill",
    "endotoxin.signalling_rate_per_min",
    "endotoxin.il6_max_ng_min",
    "endotoxin.il6_tnf_order",
    "endotoxin.il6_lag_rate_per_min",
    "endotoxin.tolerance_induction_rate_per_min",
    "tnf_alpha.elimination_rate_per_min",
    "tnf_alpha.monocyte_fold",
    "tnf_alpha.cortisol_inhibition_nmol_l",
    "tnf_alpha.glucocorticoid_rate_per_min",
    "tnf_alpha.priming_gain",
    "tnf_alpha.priming_rate_per_min",
    # Liver: Febbraio 2004, Jeukendrup 1999, Angus 2002, Gonzalez 2015, Taylor 1996.
    "liver.il6_max",
    "liver.exercise_gain",
    "liver.carbohydrate_uptake_fraction",
    # Plasma glucose and its counter-regulation: Coggan & Coyle 1987, Coyle 1983, Tabata 1984; adrenaline with
    # carbohydrate: Nieman 2005, Felig 1982; an oral glucose load at rest: Siafarikas 2004.
    "plasma_glucose.insulin_disposal_order",
    "plasma_glucose.adrenaline_order",
    "plasma_glucose.depleted_muscle_uptake_mg_kg_min",
    "cortisol.hypoglycaemia_max",
    # Cortisol in exercise: Hill 2008 (an intensity threshold), Tabata 1991 (none at 50% with glucose held).
    "cortisol.exercise_threshold_gain",
    "cortisol.exercise_threshold_drive",
    # Glucose in intense exercise: Kreisman 2000.
    "exercise.catecholamine_rise_rate_per_min",
    "liver.intense_surplus_max",
)

#: Parameters earlier fits moved that are held at their code values since 2026-12-07, each source saying why:
#: no fitted target informed them locally and refits moved them freely, breaking unfitted rows or behaviour tests
#: (the steepness of glycogen use and the fasting gain of lipolysis moved to values such rows reject). The
#: validation report lists those held at or near a bound.
HELD_PARAMETERS: tuple[str, ...] = (
    "muscle_glycogen.use_intensity_hill",
    "muscle_glycogen.rested_storage_relative",
    "muscle_glycogen.contraction_uptake_decay_per_min",
    "il6_gene.intensity_hill",
    "il6_gene.trained_reduction",
    "tendon_il6.release_max_ng_min",
    "tendon_il6.activation_rate_per_min",
    "adipose.ffa_reesterification_half_mmol_l",
    "adipose.lipolysis_fasting_gain",
    "il1ra.il6_half_pg_ml",
    "endotoxin.gut_leak_max_ng_kg_min",
    "endotoxin.gut_injury_rate_per_min",
    "endotoxin.tolerance_loss_rate_per_min",
    "tnf_alpha.adrenaline_inhibition_drive",
    "tnf_alpha.restraint_rate_per_min",
    "liver.il6_half_pg_ml",
    "liver.glycogen_max_g",
    "liver.exercise_storage_brake",
    "liver.gluconeogenesis_glucose_order",
    "liver.suppression_half_glucose_rise",
    "carbohydrate.availability_half_g_min",
)

#: Relative change of a parameter (log step) for the forward-difference Jacobian.
JACOBIAN_STEP = 1e-2
#: Fitting is on log scale, so a lower bound of 0 becomes this fraction of the upper bound (a parameter
#: pushed there has no identifiable effect and is reported at its bound).
LOG_FLOOR = 1e-4


def positive_lower_bound(parameter) -> float:
    """A parameter's lower bound as the log-scale fit sees it: a bound of 0 becomes ``LOG_FLOOR`` x upper."""
    return max(parameter.lower, LOG_FLOOR * parameter.upper)

#: Thresholds of the identifiability summary.
POOR_SE_LOG = math.log(2.0)
HIGH_CORRELATION = 0.95
SMALL_SINGULAR_RATIO = 1e-3
#: A target "informs" a parameter when a 10% change moves its residual by this much (tolerance units).
INFORMS_THRESHOLD = 0.05
#: A fitted log-parameter this close to a bound (about 1%) counts as at it: the trust-region solver stops just
#: inside a bound the data push against, so an exact test would miss it.
AT_BOUND_LOG = 0.01
#: Within this distance (about 5%) it is reported as near a bound: the data lean on it.
NEAR_BOUND_LOG = 0.05


def bound_distance(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Distance of each log-parameter from its nearer bound (log units, about relative)."""
    return np.minimum(np.asarray(x) - lower, upper - np.asarray(x))


def at_bound(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Which log-parameters sit at a bound (within ``AT_BOUND_LOG``)."""
    return bound_distance(x, lower, upper) < AT_BOUND_LOG


@dataclass(frozen=True)
class FitSettings:
    max_evaluations: int = 100
    output_step_min: float = 5.0
    rtol: float = 1e-6
    jacobian_rtol: float = 1e-7
    tolerance: float = 1e-6
    # A wider step smooths the loss where trust-region steps stall against the steep usual one (a first stage).
    step_width: float = STEP_WIDTH

    def as_dict(self) -> dict:
        return {
            "max_evaluations": self.max_evaluations,
            "output_step_min": self.output_step_min,
            "rtol": self.rtol,
            "jacobian_rtol": self.jacobian_rtol,
            "ftol_xtol_gtol": self.tolerance,
            "jacobian_step_log": JACOBIAN_STEP,
            "pass_boundary_step_width": self.step_width,
            "method": "scipy.optimize.least_squares trf, log-parameters, bounds from the compartment modules",
        }


@dataclass
class FitProblem:
    """Residuals and their Jacobian as functions of the log fitted parameters."""

    model: Model
    targets: list[Target]
    names: tuple[str, ...]
    settings: FitSettings
    progress: Callable[[str], None]
    start: dict[str, float] = field(default_factory=dict)
    evaluated: Callable[[int], None] | None = None  # told the number of residual evaluations so far (a progress bar)
    runs: dict[str, PreparedRun] = field(init=False)
    indices: np.ndarray = field(init=False)
    lower: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)
    evaluations: int = 0
    jacobians: int = 0

    def __post_init__(self) -> None:
        defaults = dict(zip(self.model.parameter_names, self.model.default_values()))
        self.runs = prepare_runs(self.model, self.targets, defaults, self.settings.output_step_min)
        for run in self.runs.values():
            clash = run.overridden & set(self.names)
            if clash:
                raise ValueError(f"scenario {run.name} sets fitted parameters {sorted(clash)}")
            if run.scenario.simulation.parameter_set != "default":
                raise ValueError(f"scenario {run.name} uses parameter set {run.scenario.simulation.parameter_set!r}")
        self.indices = np.array([self.model.parameter_index[name] for name in self.names])
        parameters = [self.model.parameter(name) for name in self.names]
        self.lower = np.log([positive_lower_bound(p) for p in parameters])
        self.upper = np.log([p.upper for p in parameters])

    @property
    def x0(self) -> np.ndarray:
        """Log of the start values; a start of 0 lies on the log floor (``run_fit`` clips onto the bounds)."""
        with np.errstate(divide="ignore"):
            return np.log([self.start.get(name, self.model.parameter(name).value) for name in self.names])

    def values(self, x: np.ndarray) -> np.ndarray:
        """Parameter values of log-point ``x``, clipped onto the bounds exp/log rounding may cross."""
        parameters = [self.model.parameter(name) for name in self.names]
        return np.clip(np.exp(x), [p.lower for p in parameters], [p.upper for p in parameters])

    def _simulate(self, fitted: np.ndarray, rtol: float, plain: bool = False) -> np.ndarray:
        """Residuals ``(batch, n_targets)`` for rows of fitted values ``(batch, n_fitted)``.

        ``plain`` gives the weighted misfit without the pass-boundary step: what the data say, for the
        uncertainty, where the step's steep flanks would pass for information.
        """
        settings = SolverSettings(rtol=rtol)
        series = {}
        for name, run in self.runs.items():
            matrix = np.tile(run.base, (fitted.shape[0], 1))
            matrix[:, self.indices] = fitted
            series[name] = simulate_run(self.model, run, matrix, settings)
        if plain:
            return np.column_stack([t.fit_weight * t.misfit(t.evaluate(series)) for t in self.targets])
        return np.column_stack([t.residual(t.evaluate(series), self.settings.step_width) for t in self.targets])

    def residuals(self, x: np.ndarray) -> np.ndarray:
        started = time.perf_counter()
        r = self._simulate(self.values(x)[None, :], self.settings.rtol)[0]
        self.evaluations += 1
        if self.evaluated is not None:
            self.evaluated(self.evaluations)
        self.progress(
            f"evaluation {self.evaluations:3d}: cost {0.5 * float(r @ r):10.4f}, "
            f"worst {self.targets[int(np.argmax(np.abs(r)))].id} {float(np.max(np.abs(r))):.2f} "
            f"({time.perf_counter() - started:.1f} s)"
        )
        return r

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return self._jacobian(x)[1]

    def plain_misfit_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The weighted misfit at ``x`` (no pass-boundary step) and its Jacobian, for the uncertainty."""
        return self._jacobian(x, plain=True)

    def _jacobian(self, x: np.ndarray, plain: bool = False) -> tuple[np.ndarray, np.ndarray]:
        started = time.perf_counter()
        n = len(x)
        # Step towards the interior so every perturbed point stays within the bounds.
        steps = np.where(x + JACOBIAN_STEP <= self.upper, JACOBIAN_STEP, -JACOBIAN_STEP)
        points = np.tile(x, (n + 1, 1))
        points[1:] += np.diag(steps)
        fitted = np.array([self.values(point) for point in points])
        r = self._simulate(fitted, self.settings.jacobian_rtol, plain)
        self.jacobians += 1
        elapsed = time.perf_counter() - started
        self.progress(f"  jacobian {self.jacobians:3d}: {n} columns in one batch ({elapsed:.1f} s)")
        return r[0], ((r[1:] - r[0]) / steps[:, None]).T


@dataclass
class FitResult:
    names: tuple[str, ...]
    values: np.ndarray
    x: np.ndarray
    residuals: np.ndarray
    jacobian: np.ndarray
    misfit: np.ndarray  # the weighted misfit without the pass-boundary step, and its Jacobian
    misfit_jacobian: np.ndarray
    targets: list[Target]
    status: str
    evaluations: int
    jacobians: int
    runtime_s: float
    settings: FitSettings
    start_values: np.ndarray
    uncertainty: dict = field(default_factory=dict)

    @property
    def cost(self) -> float:
        return 0.5 * float(self.residuals @ self.residuals)


def fitted_targets(targets: list[Target]) -> list[Target]:
    return [t for t in targets if t.simulable and t.fit_weight > 0.0]


def run_fit(
    settings: FitSettings = FitSettings(),
    names: tuple[str, ...] = FITTED_PARAMETERS,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    targets: list[Target] | None = None,
    start: dict[str, float] | None = None,
    evaluated: Callable[[int], None] | None = None,
) -> FitResult:
    """Fit ``names`` to ``targets`` (default: every target with a positive fit weight).

    The start is each parameter's code default unless ``start`` gives values by name.
    """
    started = time.perf_counter()
    model = build_model()
    # A fit integrates dozens of batches: compiling the kernel once (when numba is installed) repays itself.
    prepare_kernel(model, "auto", KERNEL_COMPILE_MIN_MEMBERS)
    targets = fitted_targets(load_targets() if targets is None else targets)
    problem = FitProblem(model, targets, names, settings, progress, start or {}, evaluated)
    progress(f"fitting {len(names)} parameters to {len(targets)} targets in {len(problem.runs)} scenarios")
    solution = least_squares(
        problem.residuals,
        np.clip(problem.x0, problem.lower, problem.upper),
        jac=problem.jacobian,
        bounds=(problem.lower, problem.upper),
        method="trf",
        x_scale=1.0,
        ftol=settings.tolerance,
        xtol=settings.tolerance,
        gtol=settings.tolerance,
        max_nfev=settings.max_evaluations,
    )
    # The optimiser's loss carries a step at each pass boundary; the uncertainty uses the plain misfit.
    misfit, misfit_jacobian = problem.plain_misfit_and_jacobian(solution.x)
    result = FitResult(
        names=names,
        values=problem.values(solution.x),
        x=solution.x,
        residuals=solution.fun,
        jacobian=solution.jac,
        misfit=misfit,
        misfit_jacobian=misfit_jacobian,
        targets=targets,
        status=solution.message,
        evaluations=problem.evaluations,
        jacobians=problem.jacobians,
        runtime_s=time.perf_counter() - started,
        settings=settings,
        start_values=problem.values(problem.x0),
    )
    result.uncertainty = uncertainty(result, problem.lower, problem.upper)
    return result


# ------------------------------------------------------------------ uncertainty


def uncertainty(result: FitResult, lower: np.ndarray, upper: np.ndarray) -> dict:
    """Local uncertainty of the log-parameters from the Jacobian of the plain misfit at the solution.

    Covariance = s^2 (J^T J)^+, with s^2 the misfit variance (sum of squares
    over residual degrees of freedom). Standard errors are of log values, so
    they are relative: SE 0.1 means about +-10%.
    """
    J, r = result.misfit_jacobian, result.misfit
    m, n = J.shape
    dof = max(m - n, 1)
    s2 = float(r @ r) / dof
    _U, singular, Vt = np.linalg.svd(J, full_matrices=False)
    cutoff = singular[0] * SMALL_SINGULAR_RATIO if singular.size else 0.0
    inverse = np.where(singular > cutoff, 1.0 / np.where(singular > 0, singular, 1.0) ** 2, 0.0)
    covariance = s2 * (Vt.T * inverse) @ Vt
    se = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / np.outer(se, se)
    distance = bound_distance(result.x, lower, upper)
    pinned = distance < AT_BOUND_LOG
    # Directions the data cannot see: right singular vectors of (near-)zero singular values.
    null_directions = [
        {
            "singular_value": float(value),
            "parameters": {result.names[k]: round(float(Vt[i, k]), 3) for k in np.argsort(-np.abs(Vt[i]))[:4]},
        }
        for i, value in enumerate(singular)
        if value <= cutoff
    ]
    pairs = [
        (result.names[i], result.names[j], float(correlation[i, j]))
        for i in range(n)
        for j in range(i + 1, n)
        if np.isfinite(correlation[i, j]) and abs(correlation[i, j]) > HIGH_CORRELATION
    ]
    informs = {}
    for j, name in enumerate(result.names):
        effect = np.abs(J[:, j]) * math.log(1.1)
        order = np.argsort(-effect)
        informs[name] = [result.targets[i].id for i in order if effect[i] >= INFORMS_THRESHOLD]
    unidentified = sorted(
        {name for name, s, bound in zip(result.names, se, pinned) if bound or s > POOR_SE_LOG or s == 0.0}
        | {name for pair in pairs for name in pair[:2]}
        | {name for d in null_directions for name, weight in d["parameters"].items() if abs(weight) > 0.3}
    )
    return {
        "residual_variance": s2,
        "degrees_of_freedom": m - n,
        "se_log": dict(zip(result.names, se.tolist())),
        "at_bound": [name for name, bound in zip(result.names, pinned) if bound],
        "near_bound": [name for name, d in zip(result.names, distance) if AT_BOUND_LOG <= d < NEAR_BOUND_LOG],
        "singular_values": singular.tolist(),
        "null_directions": null_directions,
        "high_correlations": pairs,
        "correlation": correlation.tolist(),
        "informed_by": informs,
        "unidentified": unidentified,
    }


# ---------------------------------------------------------------------- output


#: Header of the shipped default set (``--update-default``) and of a fit written to an output folder.
DEFAULT_SET_HEADER = """\
# Default parameter set of myokine_sim, written by `myokine fit --update-default` (do not edit by hand:
# rerun the fit). Parameters not listed take the value declared with the parameter in
# its compartment module (src/myokine_sim/model/). [provenance] records how the values
# were obtained; docs/validation.md reports the fit.
"""
FITTED_SET_HEADER = """\
# Parameter set written by `myokine fit`. Use it with `myokine run SCENARIO --parameter-set {path}`
# (or `myokine validate --parameter-set {path}`). Parameters not listed take the value declared
# with the parameter in its compartment module. [provenance] records how the values were obtained.
"""


def _plain(value):
    """``value`` with NumPy scalars and tuples turned into the Python types tomli-w writes."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def held_parameters(fitted: tuple[str, ...]) -> list[str]:
    """The fitted parameters a fit of only ``fitted`` kept at their code defaults (``myokine fit --hold``)."""
    return [name for name in FITTED_PARAMETERS if name not in fitted]


def parameter_set_document(result: FitResult) -> dict:
    """The fitted parameter set with its provenance: ``[values]`` and ``[provenance]``."""
    u = result.uncertainty
    held = held_parameters(result.names)
    return _plain({
        "values": {name: float(v) for name, v in zip(result.names, result.values)},
        "provenance": {
            "command": "myokine fit",
            "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "status": result.status,
            "cost": result.cost,
            "evaluations": result.evaluations,
            "jacobian_evaluations": result.jacobians,
            "runtime_s": round(result.runtime_s, 1),
            "targets": [t.id for t in result.targets],
            "weights": {t.id: t.fit_weight for t in result.targets},
            "residuals": {t.id: round(float(r), 4) for t, r in zip(result.targets, result.residuals)},
            "start_values": dict(zip(result.names, result.start_values.tolist())),
            # Absent when nothing was held, so a fit of every parameter writes the set as before.
            **({"held_at_code_defaults": held} if held else {}),
            "settings": result.settings.as_dict(),
            "versions": {k: v or "not installed" for k, v in package_versions().items()},
            "uncertainty": {
                "residual_variance": u["residual_variance"],
                "degrees_of_freedom": u["degrees_of_freedom"],
                "se_log": {k: round(v, 4) for k, v in u["se_log"].items()},
                "at_bound": u["at_bound"],
                "near_bound": u.get("near_bound", []),
                "singular_values": [round(v, 6) for v in u["singular_values"]],
                "high_correlations": [[a, b, round(c, 3)] for a, b, c in u["high_correlations"]],
                "unidentified": u["unidentified"],
                "informed_by": u["informed_by"],
            },
        },
    })


def parameter_set_toml(result: FitResult, header: str = DEFAULT_SET_HEADER) -> str:
    """The fitted parameter set with its provenance, as TOML (written by tomli-w) under a comment ``header``."""
    import tomli_w

    return header + "\n" + tomli_w.dumps(parameter_set_document(result))


def default_parameter_set_path() -> Path:
    return parameter_sets_dir() / "default.toml"


def write_parameter_set(result: FitResult, path: Path, header: str = DEFAULT_SET_HEADER) -> None:
    write_text_atomic(path, parameter_set_toml(result, header))


def summary_lines(result: FitResult) -> list[str]:
    """What ``myokine fit`` prints: values, uncertainty and identifiability."""
    model = build_model()
    u = result.uncertainty
    lines = [
        (f"{result.status} ({result.evaluations} evaluations, {result.jacobians} Jacobians, "
        f"{result.runtime_s:.0f} s); cost {result.cost:.4f} over {len(result.residuals)} residuals"),
        "",
        f"{'parameter':45s} {'start':>10s} {'fitted':>10s} {'unit':12s} {'SE(log)':>8s}  note",
    ]
    for name, start, value in zip(result.names, result.start_values, result.values):
        note = "at bound" if name in u["at_bound"] else ("not identified" if name in u["unidentified"] else "")
        if name in u.get("near_bound", []):
            note = (note + ", " if note else "") + "near bound"
        lines.append(
            f"{name:45s} {start:10.4g} {value:10.4g} {model.units[name]:12s} {u['se_log'][name]:8.3f}  {note}"
        )
    lines += ["", "singular values of the scaled Jacobian: " + ", ".join(f"{v:.3g}" for v in u["singular_values"])]
    for a, b, c in u["high_correlations"]:
        lines.append(f"correlation {c:+.3f}: {a} ~ {b}")
    lines.append("not identified by the data: " + (", ".join(u["unidentified"]) or "none"))
    worst = sorted(zip(result.targets, result.residuals), key=lambda pair: -abs(pair[1]))[:8]
    lines.append("largest residuals (tolerance units): " + ", ".join(f"{t.id} {r:+.2f}" for t, r in worst))
    return lines
