"""What ``myokine fit`` and ``myokine validate`` do; the CLI only parses and prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.io import output_directory, write_bytes_atomic, write_json_atomic, write_text_atomic

#: What ``myokine fit`` writes into its output folder.
FITTED_SET_FILE = "fitted.toml"
FIT_REPORT_FILE = "report.txt"
FIT_MANIFEST_FILE = "manifest.json"
DEFAULT_FIT_DIRECTORY = Path("out") / "fit"


def check_fit_output(out: Path | None, write_default: bool) -> Path:
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
            raise InputError("--write-default", None, "only in a source checkout (the shipped parameter sets of an "
                                                      "installed package are read-only); use --out")
        check_output_path(default_parameter_set_path(), "--write-default", folder=False)
    return directory


def fit_command(out: Path | None, max_evaluations: int, write_default: bool = False) -> list[str]:
    """Fit, write the parameter set, its report and manifest into ``out``, and return the summary lines."""
    from myokine_sim.calibration.fit import (
        DEFAULT_SET_HEADER,
        FITTED_SET_HEADER,
        FitSettings,
        default_parameter_set_path,
        run_fit,
        summary_lines,
        write_parameter_set,
    )
    from myokine_sim.io import manifest
    from myokine_sim.model import build_model
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal

    if max_evaluations < 1:
        raise InputError("--max-evaluations", None, f"must be at least 1, got {max_evaluations}")
    directory = check_fit_output(out, write_default)
    if stderr_is_terminal():  # a bar with an ETA (at most max_evaluations); logs and pipes get the plain lines
        bar = ProgressBar("fit", "evaluations")
        bar.start(max_evaluations)
        try:
            result = run_fit(FitSettings(max_evaluations=max_evaluations), progress=bar.log, evaluated=bar.update)
        finally:
            bar.close()
    else:
        result = run_fit(FitSettings(max_evaluations=max_evaluations))
    lines = summary_lines(result)
    fitted = directory / FITTED_SET_FILE
    with output_directory(directory):
        write_parameter_set(result, fitted, FITTED_SET_HEADER.format(path=fitted))
        write_text_atomic(directory / FIT_REPORT_FILE, "\n".join(lines) + "\n")
        document = manifest(kind="fit", scenario={}, parameters=dict(zip(result.names, map(float, result.values))),
                            units=build_model().units, solver={}, extra={"fit": result.settings.as_dict()},
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
                     output_format: str = "table") -> ValidateOutcome:
    """Check every target; write validation.json and the figures (and the report if asked)."""
    from myokine_sim.calibration.report import report_markdown
    from myokine_sim.calibration.validate import study_figures, summary_line, table_rows, validate
    from myokine_sim.parameters import resolve_parameter_set
    from myokine_sim.sweeps.progress import ProgressBar, stderr_is_terminal
    from myokine_sim.tables import check_table_format, render

    check_table_format(output_format)
    try:
        resolve_parameter_set(parameter_set)  # a bad name is an input error before any work
    except InputError as error:
        raise InputError("--parameter-set", None, str(error)) from None
    if stderr_is_terminal():
        bar = ProgressBar("validate", "scenarios")
        try:
            validation = validate(parameter_set, simulated=bar.advance_to)
        finally:
            bar.close()
    else:  # a log or a pipe: no bar
        validation = validate(parameter_set)
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
