"""The posterior: measurement uncertainty, screening, the emcee wrapper (resume), the shipped sample."""

import hashlib
import json
import math

import numpy as np
import pytest

from myokine_sim.calibration.fit import FITTED_PARAMETERS
from myokine_sim.calibration.likelihood import load_noise, uncertainty_path
from myokine_sim.calibration.posterior import (
    EnsembleCheckpoint,
    chain_diagnostics,
    draw_truncated_normal,
    run_ensemble,
    screen,
)
from myokine_sim.calibration.posterior_files import load_posterior, shipped_posterior_path
from myokine_sim.calibration.targets import load_targets
from myokine_sim.errors import InputError


def test_every_fitted_target_has_a_positive_uncertainty_and_published_spreads_are_used():
    targets = load_targets()
    noise = load_noise(targets)
    fitted = [t for t in targets if t.simulable and t.fit_weight > 0]
    assert all(noise[t.id].sigma > 0 for t in fitted)
    b04 = next(t for t in targets if t.id == "B04")  # 5.2 +- 0.7 pg/mL, factor rule (tolerance 1.5)
    assert noise["B04"].origin.startswith("published")
    assert noise["B04"].sigma == pytest.approx(math.sqrt(math.log1p((0.7 / 5.2) ** 2)) / math.log(b04.limit))
    # 155 +- 4 is below the floor CV of 10%: raised to it.
    b28 = next(t for t in targets if t.id == "B28")
    assert noise["B28"].sigma == pytest.approx(math.sqrt(math.log1p(0.1**2)) / math.log(b28.limit))
    c01 = next(t for t in targets if t.id == "C01")  # no spread published: the factor rule's default CV 0.30
    assert noise["C01"].origin == "default for factor"
    assert noise["C01"].sigma == pytest.approx(math.sqrt(math.log1p(0.3**2)) / math.log(c01.limit))


def test_an_uncertainty_file_naming_an_unknown_target_is_refused(tmp_path):
    bad = tmp_path / "uncertainty.toml"
    bad.write_text(uncertainty_path().read_text() + '\n[target.Z99]\ncv = 0.2\n')
    with pytest.raises(InputError, match="Z99"):
        load_noise(load_targets(), bad)


def test_screen_takes_identified_columns_and_leaves_duplicates_and_weak_ones():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 40)) * 10.0
    jacobian = np.column_stack([a, b, a, 0.01 * rng.standard_normal(40)])  # column 2 duplicates 0; 3 is weak
    taken = screen(("a", "b", "a2", "weak"), jacobian, np.zeros(4), -np.ones(4), np.ones(4), 10)
    assert sorted(taken)[:2] == [0, 1] or sorted(taken)[:2] == [1, 2]
    assert 3 not in taken and not ({0, 2} <= set(taken))


def test_emcee_on_a_gaussian_recovers_it_and_a_resumed_chain_equals_an_uninterrupted_one(tmp_path):
    mean, sd = np.array([1.0, -2.0]), np.array([0.5, 2.0])

    def log_posterior(x):
        return -0.5 * np.sum(((np.atleast_2d(x) - mean) / sd) ** 2, axis=1)

    start = mean + 0.1 * np.random.default_rng(1).standard_normal((16, 2))
    whole, _lp, accepted = run_ensemble(log_posterior, start, 400, seed=5)
    d = chain_diagnostics(whole, accepted, 0.3)
    kept = whole[d["burn_in_steps"]:].reshape(-1, 2)
    assert np.allclose(kept.mean(axis=0), mean, atol=0.35 * sd)
    assert np.allclose(kept.std(axis=0), sd, rtol=0.3)
    assert 0.2 < d["acceptance_fraction"] < 0.9 and all(t > 1 for t in d["autocorrelation_time_steps"])
    # Stopped after 30 steps, then resumed from the checkpoint to 60: the same chain as 60 in one go.
    first = EnsembleCheckpoint(tmp_path / "chain.npz", "toy")
    run_ensemble(log_posterior, start, 30, seed=5, checkpoint=first)
    resumed, _lp, _acc = run_ensemble(log_posterior, start, 60, seed=5,
                                      checkpoint=EnsembleCheckpoint(tmp_path / "chain.npz", "toy"))
    assert np.array_equal(resumed, whole[:60])
    # A checkpoint of another problem is not resumed.
    other, _lp, _acc = run_ensemble(log_posterior, start, 5, seed=5,
                                    checkpoint=EnsembleCheckpoint(tmp_path / "chain.npz", "another"))
    assert np.array_equal(other, whole[:5])


def test_truncated_normal_draws_stay_in_the_box():
    draws = draw_truncated_normal(np.zeros(2), np.eye(2), 2000, np.array([-0.5, -3]), np.array([3, 0.2]), seed=2)
    assert draws.shape == (2000, 2)
    assert np.all(draws >= [-0.5, -3]) and np.all(draws <= [3, 0.2])


