"""What ``myokine fit`` and ``myokine validate`` do; the CLI only parses and prints."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from myokine_sim.io import output_directory, write_bytes_atomic, write_json_atomic, write_text_atomic


def fit_command(out: Path | None, max_evaluations: int) -> list[str]:
    """Fit, write the parameter set, and return the summary lines."""
    from myokine_sim.calibration.fit import (
        FitSettings,
        default_parameter_set_path,
        run_fit,
        summary_lines,
        write_parameter_set,
    )

    if max_evaluations < 1:
        from myokine_sim.errors import InputError

        raise InputError("--max-evaluations", None, f"must be at least 1, got {max_evaluations}")
    result = run_fit(FitSettings(max_evaluations=max_evaluations))
    path = Path(out) if out is not None else default_parameter_set_path()
    write_parameter_set(result, path)
    return [*summary_lines(result), f"wrote {path}"]


@dataclass
class ValidateOutcome:
    lines: list[str]
    failing: list[str]


def validate_command(out: Path, report: Path | None, parameter_set: str) -> ValidateOutcome:
    """Check every target; write validation.json and the figures (and the report if asked)."""
    from myokine_sim.calibration.report import report_markdown
    from myokine_sim.calibration.validate import study_figures, summary_line, text_table, validate
    from myokine_sim.parameters import resolve_parameter_set

    resolve_parameter_set(parameter_set)  # a bad name is an input error before any work
    print(f"simulating the targets' scenarios with parameter set {parameter_set!r} ...", file=sys.stderr, flush=True)
    validation = validate(parameter_set)
    figures = study_figures(validation)
    out = Path(out)
    with output_directory(out):
        write_json_atomic(out / "validation.json", [row.as_dict() for row in validation.rows])
        for name, png in figures.items():
            write_bytes_atomic(out / "figures" / name, png)
    lines = [text_table(validation), "", summary_line(validation), (f"wrote {out}/validation.json and {len(figures)} "
             f"figures in {out}/figures/")]
    if report is not None:
        report = Path(report)
        figure_dir = report.parent / "figures" / "validation"
        for name, png in figures.items():
            write_bytes_atomic(figure_dir / name, png)
        write_text_atomic(report, report_markdown(validation, figure_dir.relative_to(report.parent), parameter_set))
        lines.append(f"wrote {report} and its figures in {figure_dir}/")
    failing = [f"{row.target.id} ({row.target.study}: {row.target.quantity}): simulated "
               f"{row.simulated:.4g}, needs {row.target.criterion()}" for row in validation.failing]
    return ValidateOutcome(lines, failing)
