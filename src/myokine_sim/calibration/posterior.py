"""Posterior of the fitted parameters: screening, Laplace approximation and an emcee check.

The algorithm, in order (``run_posterior``):

1. **Screen.** At the fitted set, one batched Jacobian of the standardized residuals
   (``likelihood.PosteriorProblem``) over every fitted parameter gives the Fisher information
   ``F = J^T J`` on log scale. Parameters are taken greedily by decreasing ``F_ii`` while every taken
   parameter keeps a Laplace standard deviation below ``ln 2`` (the data pin it to within a factor 2
   with the others taken free) and none sits at a bound (within 1%, in log); at most ``max_sampled``. The rest are held
   at their fitted values and reported as fixed, each with a likelihood slice.
2. **Mode.** A few Gauss-Newton steps (``least_squares``) move the taken parameters to the posterior
   mode of this likelihood (the fit minimised a different loss, with pass-boundary steps).
3. **Laplace.** The posterior of the taken parameters is approximated by a Gaussian in log-parameters
   with covariance ``(J^T J)^-1`` at the mode, truncated to the bounds (the prior).
4. **Check.** emcee's affine-invariant ensemble sampler runs on the ``check_size`` best-informed taken
   parameters (the rest held at the mode), each half-ensemble step one batch through the solver, and
   its 5/50/95% quantiles are compared with the Laplace conditional of the same block.

Sampling all ~70 fitted parameters with an ensemble sampler cannot converge on this model in an hour:
each batch costs about 13 s whatever its size (the cost is per scenario and segment, not per member),
two batches make one ensemble step, and the autocorrelation time of the stretch move grows with the
dimension (tens of steps in a few dimensions, hundreds in dozens).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from myokine_sim.calibration.fit import at_bound
from myokine_sim.calibration.likelihood import PosteriorProblem

#: Screening: a parameter is sampled when its Laplace SD (log scale) stays below this with the others taken.
IDENTIFIED_SD_LOG = math.log(2.0)
#: Quantiles reported everywhere (a 90% interval and the median).
QUANTILES = (0.05, 0.5, 0.95)
#: Log-scale half-width of the likelihood slices of the fixed parameters (ln 4: a factor 4 either way).
SLICE_HALF_WIDTH = math.log(4.0)
SLICE_POINTS = 7
#: The emcee check reads only targets whose standardized residual moves more than this per unit log-parameter.
MOVED_SD = 0.05


@dataclass(frozen=True)
class PosteriorSettings:
    max_sampled: int = 15
    draws: int = 4000
    mode_evaluations: int = 6
    check_size: int = 4
    walkers: int = 24
    steps: int = 600
    pilot_steps: int = 20
    burn_fraction: float = 0.3
    seed: int = 0
    output_step_min: float = 5.0
    rtol: float = 1e-6

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------- screening and Laplace


def screen(names: tuple[str, ...], jacobian: np.ndarray, x: np.ndarray, lower: np.ndarray, upper: np.ndarray,
           max_sampled: int) -> list[int]:
    """Indices of the parameters the data identify (greedy by Fisher information; see the module docstring)."""
    information = np.sum(jacobian * jacobian, axis=0)
    pinned = at_bound(x, lower, upper)
    taken: list[int] = []
    for j in np.argsort(-information):
        if len(taken) >= max_sampled or information[j] <= 0.0:
            break
        if pinned[j] or 1.0 / math.sqrt(information[j]) >= IDENTIFIED_SD_LOG:
            continue
        trial = taken + [int(j)]
        block = jacobian[:, trial]
        try:
            covariance = np.linalg.inv(block.T @ block)
        except np.linalg.LinAlgError:
            continue
        variances = np.diag(covariance)
        if np.all(variances > 0) and np.all(np.sqrt(variances) < IDENTIFIED_SD_LOG):
            taken = trial
    return taken


def laplace_covariance(jacobian: np.ndarray) -> np.ndarray:
    """Covariance of log-parameters at the mode: the inverse Gauss-Newton Hessian ``(J^T J)^-1``."""
    return np.linalg.inv(jacobian.T @ jacobian)


def draw_truncated_normal(mean: np.ndarray, covariance: np.ndarray, n: int, lower: np.ndarray,
                          upper: np.ndarray, seed: int) -> np.ndarray:
    """``n`` draws of a multivariate normal restricted to the box (rejection; the prior is uniform in it)."""
    rng = np.random.default_rng(seed)
    chunks, total = [], 0
    for _ in range(1000):
        x = rng.multivariate_normal(mean, covariance, size=max(n, 256))
        x = x[np.all((x >= lower) & (x <= upper), axis=1)]
        chunks.append(x)
        total += len(x)
        if total >= n:
            break
    return np.concatenate(chunks)[:n]


def quantile_table(names, log_draws: np.ndarray) -> dict[str, list[float]]:
    """Per parameter: the 5%, 50% and 95% quantiles of its value (not its log)."""
    values = np.exp(np.quantile(log_draws, QUANTILES, axis=0))
    return {name: [float(v) for v in values[:, k]] for k, name in enumerate(names)}


# ---------------------------------------------------------------------- ensemble sampler


def integrated_time(chain: np.ndarray) -> np.ndarray:
    """emcee's integrated autocorrelation time per parameter, over the walkers that moved in ``chain``.

    A walker that rejected every proposal has zero variance, and emcee's normalised autocorrelation divides by it.
    """
    import emcee

    tau = np.full(chain.shape[2], np.nan)
    for d in range(chain.shape[2]):
        moving = np.ptp(chain[:, :, d], axis=0) > 0
        if moving.any():
            tau[d] = emcee.autocorr.integrated_time(chain[:, moving, d:d + 1], quiet=True, tol=0)[0]
    return tau


def chain_diagnostics(chain: np.ndarray, accepted: np.ndarray, burn_fraction: float) -> dict:
    """Autocorrelation time, effective sample size and acceptance of an emcee chain ``(steps, walkers, dim)``."""
    steps, walkers, _dim = chain.shape
    burn = int(burn_fraction * steps)
    kept = chain[burn:]
    tau = integrated_time(kept)
    ess = kept.shape[0] * walkers / tau
    return {
        "steps": int(steps), "walkers": int(walkers), "burn_in_steps": burn,
        "autocorrelation_time_steps": [float(t) for t in tau],
        "effective_sample_size": [float(e) for e in ess],
        "acceptance_fraction": float(np.mean(accepted / max(steps, 1))),
        "acceptance_fraction_per_walker": [round(float(a), 3) for a in accepted / max(steps, 1)],
        # emcee's own reliability rule for the tau estimate: a chain longer than 50 tau.
        "chain_over_50_tau": bool(kept.shape[0] > 50 * float(np.max(tau))),
    }


@dataclass
class EnsembleCheckpoint:
    """A resumable emcee chain: written atomically after every step, with the sampler's RNG state."""

    path: Path
    fingerprint: str
    chain: list = field(default_factory=list)
    log_prob: list = field(default_factory=list)
    accepted: np.ndarray | None = None
    random_state: tuple | None = None

    def load(self) -> bool:
        if not self.path.is_file():
            return False
        with np.load(self.path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != self.fingerprint:
                return False
            self.chain = list(data["chain"])
            self.log_prob = list(data["log_prob"])
            self.accepted = data["accepted"].copy()
            self.random_state = ("MT19937", data["rng_key"].copy(), int(data["rng_pos"]),
                                 int(data["rng_has_gauss"]), float(data["rng_cached_gaussian"]))
        return True

    def save(self) -> None:
        import io

        from myokine_sim.io import write_bytes_atomic

        buffer = io.BytesIO()
        _name, key, pos, has_gauss, cached = self.random_state
        np.savez(buffer, fingerprint=np.array(self.fingerprint), chain=np.array(self.chain),
                 log_prob=np.array(self.log_prob), accepted=self.accepted, rng_key=np.asarray(key),
                 rng_pos=np.array(pos), rng_has_gauss=np.array(has_gauss), rng_cached_gaussian=np.array(cached))
        write_bytes_atomic(self.path, buffer.getvalue())


def run_ensemble(log_posterior: Callable[[np.ndarray], np.ndarray], start: np.ndarray, steps: int, seed: int,
                 checkpoint: EnsembleCheckpoint | None = None, stepped: Callable[[int], None] | None = None,
                 pilot_steps: int = 0, pilot: Callable[[np.ndarray], None] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """emcee's ensemble sampler (stretch move, vectorized): ``steps`` steps from ``start`` ``(walkers, dim)``.

    Resumes from ``checkpoint`` when it holds steps of the same problem. Returns the chain
    ``(steps, walkers, dim)``, its log-posterior ``(steps, walkers)`` and accepted moves per walker.
    """
    import emcee

    walkers, dim = start.shape
    sampler = emcee.EnsembleSampler(walkers, dim, log_posterior, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()  # emcee draws its moves from this state
    chain, log_prob = [], []
    accepted = np.zeros(walkers)
    initial = emcee.State(start)
    if checkpoint is not None and checkpoint.load() and checkpoint.chain:
        chain, log_prob, accepted = checkpoint.chain, checkpoint.log_prob, checkpoint.accepted
        initial = emcee.State(np.array(chain[-1]), log_prob=np.array(log_prob[-1]))
        sampler.random_state = checkpoint.random_state
    if stepped is not None:
        stepped(len(chain))
    for state in sampler.sample(initial, iterations=max(steps - len(chain), 0), store=False):
        chain.append(np.array(state.coords))
        log_prob.append(np.array(state.log_prob))
        accepted = accepted + (np.abs(np.array(chain[-1]) - (np.array(chain[-2]) if len(chain) > 1 else start))
                               .sum(axis=1) > 0)
        if checkpoint is not None:
            checkpoint.chain, checkpoint.log_prob, checkpoint.accepted = chain, log_prob, accepted
            checkpoint.random_state = sampler.random_state
            checkpoint.save()
        if stepped is not None:
            stepped(len(chain))
        if pilot is not None and len(chain) == pilot_steps:
            pilot(np.array(chain))
    return np.array(chain), np.array(log_prob), accepted


# ---------------------------------------------------------------------- the whole analysis


@dataclass
class PosteriorOutcome:
    sampled: tuple[str, ...]
    fixed: tuple[str, ...]
    mode: np.ndarray  # log values of the sampled parameters at the posterior mode
    covariance: np.ndarray
    draws: np.ndarray  # log values, (draws, sampled)
    values: dict[str, float]  # every parameter: the fitted set with the sampled ones at the mode
    information: dict[str, float]  # Fisher information (log scale) of every fitted parameter at the fit
    slices: dict[str, dict]  # fixed parameter -> {"log_factor": [...], "delta_log_likelihood": [...]}
    check: dict  # the emcee run: parameters, diagnostics, quantiles, Laplace quantiles
    check_chain: np.ndarray
    noise: dict
    targets: list[str]
    log_likelihood_at_fit: float
    log_likelihood_at_mode: float
    settings: PosteriorSettings
    timings_s: dict


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def run_posterior(problem_all: PosteriorProblem, settings: PosteriorSettings, log: Callable[[str], None],
                  checkpoint_path: Path | None = None,
                  stepped: Callable[[int, int], None] | None = None) -> PosteriorOutcome:
    """Screen, find the mode, approximate, slice the fixed parameters and check with emcee (module docstring)."""
    from scipy.optimize import least_squares

    timings = {}
    started = time.perf_counter()
    names_all = problem_all.names
    x_fit = problem_all.x_fit
    log(f"screening {len(names_all)} fitted parameters against {len(problem_all.targets)} targets "
        f"({len(problem_all.runs)} scenarios): one batch of {len(names_all) + 1}")
    r_fit, j_all = problem_all.jacobian(x_fit)
    information = np.sum(j_all * j_all, axis=0)
    taken = screen(names_all, j_all, x_fit, problem_all.lower, problem_all.upper, settings.max_sampled)
    sampled = tuple(names_all[k] for k in taken)
    fixed = tuple(n for n in names_all if n not in sampled)
    timings["screen"] = time.perf_counter() - started
    log(f"sampled ({len(sampled)}): {', '.join(sampled)}")

    # Mode of the posterior over the sampled parameters, the others held at the fitted set.
    t0 = time.perf_counter()
    problem = problem_all.with_names(sampled)
    solution = least_squares(lambda x: np.nan_to_num(problem.standardized_residuals(x)[0], nan=1e3),
                             problem.x_fit, jac=lambda x: problem.jacobian(x)[1],
                             bounds=(problem.lower, problem.upper), method="trf", max_nfev=settings.mode_evaluations,
                             x_scale=1.0)
    mode = solution.x
    values = dict(problem_all.values)
    values.update({n: float(np.exp(v)) for n, v in zip(sampled, mode)})
    r_mode, j_mode = problem.jacobian(mode)
    covariance = laplace_covariance(j_mode)
    timings["mode"] = time.perf_counter() - t0
    log(f"log-likelihood: {-0.5 * float(r_fit @ r_fit):.2f} at the fit, {-0.5 * float(r_mode @ r_mode):.2f} "
        f"at the mode ({solution.nfev} evaluations)")
    draws = draw_truncated_normal(mode, covariance, settings.draws, problem.lower, problem.upper, settings.seed)

    # Likelihood slices of the fixed parameters: every grid point of every one in one batch.
    t0 = time.perf_counter()
    slices = likelihood_slices(problem_all.with_names(fixed, values), -0.5 * float(r_mode @ r_mode))
    timings["slices"] = time.perf_counter() - t0
    log(f"likelihood slices of {len(fixed)} fixed parameters ({timings['slices']:.0f} s)")

    # emcee check on the best-informed sampled parameters, restricted to the targets they move.
    t0 = time.perf_counter()
    order = np.argsort(-information[taken])[: settings.check_size]
    block = [int(k) for k in order]
    check_names = tuple(sampled[k] for k in block)
    # Targets moving less than MOVED_SD per log unit change the log-likelihood by < 0.01 over the posterior's width.
    moved = np.any(np.abs(j_mode[:, block]) > MOVED_SD, axis=1)
    check_problem = problem.with_names(check_names, values, [t for t, m in zip(problem.targets, moved) if m])
    conditional = laplace_covariance(j_mode[:, block])
    rng = np.random.default_rng(settings.seed + 1)
    start = rng.multivariate_normal(mode[block], conditional, size=settings.walkers)
    start = np.clip(start, check_problem.lower + 1e-6, check_problem.upper - 1e-6)
    log(f"emcee check: {len(check_names)} parameters ({', '.join(check_names)}), {settings.walkers} walkers, "
        f"{settings.steps} steps, {moved.sum()} targets in {len(check_problem.runs)} scenarios")
    check_started = time.perf_counter()

    def pilot(chain: np.ndarray) -> None:
        tau = integrated_time(chain)
        per_step = (time.perf_counter() - check_started) / len(chain)
        if np.isnan(tau).all():
            log(f"pilot after {len(chain)} steps: no walker has moved yet ({per_step:.0f} s a step); "
                f"running {settings.steps} steps")
            return
        slowest = float(np.nanmax(tau))
        log(f"pilot after {len(chain)} steps: autocorrelation time about {slowest:.0f} steps "
            f"({per_step:.0f} s a step): 50 tau would take {50 * slowest * per_step / 60:.0f} min; "
            f"running {settings.steps} steps")

    checkpoint = None
    if checkpoint_path is not None:
        # Steps and draws are left out: a longer run of the same chain resumes it.
        same_chain = {k: v for k, v in settings.as_dict().items() if k not in ("steps", "draws", "pilot_steps")}
        checkpoint = EnsembleCheckpoint(checkpoint_path, fingerprint(
            check_names, mode[block].round(8).tolist(), same_chain, sorted(values.items())))
    chain, _log_prob, accepted = run_ensemble(
        check_problem.log_posterior, start, settings.steps, settings.seed, checkpoint,
        stepped=(lambda done: stepped(done, settings.steps)) if stepped else None,
        pilot_steps=settings.pilot_steps, pilot=pilot)
    diagnostics = chain_diagnostics(chain, accepted, settings.burn_fraction)
    kept = chain[diagnostics["burn_in_steps"]:].reshape(-1, len(check_names))
    laplace_check = draw_truncated_normal(mode[block], conditional, settings.draws, check_problem.lower,
                                          check_problem.upper, settings.seed + 2)
    check = {
        "parameters": list(check_names),
        "targets": [t.id for t in check_problem.targets],
        "diagnostics": diagnostics,
        "emcee_quantiles": quantile_table(check_names, kept),
        "laplace_quantiles": quantile_table(check_names, laplace_check),
        "runtime_s": round(time.perf_counter() - t0, 1),
    }
    timings["check"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    return PosteriorOutcome(
        sampled=sampled, fixed=fixed, mode=mode, covariance=covariance, draws=draws, values=values,
        information=dict(zip(names_all, information.tolist())), slices=slices, check=check, check_chain=chain,
        noise={t.id: problem.noise[t.id].as_dict() for t in problem.targets}, targets=[t.id for t in problem.targets],
        log_likelihood_at_fit=-0.5 * float(r_fit @ r_fit), log_likelihood_at_mode=-0.5 * float(r_mode @ r_mode),
        settings=settings, timings_s={k: round(v, 1) for k, v in timings.items()},
    )


def likelihood_slices(problem: PosteriorProblem, reference: float) -> dict[str, dict]:
    """Log-likelihood along each parameter alone (others held), relative to ``reference``, in one batch."""
    offsets = np.linspace(-SLICE_HALF_WIDTH, SLICE_HALF_WIDTH, SLICE_POINTS)
    x0 = problem.x_fit
    rows = []
    for k in range(len(problem.names)):
        for offset in offsets:
            x = x0.copy()
            x[k] = np.clip(x0[k] + offset, problem.lower[k], problem.upper[k])
            rows.append(x)
    rows = np.array(rows)
    loglik = problem.log_likelihood(rows).reshape(len(problem.names), SLICE_POINTS)
    result = {}
    for k, name in enumerate(problem.names):
        factors = rows[k * SLICE_POINTS:(k + 1) * SLICE_POINTS, k] - x0[k]
        result[name] = {"log_factor": [round(float(f), 4) for f in factors],
                        "delta_log_likelihood": [round(float(v - reference), 3) for v in loglik[k]]}
    return result