def test_the_shipped_posterior_sample_loads_and_its_provenance_matches():
    sample = load_posterior()
    provenance = sample.provenance
    path = shipped_posterior_path()
    assert provenance["sample_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(sample.names) <= set(FITTED_PARAMETERS) and tuple(provenance["sampled"]) == sample.names
    assert set(provenance["sampled"]) | set(provenance["fixed"]) == set(FITTED_PARAMETERS)
    assert sample.draws.shape == (provenance["settings"]["draws"], len(sample.names)) and len(sample.draws) >= 1000
    assert provenance["seed"] == provenance["settings"]["seed"] and provenance["parameter_set"] == "default"
    from myokine_sim.model import build_model

    model = build_model()
    for k, name in enumerate(sample.names):
        p = model.parameter(name)
        assert np.all(sample.draws[:, k] >= p.lower) and np.all(sample.draws[:, k] <= p.upper * (1 + 1e-12))
        low, mid, high = provenance["quantiles_5_50_95"][name]
        assert np.exp(np.quantile(np.log(sample.draws[:, k]), 0.5)) == pytest.approx(mid, rel=1e-9)
        assert low <= mid <= high
    d = provenance["check"]["diagnostics"]
    assert {"autocorrelation_time_steps", "effective_sample_size", "acceptance_fraction"} <= set(d)


def test_a_sample_whose_provenance_belongs_to_another_run_is_refused(tmp_path):
    shipped = shipped_posterior_path()
    (tmp_path / "posterior.npz").write_bytes(shipped.read_bytes() + b"\0")
    (tmp_path / "posterior.json").write_text(shipped.with_suffix(".json").read_text())
    with pytest.raises(InputError, match="sample_sha256"):
        load_posterior(tmp_path)
    json.loads(shipped.with_suffix(".json").read_text())


def _outcome():
    """A small made-up analysis result, to exercise the files, report and figures without sampling."""
    from myokine_sim.calibration.posterior import PosteriorOutcome, PosteriorSettings

    rng = np.random.default_rng(3)
    sampled = FITTED_PARAMETERS[:3]
    fixed = FITTED_PARAMETERS[3:6]
    from myokine_sim.model import build_model

    model = build_model()
    mode = np.log([model.parameter(n).value for n in sampled])
    covariance = np.array([[0.01, 0.008, 0], [0.008, 0.01, 0], [0, 0, 0.04]])
    draws = draw_truncated_normal(mode, covariance, 1000, mode - 1, mode + 1, seed=1)
    diagnostics = chain_diagnostics(rng.standard_normal((60, 8, 2)), np.full(8, 20.0), 0.3)
    slices = {n: {"log_factor": [-1.386, 0.0, 1.386], "delta_log_likelihood": [-5.0, 0.0, -0.5]} for n in fixed}
    return PosteriorOutcome(
        sampled=sampled, fixed=fixed, mode=mode, covariance=covariance, draws=draws,
        values={n: model.parameter(n).value for n in sampled + fixed},
        information={n: 100.0 for n in sampled + fixed}, slices=slices,
        check={"parameters": list(sampled[:2]), "targets": ["C01"], "diagnostics": diagnostics,
               "emcee_quantiles": {n: [1, 2, 3] for n in sampled[:2]},
               "laplace_quantiles": {n: [1, 2, 3] for n in sampled[:2]}, "runtime_s": 60.0},
        check_chain=np.zeros((1, 1, 1)), noise={}, targets=["C01"], log_likelihood_at_fit=-10.0,
        log_likelihood_at_mode=-9.0, settings=PosteriorSettings(draws=1000), timings_s={"total": 120.0})


def test_written_sample_and_provenance_load_back_and_the_report_names_every_parameter(tmp_path):
    from myokine_sim.calibration.posterior_files import provenance_document, sample_bytes
    from myokine_sim.calibration.posterior_report import pairs_figure, report_markdown, slices_figure

    outcome = _outcome()
    sample = sample_bytes(outcome.sampled, outcome.draws, outcome.values)
    provenance = provenance_document(outcome, "default", hashlib.sha256(sample).hexdigest())
    (tmp_path / "posterior.npz").write_bytes(sample)
    (tmp_path / "posterior.json").write_text(json.dumps(provenance))
    loaded = load_posterior(tmp_path)
    assert loaded.names == outcome.sampled
    np.testing.assert_allclose(loaded.draws, np.exp(outcome.draws))
    assert provenance["correlation"][0][1] == pytest.approx(0.8)
    text = report_markdown(provenance, {}, "figures/posterior")
    assert all(f"`{name}`" in text for name in outcome.sampled + outcome.fixed)
    assert "figures/posterior/pairs.png" in text and "90% interval" in text
    for png in (pairs_figure(provenance, loaded.draws), slices_figure(provenance)):
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "option"), [(["--walkers", "4"], "--walkers"), (["--steps", "3"], "--steps"),
                                              (["--draws", "10"], "--draws"),
                                              (["--parameter-set", "no_such_set"], "--parameter-set")])
def test_posterior_refuses_bad_settings_before_any_work(tmp_path, args, option):
    from typer.testing import CliRunner

    from myokine_sim.cli import app

    out = tmp_path / "posterior"
    result = CliRunner().invoke(app, ["posterior", "--out", str(out), *args])
    assert result.exit_code == 2 and result.output.startswith(f"error: {option}"), result.output
    assert not out.exists()


def test_autocorrelation_time_ignores_a_walker_that_never_moved():
    """A walker rejecting every proposal has zero variance; emcee's normalised autocorrelation would divide by it."""
    from myokine_sim.calibration.posterior import integrated_time

    rng = np.random.default_rng(3)
    chain = rng.normal(size=(200, 8, 2))
    chain[:, 0, :] = 0.25  # stuck walker
    tau = integrated_time(chain)
    assert np.all(np.isfinite(tau)) and np.all(tau < 3.0)
    assert np.isnan(integrated_time(np.zeros((50, 4, 1))))[0]
