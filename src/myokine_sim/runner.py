"""``myokine run``: simulate a scenario and write its four output files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.io import manifest, staged_directory, write_bytes_atomic, write_json_atomic
from myokine_sim.results import Result
from myokine_sim.scenario import Scenario

OUTPUT_FILES = ("timeseries.csv", "summary.json", "figure.png", "manifest.json")
#: Stem of the timeseries file; its suffix follows the output format (csv, parquet, nc).
TIMESERIES_STEM = "timeseries"
FIGURE_STEM = "figure"


def output_files(output_format: str = "csv", figure_formats: tuple[str, ...] = ("png",)) -> tuple[str, ...]:
    """The files of a run: the timeseries in ``output_format``, summary, one figure per format, manifest."""
    from myokine_sim.formats import file_name

    figures = tuple(f"{FIGURE_STEM}.{figure_format}" for figure_format in figure_formats)
    return (file_name(TIMESERIES_STEM, output_format), OUTPUT_FILES[1], *figures, OUTPUT_FILES[-1])


@dataclass
class RunOutput:
    result: Result
    directory: Path
    files: list[Path]


def run_scenario(
    scenario: Scenario, out_dir: Path | None = None, source: str | None = None, render_figures=None,
    output_format: str = "csv", panels: tuple[str, ...] | None = None, figure_formats: tuple[str, ...] = ("png",),
    uncertainty: int = 0, seed: int = 0,
) -> RunOutput:
    """Simulate ``scenario`` and write the timeseries, summary.json, the figure and manifest.json.

    ``output_format`` is ``csv`` (timeseries.csv), ``parquet`` (timeseries.parquet)
    or ``netcdf`` (timeseries.nc); the last two need ``myokine_sim[data]``.
    The files are written into a hidden sibling folder that replaces the output
    folder as a whole at the end, so the folder always holds one complete run;
    if anything fails, nothing is left behind.
    The figure is the full page, or a slide of ``panels`` (``figures.PANEL_NAMES``), written as
    figure.png, .svg and/or .pdf (``figure_formats``).
    ``render_figures(result, panels, formats, title)`` draws it as {format: bytes} (default: in this process).
    ``uncertainty`` > 0 also simulates that many draws of the shipped posterior (``seed`` picks them) as one
    batch: band columns ``<column>_p05/_p50/_p95``, intervals in summary.json, a shaded band in the figure.
    """
    from myokine_sim.figure_worker import render_in_process
    from myokine_sim.formats import check_format, encode_result
    from myokine_sim.model import build_model
    from myokine_sim.simulation import simulate

    check_format(output_format)  # a bad format or a missing extra stops before the solve
    directory = Path(out_dir) if out_dir is not None else default_directory(scenario)
    # The folder is checked and staged before the solve: a bad --out fails at once, not after the work.
    with staged_directory(directory, "--out") as staging:
        result = simulate(scenario)
        if uncertainty:
            from myokine_sim.prediction_bands import with_bands

            result = with_bands(result, scenario, uncertainty, seed)
        timeseries = encode_result(result, output_format)
        summary = result.summary()
        if uncertainty:
            summary["uncertainty"] = result.metadata["uncertainty"]
        figures = (render_figures or render_in_process)(result, panels, figure_formats,
                                                        scenario.description or None)
        staged = [staging / name for name in output_files(output_format, figure_formats)]
        write_bytes_atomic(staged[0], timeseries)
        write_json_atomic(staged[1], summary)
        for path, figure_format in zip(staged[2:-1], figure_formats):
            write_bytes_atomic(path, figures[figure_format])
        document = manifest(
            kind="run",
            scenario={"source": source, **scenario.model_dump(mode="json"), "t_end_min": scenario.t_end_min},
            parameters=result.parameters,
            units=build_model().units,
            solver={**result.metadata["solver"], "method_used": result.metadata["solver_method"],
                    "rhs_evaluations": result.metadata["rhs_evaluations"]},
            extra={"breakpoints_min": result.metadata["breakpoints_min"], "output_format": output_format,
                   "figure": {"panels": list(panels) if panels else "full page", "formats": list(figure_formats)},
                   **({"uncertainty": {k: v for k, v in result.metadata["uncertainty"].items() if k != "headline"}}
                      if uncertainty else {})},
            files=staged[:-1],
            seed=seed if uncertainty else None,
        )
        write_json_atomic(staged[-1], document)
    paths = [directory / name for name in output_files(output_format, figure_formats)]
    return RunOutput(result=result, directory=directory, files=paths)


def default_directory(scenario: Scenario, suffix: str = "") -> Path:
    """``out/<name><suffix>``; the name must be one plain path component (validated on load, checked again here).

    ``run`` writes ``out/<name>``; ``sweep`` and ``sensitivity`` add a suffix so they never share its folder.
    """
    name = scenario.name
    if not name or name in (".", "..") or Path(name).name != name or "\0" in name or name.startswith("."):
        raise InputError("scenario", "name", f"{name!r} cannot name an output folder; give --out, or a name of "
                                             "letters, digits, '_', '-' and '.'")
    return Path("out") / f"{name}{suffix}"


def headline(result: Result) -> list[str]:
    """The three-line summary ``myokine run`` prints (``summary.json``'s ``headline``)."""
    lines = result.headline()
    il6, glycogen = lines["plasma_il6_pg_ml"], lines["muscle_glycogen_mmol_kg_dw"]
    fold = f"{il6['fold_peak']:.1f}x" if il6["fold_peak"] is not None else "n/a"
    # Only running works the rest of the muscle harder than the biopsied thigh; then both stores are named.
    working = f"{float(result['working_muscle_glycogen_mmol_kg_dw'].min()):.0f}"
    stores = f", thigh; {working} in all working muscle" if working != f"{glycogen['min']:.0f}" else ""
    return [
        f"peak plasma IL-6:  {il6['peak']:.1f} pg/mL at {il6['time_of_peak_min']:.0f} min ({il6['window']})",
        f"fold change:       {fold} over the resting {il6['baseline']:.2f} pg/mL",
        f"glycogen nadir:    {glycogen['min']:.0f} mmol/kg dw at {glycogen['time_of_min_min']:.0f} min "
        f"(from {glycogen['baseline']:.0f}{stores})",
    ]
