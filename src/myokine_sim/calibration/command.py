"""What ``myokine fit`` and ``myokine validate`` do; the CLI only parses and prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from myokine_sim.errors import InputError
from myokine_sim.io import output_directory, write_bytes_atomic, write_json_atomic, write_text_atomic

#: What ``myokine fit`` writes into its output folder.
FITTED_SET_FILE = "fitted.toml"
FIT_REPORT_FILE = "report.txt"
FIT_MANIFEST_FILE = "manifest.json"
DEFAULT_FIT_DIRECTORY = Path("out") / "fit"
# How far (relative) a start set may differ from the code default of a parameter held with --hold.
HELD_START_TOLERANCE = 1e-3


def check_fit_output(out: Path | None, write_default: bool, option: str = "--update-default") -> Path:
    """The folder ``myokine fit`` writes, checked before the (long) fit; with ``write_default`` also the shipped set."""
    from myokine_sim.calibration.fit import default_parameter_set_path
    from myokine_sim.io import check_output_path
    from myokine_sim.paths import models_are_packaged

    directory = Path(out) if out is not None else DEFAULT_FIT_DIRECTORY
    if directory.suffix == ".toml":  # the pre-folder spelling: say where the file goes now
        raise InputError("--out", str(directory), f"is a folder; the fit writes {FITTED_SET_FILE}, "
                                                  f"{FIT_REPORT_FILE} and {FIT_MANIFEST_FILE} into it")
    check_output_path(directory, "--out", folder=True)
    if write_default:
        if models_are_packaged():  # an installed package: the shipped set is not ours to edit
            raise InputError(option, None, "only in a source checkout (the shipped parameter sets of an "
                                           "installed package are read-only); use --out")
        check_output_path(default_parameter_set_path(), option, folder=False)
    return directory


def fit_start(start_set: str) -> dict[str, float]:
    """The fitted parameters' values in parameter set ``start_set`` (``myokine fit --parameter-set``), refusing a
    set that changes parameters the fit does not fit."""
    from myokine_sim.calibration.fit import FITTED_PARAMETERS
    from myokine_sim.model import build_model
    from myokine_sim.parameters import load_parameter_set

    model = build_model()
    try:
        values = load_parameter_set(start_set, model)
    except InputError as error:
        raise InputError("--parameter-set", None, str(error)) from None
    # The fit moves only the fitted parameters: a set that changes another one would not be what it fits.
    unfitted = sorted(name for name, value in values.items()
                      if name not in FITTED_PARAMETERS and value != model.parameter(name).value)
    if unfitted:
        raise InputError("--parameter-set", start_set, f"sets parameters the fit does not fit ({', '.join(unfitted)}); "
                         "allowed: values of the fitted parameters only (as in a `myokine fit` result)")
    return {name: values[name] for name in FITTED_PARAMETERS if name in values}


def free_parameters(held: Sequence[str]) -> tuple[str, ...]:
    """The fitted parameters less those ``held`` names: a compartment (every parameter under it) or one name."""
    from myokine_sim.calibration.fit import FITTED_PARAMETERS

    compartments = sorted({name.split(".")[0] for name in FITTED_PARAMETERS})
    held_names: set[str] = set()
    for entry in held:
        matching = {name for name in FITTED_PARAMETERS if name == entry or name.startswith(entry + ".")}
        if not matching:
            compartment = entry.split(".")[0]
            allowed = [name for name in FITTED_PARAMETERS if name.startswith(compartment + ".")]
            hint = (f"{compartment}'s fitted parameters are {', '.join(allowed)}" if allowed
                    else f"the compartments are {', '.join(compartments)}")
            raise InputError("--hold", None, f"{entry!r} is neither a compartment with fitted parameters nor a "
                             f"fitted parameter; {hint}")
        held_names |= matching
    names = tuple(name for name in FITTED_PARAMETERS if name not in held_names)
    if not names:
        raise InputError("--hold", None, "holds every fitted parameter: leave at least one free")
    return names


def fit_command(out: Path | None, max_evaluations: int, write_default: bool = False,
                option: str = "--update-default", step_width: float | None = None,
                start_set: str | None = None, held: Sequence[str] = ()) -> list[str]:
    """Fit, write the parameter set, its report and manifest into ``out``, and return the summary lines.

    ``step_width`` widens the pass-boundary step of the loss; ``start_set`` (a parameter set name or path)
    starts the fit from its values rather than the code defaults; ``held`` names compartments or parameters
    kept at their code defaults."""
    from myokine_sim.calibration.fit import (
        DEFAULT_SET_HEADER,
        FITTED_SET_HEADER,
        FitSettings,
        default_parameter_set_path,
        held_parameters,
        run_fit,
        summary_lines,
        write_parameter_set,
    )
    from myokine_sim.io import manifest
    from myokine_sim.model import build_model
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal

    if max_evaluations < 1:
        raise InputError("--max-evaluations", None, f"must be at least 1, got {max_evaluations}")
    settings = FitSettings(max_evaluations=max_evaluations)
    if step_width is not None:
        if not (math.isfinite(step_width) and 0.0 < step_width <= 1.0):
            raise InputError("--step-width", None, "must be a number in (0, 1], in tolerance units (the usual step "
                             f"rises over {settings.step_width}), got {step_width}")
        settings = replace(settings, step_width=step_width)
    if start_set is not None and write_default:
        raise InputError("--parameter-set", None, f"{option} refits from the code defaults, so that the shipped "
                         "set can be reproduced; fit to --out instead, and copy the values into the modules")
    if held and write_default:
        raise InputError("--hold", None, f"{option} refits every fitted parameter from the code defaults, so that "
                         "the shipped set can be reproduced; fit to --out instead")
    names = free_parameters(held)
    start = None if start_set is None else fit_start(start_set)
    model = build_model()
    # Within 0.1%: the shipped set differs from the code defaults (its values rounded) only in the 4th digit.
    moved = sorted(name for name, value in (start or {}).items()
                   if name not in names and not math.isclose(value, model.parameter(name).value,
                                                             rel_tol=HELD_START_TOLERANCE))
    if moved:
        raise InputError("--hold", None, f"holds parameters at their code defaults, but {start_set} changes "
                         f"{', '.join(moved)}: hold only parameters the set leaves alone")
    directory = check_fit_output(out, write_default, option)
    if stderr_is_terminal():  # a bar with an ETA (at most max_evaluations); logs and pipes get the plain lines
        bar = ProgressBar("fit", "evaluations")
        bar.start(max_evaluations)
        try:
            result = run_fit(settings, names=names, progress=bar.log, start=start, evaluated=bar.update)
        finally:
            bar.close()
    else:
        result = run_fit(settings, names=names, start=start)
    lines = summary_lines(result)
    held_names = held_parameters(result.names)
    if held_names:
        lines.append(f"held at their code defaults ({len(held_names)}): " + ", ".join(held_names))
    fitted = directory / FITTED_SET_FILE
    with output_directory(directory):
        write_parameter_set(result, fitted, FITTED_SET_HEADER.format(path=fitted))
        write_text_atomic(directory / FIT_REPORT_FILE, "\n".join(lines) + "\n")
        document = manifest(kind="fit", scenario={}, parameters=dict(zip(result.names, map(float, result.values))),
                            units=model.units, solver={}, extra={"fit": {**result.settings.as_dict(),
                                                                         "held": held_names}},
                            files=[fitted, directory / FIT_REPORT_FILE])
        write_json_atomic(directory / FIT_MANIFEST_FILE, document)
    lines += ["", f"wrote {directory}/ ({FITTED_SET_FILE}, {FIT_REPORT_FILE}, {FIT_MANIFEST_FILE})",
              f"use it with: myokine run SCENARIO --parameter-set {fitted}  (or myokine validate --parameter-set "
              f"{fitted})"]
    if write_default:
        write_parameter_set(result, default_parameter_set_path(), DEFAULT_SET_HEADER)
        lines.append(f"wrote {default_parameter_set_path()} (the shipped default parameter set)")
    return lines


@dataclass
class ValidateOutcome:
    table: str  # the targets as a terminal table, CSV or JSON (stdout)
    lines: list[str]  # summary and files written (stdout after a table, stderr after CSV or JSON)
    failing: list[str]


def validate_command(out: Path, report: Path | None, parameter_set: str,
                     output_format: str = "table", uncertainty: int = 0, seed: int = 0) -> ValidateOutcome:
    """Check every target; write validation.json and the figures (and the report if asked)."""
    from myokine_sim.calibration.report import report_markdown
    from myokine_sim.calibration.validate import study_figures, summary_line, table_rows, validate
    from myokine_sim.parameters import resolve_parameter_set
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal
    from myokine_sim.tables import check_table_format, render

    check_table_format(output_format)
    if uncertainty:
        from myokine_sim.prediction_bands import check_draws

        check_draws(uncertainty)
        if parameter_set != "default":
            raise InputError("--uncertainty", None, "the shipped posterior belongs to the default parameter set; "
                                                    f"--parameter-set is {parameter_set!r}")
    try:
        resolve_parameter_set(parameter_set)  # a bad name is an input error before any work
    except InputError as error:
        raise InputError("--parameter-set", None, str(error)) from None
    if stderr_is_terminal():
        bar = ProgressBar("validate", "scenarios")
        try:
            validation = validate(parameter_set, simulated=bar.advance_to, uncertainty=uncertainty, seed=seed)
        finally:
            bar.close()
    else:  # a log or a pipe: no bar
        validation = validate(parameter_set, uncertainty=uncertainty, seed=seed)
    figures = study_figures(validation)
    out = Path(out)
    with output_directory(out):
        write_json_atomic(out / "validation.json", [row.as_dict() for row in validation.rows])
        for name, png in figures.items():
            write_bytes_atomic(out / "figures" / name, png)
    rows = table_rows(validation)
    table = render(output_format, rows[0], rows[1:], [row.as_dict() for row in validation.rows])
    lines = ["", summary_line(validation), f"wrote {out}/validation.json and {len(figures)} figures in {out}/figures/"]
    if report is not None:
        report = Path(report)
        figure_dir = report.parent / "figures" / "validation"
        for name, png in figures.items():
            write_bytes_atomic(figure_dir / name, png)
        write_text_atomic(report, report_markdown(validation, figure_dir.relative_to(report.parent), parameter_set))
        lines.append(f"wrote {report} and its figures in {figure_dir}/")
    failing = [f"{row.target.id} ({row.target.study}: {row.target.quantity}): simulated "
               f"{row.simulated:.4g}, needs {row.target.criterion()}" for row in validation.failing]
    return ValidateOutcome(table, lines if output_format == "table" else lines[1:], failing)


# ---------------------------------------------------------------------- posterior

DEFAULT_POSTERIOR_DIRECTORY = Path("out") / "posterior"
CHECKPOINT_FILE = "emcee_check.npz"


def posterior_command(out: Path | None, report: Path | None, update_default: bool, settings,
                      parameter_set: str = "default") -> list[str]:
    """Sample the posterior; write the sample, its provenance, figures and manifest into ``out``.

    The emcee check chain is checkpointed in ``out`` after every step: rerunning the same command resumes it.
    ``report`` also writes the Markdown section (and its figures in ``figures/posterior/`` beside it);
    ``update_default`` also replaces the shipped ``models/posterior/default.npz`` and ``.json``.
    """
    import hashlib

    from myokine_sim.calibration.fit import FITTED_PARAMETERS
    from myokine_sim.calibration.likelihood import PosteriorProblem, load_noise, parameter_set_values
    from myokine_sim.calibration.posterior import run_posterior
    from myokine_sim.calibration.posterior_files import (
        PROVENANCE_FILE,
        SAMPLE_FILE,
        provenance_document,
        sample_bytes,
        shipped_posterior_path,
    )
    from myokine_sim.calibration.posterior_report import pairs_figure, report_markdown, slices_figure
    from myokine_sim.calibration.targets import load_targets
    from myokine_sim.io import check_output_path, manifest
    from myokine_sim.model import build_model
    from myokine_sim.parameters import resolve_parameter_set
    from myokine_sim.paths import models_are_packaged
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal

    directory = Path(out) if out is not None else DEFAULT_POSTERIOR_DIRECTORY
    check_output_path(directory, "--out", folder=True)
    if report is not None:
        check_output_path(report, "--report", folder=False)
    if update_default:
        if models_are_packaged():
            raise InputError("--update-default", None, "only in a source checkout (the shipped files of an "
                                                       "installed package are read-only); use --out")
        check_output_path(shipped_posterior_path(), "--update-default", folder=False)
    try:
        resolve_parameter_set(parameter_set)
    except InputError as error:
        raise InputError("--parameter-set", None, str(error)) from None
    for name, value, low in (("--draws", settings.draws, 100), ("--walkers", settings.walkers, 8),
                             ("--steps", settings.steps, 10), ("--check-size", settings.check_size, 1)):
        if value < low:
            raise InputError(name, None, f"must be at least {low}, got {value}")
    if settings.walkers < 2 * settings.check_size:
        raise InputError("--walkers", None, f"must be at least twice --check-size ({2 * settings.check_size})")

    model = build_model()
    targets = load_targets()
    problem = PosteriorProblem(FITTED_PARAMETERS, parameter_set_values(parameter_set, model), targets,
                               load_noise(targets), settings.output_step_min, settings.rtol, model)
    directory.mkdir(parents=True, exist_ok=True)  # kept on interruption: it holds the resumable chain
    bar = ProgressBar("posterior", "emcee steps") if stderr_is_terminal() else None
    log = bar.log if bar is not None else (lambda line: print(line, file=__import__("sys").stderr, flush=True))
    try:
        outcome = run_posterior(problem, settings, log, directory / CHECKPOINT_FILE,
                                stepped=(lambda done, total: bar.advance_to(done, total)) if bar else None)
    finally:
        if bar is not None:
            bar.close()

    sample = sample_bytes(outcome.sampled, outcome.draws, outcome.values)
    provenance = provenance_document(outcome, parameter_set, hashlib.sha256(sample).hexdigest())
    figures = {"pairs.png": pairs_figure(provenance, np.exp(outcome.draws)), "slices.png": slices_figure(provenance)}
    write_bytes_atomic(directory / SAMPLE_FILE, sample)
    write_json_atomic(directory / PROVENANCE_FILE, provenance)
    for name, png in figures.items():
        write_bytes_atomic(directory / "figures" / name, png)
    write_text_atomic(directory / "report.md", report_markdown(provenance, model.units, "figures"))
    written = [directory / SAMPLE_FILE, directory / PROVENANCE_FILE, directory / "report.md"]
    write_json_atomic(directory / "manifest.json", manifest(
        kind="posterior", scenario={}, parameters=outcome.values, units=model.units, solver={"rtol": settings.rtol},
        seed=settings.seed, extra={"posterior": settings.as_dict(), "parameter_set": parameter_set},
        files=written))
    check = outcome.check["diagnostics"]
    lines = [f"sampled {len(outcome.sampled)} parameters, fixed {len(outcome.fixed)}; {len(outcome.draws)} draws "
             f"({outcome.timings_s['total'] / 60:.1f} min)",
             f"emcee check ({', '.join(outcome.check['parameters'])}): acceptance {check['acceptance_fraction']:.2f}, "
             f"autocorrelation time {max(check['autocorrelation_time_steps']):.1f} steps, effective samples "
             f"{min(check['effective_sample_size']):.0f}-{max(check['effective_sample_size']):.0f}",
             f"wrote {directory}/ ({SAMPLE_FILE}, {PROVENANCE_FILE}, report.md, figures/, manifest.json)"]
    if report is not None:
        report = Path(report)
        # A section in generated/ is included into a page one folder up (docs/validation.md): figures go beside that.
        page_folder = report.parent.parent if report.parent.name == "generated" else report.parent
        figure_dir = page_folder / "figures" / "posterior"
        for name, png in figures.items():
            write_bytes_atomic(figure_dir / name, png)
        write_text_atomic(report, report_markdown(provenance, model.units, "figures/posterior"))
        lines.append(f"wrote {report} and its figures in {figure_dir}/")
    if update_default:
        shipped = shipped_posterior_path()
        write_bytes_atomic(shipped, sample)
        write_json_atomic(shipped.with_suffix(".json"), provenance)
        lines.append(f"wrote {shipped} and {shipped.with_suffix('.json').name} (the shipped posterior sample)")
    return lines


# ---------------------------------------------------------------------- fit --data

DATA_FIT_FILES = ("fitted.toml", "residuals.tsv", "figure.png", "report.txt", "manifest.json")


def data_fit_command(data: Path, names: list[str], out: Path | None, max_evaluations: int, posterior: bool,
                     steps: int, walkers: int, seed: int, parameter_set: str = "default") -> list[str]:
    """Fit ``names`` to a measurement table; write the parameter set, residuals, figure, report and manifest.

    Every input is checked before the fit and nothing is written until it has finished.
    """
    import hashlib
    import io

    import tomli_w

    from myokine_sim.calibration.datafit import (
        DEFAULT_DATA_PARAMETERS,
        DataProblem,
        fit_data,
        fit_figure,
        residuals_tsv,
        summary_lines,
    )
    from myokine_sim.calibration.petab import read_measurements
    from myokine_sim.io import check_output_path, manifest
    from myokine_sim.model import build_model
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal

    directory = Path(out) if out is not None else DEFAULT_FIT_DIRECTORY
    check_output_path(directory, "--out", folder=True)
    if max_evaluations < 1:
        raise InputError("--max-evaluations", None, f"must be at least 1, got {max_evaluations}")
    if posterior and steps < 10:
        raise InputError("--steps", None, f"must be at least 10, got {steps}")
    chosen = tuple(dict.fromkeys(names)) or DEFAULT_DATA_PARAMETERS
    table = read_measurements(data)
    model = build_model()
    problem = DataProblem(table, chosen, parameter_set, model)
    bar = ProgressBar("fit --posterior", "emcee steps") if posterior and stderr_is_terminal() else None
    log = bar.log if bar is not None else (lambda line: print(line, file=__import__("sys").stderr, flush=True))
    try:
        result = fit_data(problem, max_evaluations, posterior, walkers, steps, seed, log,
                          stepped=(lambda done, total: bar.advance_to(done, total)) if bar else None)
    finally:
        if bar is not None:
            bar.close()
    lines = summary_lines(result, model)
    document = {
        "values": {n: float(v) for n, v in zip(result.names, result.values)},
        "provenance": {
            "command": "myokine fit --data", "data": str(data),
            "data_sha256": hashlib.sha256(Path(data).read_bytes()).hexdigest(),
            "parameter_set": parameter_set, "status": result.status, "cost": result.cost,
            "evaluations": result.evaluations, "runtime_s": round(result.runtime_s, 1),
            "start_values": {n: float(v) for n, v in zip(result.names, result.start)},
            "interval_90": {n: v for n, v in result.intervals.items()},
            "interval_method": "emcee posterior quantiles" if result.posterior else "Laplace at the fit",
            **({"emcee": {k: v for k, v in result.posterior["diagnostics"].items()
                          if k != "acceptance_fraction_per_walker"}} if result.posterior else {}),
        },
    }
    if parameter_set != "default":  # the fitted set carries the set it started from, so it runs alone
        from myokine_sim.parameters import load_parameter_set

        document["values"] = {**load_parameter_set(parameter_set, model), **document["values"]}
    header = (f"# Parameter set written by `myokine fit --data {data}`. Use it with `myokine run SCENARIO "
              f"--parameter-set {directory / 'fitted.toml'}`.\n\n")
    files = {
        "fitted.toml": (header + tomli_w.dumps(document)).encode(),
        "residuals.tsv": residuals_tsv(problem, result, model.units).encode(),
        "figure.png": fit_figure(problem, result),
        "report.txt": ("\n".join(lines) + "\n").encode(),
    }
    if result.posterior:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, names=np.array(result.names), draws=result.posterior["draws"])
        files["posterior.npz"] = buffer.getvalue()
    with output_directory(directory):
        for name, content in files.items():
            write_bytes_atomic(directory / name, content)
        write_json_atomic(directory / "manifest.json", manifest(
            kind="fit-data", scenario={c: s.name for c, s in table.conditions.items()},
            parameters={n: float(v) for n, v in zip(result.names, result.values)}, units=model.units, solver={},
            seed=seed if posterior else None,
            extra={"fit": {"data": str(data), "parameters": list(chosen), "max_evaluations": max_evaluations,
                           "posterior": posterior, "steps": steps, "walkers": walkers}},
            files=[directory / name for name in files]))
    lines += ["", f"wrote {directory}/ ({', '.join([*files, 'manifest.json'])})",
              f"use it with: myokine run SCENARIO --parameter-set {directory / 'fitted.toml'}"]
    return lines
