"""What ``myokine sensitivity`` does once typer has parsed its options."""

from __future__ import annotations

from pathlib import Path

from myokine_sim.errors import InputError

METHODS = ("local", "morris", "sobol")
#: The API names its arguments; on the command line they are options.
OPTIONS = {"metric": "--metric", "method": "--method", "params": "--params", "samples": "--samples",
           "seed": "--seed", "workers": "--workers", "scheduler": "--scheduler", "factor": "--factor",
           "out": "--out"}
#: Parameters listed after the run.
SHOWN = 5


def run_command(scenario: str, metric: str, method: str, params: list[str], samples: int | None, seed: int,
                workers: int, scheduler: str | None, factor: float | None, out: Path | None) -> list[str]:
    """Run the analysis and write ``out`` (default: ``out/<scenario name>-<method>-<metric>/``); returns the lines."""
    from myokine_sim.sensitivity import local, morris, sobol, write_outputs
    from myokine_sim.sensitivity.screen import screened_parameters

    if method not in METHODS:
        raise InputError("--method", method, f"unknown method; allowed: {', '.join(METHODS)}")
    names = params or None
    # Unset options keep the API's defaults (e.g. 10 Morris trajectories, 256 Sobol' samples).
    options = {} if factor is None else {"factor": factor}
    if samples is not None:
        options["trajectories" if method == "morris" else "samples"] = samples
    try:
        if out is None:
            out = default_output(scenario, method, metric)
        if method == "local":
            for option, given in (("--samples", samples is not None), ("--factor", factor is not None),
                                  ("--workers", workers != 1), ("--scheduler", scheduler is not None)):
                if given:
                    raise InputError(option, None, "applies to --method morris and sobol; local runs one batch "
                                                   "in this process")
            result = local(scenario, metric, names)
        else:
            screening = None
            if names is None:  # every parameter would spread the samples too thin: screen first
                check_global_options(method, samples)  # bad input stops before the screen's runs
                names, screening = screened_parameters(scenario, metric)
            analysis = morris if method == "morris" else sobol
            result = analysis(scenario, metric, names, seed=seed, workers=workers, scheduler=scheduler, **options)
            if screening:
                result.notes.insert(0, screening)
    except InputError as error:
        raise InputError(OPTIONS.get(error.source, error.source), error.field, error.problem) from None
    files = write_outputs(result, out)
    lines = [f"wrote {out}/ ({', '.join(sorted(p.name for p in files))})"]
    lines += [note if note.startswith("warning:") else f"note: {note}" for note in result.notes]
    lines.append(f"{result.method} sensitivity of {result.metric.name} in {result.scenario.name}: {result.runs} runs, "
                 f"{result.elapsed_s:.1f} s; most important:")
    lines += [f"  {_describe(result.method, row)}" for row in result.ranked()[:SHOWN]]
    return lines


def _describe(method: str, row: dict) -> str:
    name = f"{row['parameter']:<44}"
    if method == "local":
        return f"{name} coefficient {row['coefficient']:+.3f} +/- {row['error']:.1g}"
    if method == "morris":
        return f"{name} mu* {row['mu_star']:.4g} +/- {row['mu_star_conf']:.2g}  sigma {row['sigma']:.4g}"
    return f"{name} S1 {row['S1']:.3f} +/- {row['S1_conf']:.3f}  ST {row['ST']:.3f} +/- {row['ST_conf']:.3f}"


def default_output(scenario: str, method: str, metric: str) -> Path:
    """``out/<scenario name>-<method>-<metric>/``, checked before any work."""
    from myokine_sim.io import check_output_path
    from myokine_sim.model import build_model
    from myokine_sim.runner import default_directory
    from myokine_sim.scenario import load_scenario
    from myokine_sim.sensitivity.metric import parse_metric

    parse_metric(metric, build_model())  # a bad metric is reported as such, not as a bad folder name
    return check_output_path(default_directory(load_scenario(scenario), f"-{method}-{metric}"), "--out", folder=True)


def check_global_options(method: str, samples: int | None) -> None:
    """What Morris or Sobol' would refuse at once: a missing SALib, too few samples."""
    from myokine_sim.sensitivity.design import salib
    from myokine_sim.sensitivity.morris import check_trajectories
    from myokine_sim.sensitivity.sobol import check_samples

    salib("sample.morris" if method == "morris" else "sample.sobol", method)
    if samples is not None:
        (check_trajectories if method == "morris" else check_samples)(samples)
