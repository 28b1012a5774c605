"""The posterior sample on disk: ``posterior.npz`` (draws) and ``posterior.json`` (provenance).

The shipped sample is ``models/posterior/default.npz`` with ``default.json`` beside it, written by
``myokine posterior --update-default``. ``load_posterior`` reads it (or any written sample) and checks
that draws and provenance belong together.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.paths import models_dir

SAMPLE_FILE = "posterior.npz"
PROVENANCE_FILE = "posterior.json"


def shipped_posterior_path() -> Path:
    return models_dir() / "posterior" / "default.npz"


@dataclass(frozen=True)
class PosteriorSample:
    """Draws of the sampled parameters (values, not logs) and the point every other parameter is held at."""

    names: tuple[str, ...]
    draws: np.ndarray  # (n_draws, n_sampled)
    values: dict[str, float]  # every fitted parameter at the posterior mode (the sampled ones too)
    provenance: dict

    def rows(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` draws, chosen without replacement (with replacement beyond the sample's size), reproducibly."""
        rng = np.random.default_rng(seed)
        replace = n > len(self.draws)
        return self.draws[rng.choice(len(self.draws), size=n, replace=replace)]


def sample_bytes(names, log_draws: np.ndarray, values: dict[str, float]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, names=np.array(names), draws=np.exp(log_draws),
                        held_names=np.array(list(values)), held_values=np.array(list(values.values())))
    return buffer.getvalue()


def provenance_document(outcome, parameter_set: str, sample_sha256: str) -> dict:
    """Everything needed to judge and regenerate a posterior sample."""
    from myokine_sim.calibration.posterior import quantile_table
    from myokine_sim.io import package_versions

    settings = outcome.settings
    return {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "myokine posterior",
        "sample_sha256": sample_sha256,
        "parameter_set": parameter_set,
        "method": ("Laplace approximation at the posterior mode over the parameters the data identify "
                   "(greedy Fisher-information screen, Laplace SD < ln 2), truncated to the bounds; the other "
                   "fitted parameters held at their fitted values; checked against emcee on a subset"),
        "likelihood": ("Gaussian in each target's tolerance-scaled misfit, sd from models/targets/uncertainty.toml "
                       "(published SD/SE, else a default per pass rule), times the target's fit_weight"),
        "prior": "uniform in log(parameter) within each parameter's bounds (lower bound 0 -> 1e-4 x upper)",
        "data": {"targets": outcome.targets, "noise": outcome.noise},
        "sampled": list(outcome.sampled),
        "fixed": list(outcome.fixed),
        "mode": {n: float(np.exp(v)) for n, v in zip(outcome.sampled, outcome.mode)},
        "quantiles_5_50_95": quantile_table(outcome.sampled, outcome.draws),
        "sd_log": {n: float(np.sqrt(outcome.covariance[k, k])) for k, n in enumerate(outcome.sampled)},
        "correlation": np.round(_correlation(outcome.covariance), 4).tolist(),
        "fisher_information_log": {k: round(v, 4) for k, v in outcome.information.items()},
        "likelihood_slices": outcome.slices,
        "log_likelihood": {"fit": outcome.log_likelihood_at_fit, "mode": outcome.log_likelihood_at_mode},
        "check": outcome.check,
        "settings": {**settings.as_dict(), "sampler": "emcee.EnsembleSampler (stretch move, vectorize=True)",
                     "draws": len(outcome.draws)},
        "seed": settings.seed,
        "timings_s": outcome.timings_s,
        "versions": {k: v or "not installed" for k, v in package_versions().items()},
    }


def _correlation(covariance: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(covariance))
    return covariance / np.outer(sd, sd)


def load_posterior(path: Path | str | None = None) -> PosteriorSample:
    """A posterior sample (default: the shipped one) and its provenance (the ``.json`` beside the ``.npz``)."""
    import hashlib
    import json

    path = Path(path) if path is not None else shipped_posterior_path()
    if path.is_dir():
        path = path / SAMPLE_FILE
    provenance_path = path.with_suffix(".json")
    if not path.is_file():
        raise InputError(str(path), None, "posterior sample not found; write one with `myokine posterior`")
    if not provenance_path.is_file():
        raise InputError(str(provenance_path), None, "provenance of the posterior sample not found")
    data = path.read_bytes()
    provenance = json.loads(provenance_path.read_text(encoding="utf-8"))
    if provenance.get("sample_sha256") != hashlib.sha256(data).hexdigest():
        raise InputError(str(provenance_path), "sample_sha256", f"does not match {path.name}: the two files "
                                                                "belong to different runs")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        names = tuple(str(n) for n in archive["names"])
        draws = archive["draws"].copy()
        values = dict(zip((str(n) for n in archive["held_names"]), archive["held_values"].tolist()))
    return PosteriorSample(names, draws, values, provenance)
