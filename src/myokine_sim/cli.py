"""The ``myokine`` command line. It parses arguments and delegates; nothing else.

Heavy imports happen inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from typer.core import TyperGroup

try:  # typer 0.2x ships its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

from myokine_sim import __version__

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class OneLineUsageErrors(TyperGroup):
    """A usage error (``--samples abc``, an unknown option) is one ``error:`` line with exit 2, like bad input."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exceptions.NoArgsIsHelpError as error:
            error.show()  # bare ``myokine``: the help text is the answer
            sys.exit(EXIT_BAD_INPUT)
        except click_exceptions.UsageError as error:
            command = error.ctx.command_path if error.ctx else "myokine"
            try:
                message = _usage_message(error)
            except Exception:  # noqa: BLE001 - never a traceback for a usage error
                message = " ".join(error.format_message().split())
            typer.echo(f"error: {message} (see `{command} --help`)", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click_exceptions.ClickException as error:
            typer.echo(f"error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:  # typer 0.2x keeps Abort out of its copy of click's exceptions
            typer.echo("error: aborted", err=True)
            sys.exit(EXIT_FAILURE)
        # Without standalone mode typer returns the code of an Exit (``--help`` is 0) or the command's None.
        sys.exit(code if isinstance(code, int) else 0)


def _usage_message(error) -> str:
    """``--OPTION: problem`` like every other bad input, from click's usage error; one line."""
    param = getattr(error, "param", None)
    if param is None:
        name = None
    elif param.param_type_name == "option" and param.opts:
        name = param.opts[0]
    else:  # an argument: its metavar, as the usage line shows it
        name = getattr(param, "metavar", None) or str(param.name).upper()
    if isinstance(error, click_exceptions.MissingParameter) and name:
        problem = f"required {param.param_type_name}, not given"
    elif isinstance(error, click_exceptions.BadParameter) and name:
        problem = error.message
    elif isinstance(error, click_exceptions.NoSuchOption):
        name = error.option_name
        close = f"; did you mean {', '.join(error.possibilities)}?" if error.possibilities else ""
        problem = f"no such option{close}"
    elif isinstance(error, click_exceptions.BadOptionUsage):
        name, problem = error.option_name, error.message.replace(f"Option '{error.option_name}' ", "")
    else:
        name, problem = None, error.format_message()
    problem = " ".join(str(problem).split()).rstrip(".")  # click may wrap a suggestion onto a second line
    return f"{name}: {problem}" if name else problem


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"myokine_sim {__version__}")
        raise typer.Exit(0)


app = typer.Typer(
    name="myokine",
    cls=OneLineUsageErrors,
    help="Simulate exercise-induced muscle IL-6 and its effects (time in minutes).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # No Rich markup: help text is printed as written, so [default: ...] and myokine_sim[dask] keep their brackets.
    rich_markup_mode=None,
)


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version of myokine_sim and exit."),
) -> None:
    """Simulate exercise-induced muscle IL-6 and its effects (time in minutes)."""


SCENARIO_HELP = "Shipped scenario name (see `myokine list`) or path to a .toml file."
FORMAT_HELP = "Table file format: csv, parquet or netcdf (parquet and netcdf need myokine_sim[data])."
#: Exit codes after Ctrl-C (SIGINT) and SIGTERM, as a shell reports a signal: 128 + its number.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def _check_out(path, option: str = "--out", folder: bool = True) -> None:
    from myokine_sim.io import check_output_path

    check_output_path(path, option, folder=folder)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _guarded(action):
    """Run ``action``; map bad input to exit 2 and other failures to exit 1, without tracebacks."""
    from myokine_sim.errors import InputError, MyokineError, Terminated
    from myokine_sim.io import PATH_ERRNOS

    try:
        return action()
    except InputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except MyokineError as error:
        _fail(str(error), EXIT_FAILURE)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except Terminated:
        _fail("terminated", EXIT_TERMINATED)
    except BrokenPipeError:  # the reader went away (``myokine list | head``): nothing left to say
        sys.stderr.close()
        raise typer.Exit(0) from None
    except OSError as error:
        # A path that cannot be used is bad input; a full disk or an I/O error is a failure.
        code = EXIT_BAD_INPUT if error.errno in PATH_ERRNOS and error.filename else EXIT_FAILURE
        _fail(f"{error.filename or '(no file named)'}: {error.strerror or error}", code)
    except Exception as error:  # noqa: BLE001 - the contract asks for no tracebacks
        if os.environ.get("MYOKINE_DEBUG"):
            raise
        _fail(f"{type(error).__name__}: {error} (set MYOKINE_DEBUG=1 for a traceback)", EXIT_FAILURE)


@app.command()
def run(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder [default: out/<scenario name>/]."),
    set_: list[str] | None = typer.Option(
        None, "--set", help="Override a value: dotted.name=value (a model parameter or subject.<field>). Repeatable."
    ),
    output_format: str = typer.Option("csv", "--format", help=FORMAT_HELP),
    panels: str | None = typer.Option(
        None, "--panels", help="A slide (1600x900, large type) of these panels instead of the full page, comma "
                               "separated: schedule, il6, release, gene, glycogen, glucose, blood_glucose, "
                               "cytokines, tnf, lipolysis, ffa, fat. E.g. --panels il6,blood_glucose."
    ),
    figure_formats: list[str] | None = typer.Option(
        None, "--figure-format", help="Figure file format: png, svg or pdf; repeatable or a comma list "
                                      "(--figure-format png,svg); png when not given."
    ),
    parameter_set: str | None = typer.Option(
        None, "--parameter-set", "-p", help="Parameter set name or .toml path (e.g. a `myokine fit` result) "
                                            "[default: the scenario's simulation.parameter_set, else default]."),
    uncertainty: int = typer.Option(0, "--uncertainty", help="Also simulate N draws of the shipped posterior as "
                                    "one batch: columns <column>_p05, _p50, _p95, intervals in summary.json and "
                                    "a 90% band in the figure (default parameter set only)."),
    seed: int = typer.Option(0, "--seed", help="Which posterior draws --uncertainty takes."),
) -> None:
    """Simulate SCENARIO; write timeseries.csv (or .parquet, .nc), summary.json, figure.png and manifest.json."""

    def action():
        from myokine_sim.figure_worker import FigureWorker
        from myokine_sim.figures import parse_figure_formats, parse_panels
        from myokine_sim.formats import check_format
        from myokine_sim.prediction_bands import headline_with_intervals
        from myokine_sim.runner import run_scenario
        from myokine_sim.scenario import load_scenario, resolve_scenario, with_parameter_set, with_settings

        check_format(output_format, "--format")  # bad input stops before the figure worker starts
        if uncertainty:
            from myokine_sim.prediction_bands import check_draws

            check_draws(uncertainty)
        chosen_panels = parse_panels(panels) if panels is not None else None
        formats = parse_figure_formats(figure_formats or ["png"])
        loaded = load_scenario(scenario)
        if parameter_set is not None:
            loaded = with_parameter_set(loaded, parameter_set)
        if set_:
            loaded = with_settings(loaded, set_)
        worker = FigureWorker()  # draws the figure in parallel with the solve
        try:
            output = run_scenario(loaded, out, source=str(resolve_scenario(scenario)), render_figures=worker.render,
                                  output_format=output_format, panels=chosen_panels, figure_formats=formats,
                                  uncertainty=uncertainty, seed=seed)
        finally:
            worker.close()
        typer.echo(f"wrote {output.directory}/ ({', '.join(p.name for p in output.files)})")
        for line in headline_with_intervals(output.result):
            typer.echo(line)

    _guarded(action)


TABLE_FORMAT_HELP = "table (fitted to the terminal's width), csv or json."


@app.command()
def evidence(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    limit: int = typer.Option(5, "--limit", help="How many of the nearest calibration studies to list."),
    output_format: str = typer.Option("table", "--format", help=TABLE_FORMAT_HELP),
) -> None:
    """List the calibration studies nearest to SCENARIO's protocol and their known failures, and say whether it
    lies within the calibrated range (distance rules: docs/scenarios.md; the failures: docs/validation.md)."""

    def action():
        from myokine_sim.calibration.evidence import evidence_text
        from myokine_sim.scenario import load_scenario

        typer.echo(evidence_text(load_scenario(scenario), limit, output_format))

    _guarded(action)


@app.command("list")
def list_() -> None:
    """List the shipped scenarios and parameter sets."""

    def action():
        from myokine_sim.listing import list_text

        typer.echo(list_text())

    _guarded(action)


@app.command()
def params(
    parameter_set: str = typer.Option("default", "--parameter-set", "-p", help="Parameter set to show."),
    output_format: str = typer.Option("table", "--format", help=TABLE_FORMAT_HELP),
) -> None:
    """Print every model parameter: name, value, unit, bounds and source."""

    def action():
        from myokine_sim.listing import params_text

        typer.echo(params_text(parameter_set, output_format))

    _guarded(action)


def _export_scenario(scenario: str, out: Path | None, set_: list[str] | None, suffix: str):
    """The scenario an export command writes and its file (default ``out/<name><suffix>``), checked first."""
    from myokine_sim.runner import default_directory
    from myokine_sim.scenario import load_scenario, with_settings

    if out is not None:
        _check_out(out, folder=False)
    loaded = load_scenario(scenario)
    if out is None:
        out = default_directory(loaded, suffix)
        _check_out(out, folder=False)
    return (with_settings(loaded, set_) if set_ else loaded), out


@app.command("export-sbml")
def export_sbml(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="SBML file to write "
                                                                 "[default: out/<scenario name>.xml]."),
    set_: list[str] | None = typer.Option(
        None, "--set", help="Override a value: dotted.name=value (a model parameter or subject.<field>). Repeatable."
    ),
) -> None:
    """Write the model with SCENARIO's schedule as SBML Level 3 Version 2 (needs myokine_sim[sbml])."""

    def action():
        from myokine_sim.sbml import write_sbml

        loaded, path = _export_scenario(scenario, out, set_, ".xml")
        typer.echo(f"wrote {write_sbml(loaded, path)} (SBML L3V2, scenario {loaded.name})")

    _guarded(action)


@app.command("export-omex")
def export_omex(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="COMBINE archive to write "
                                                                 "[default: out/<scenario name>.omex]."),
    set_: list[str] | None = typer.Option(
        None, "--set", help="Override a value: dotted.name=value (a model parameter or subject.<field>). Repeatable."
    ),
) -> None:
    """Write SCENARIO as a COMBINE archive: SBML model, SED-ML time course, manifest (needs myokine_sim[sbml])."""

    def action():
        from myokine_sim.omex import write_omex

        loaded, path = _export_scenario(scenario, out, set_, ".omex")
        typer.echo(f"wrote {write_omex(loaded, path)} (COMBINE archive: SBML L3V2 + SED-ML L1V3, scenario "
                   f"{loaded.name})")

    _guarded(action)


@app.command("export-petab")
def export_petab(
    directory: Path = typer.Argument(..., metavar="DIR", help="New or empty folder to write the PEtab problem to."),
    parameter_set: str = typer.Option("default", "--parameter-set", "-p",
                                      help="Parameter set giving the nominal values (name or .toml path)."),
) -> None:
    """Write the calibration problem as PEtab v1: SBML model, conditions, observables, measurements, parameters
    (needs myokine_sim[sbml]). Targets PEtab v1 cannot state are listed in DIR/README.md."""

    def action():
        from myokine_sim.petab_export import PROBLEM_FILE, write_problem

        problem = write_problem(directory, parameter_set)
        typer.echo(f"wrote {directory / PROBLEM_FILE} (PEtab v1)")
        for line in problem.summary_lines():
            typer.echo(line)

    _guarded(action)


@app.command()
def sweep(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    vary: list[str] | None = typer.Option(
        None, "--vary", help="NAME=LO:HI[:N]: a model parameter, subject.<field> or e.g. exercise.0.duration_min, "
                             "with N grid points. Repeatable."
    ),
    method: str = typer.Option("grid", "--method", help="grid, lhs, sobol, population or posterior (members drawn "
                                                        "from the shipped posterior sample)."),
    samples: int | None = typer.Option(None, "--samples", help="Members (lhs, sobol, population) or grid "
                                                                  "points per name without :N."),
    seed: int = typer.Option(0, "--seed", help="Seed of the sampler: the same seed gives the same members."),
    workers: int = typer.Option(1, "--workers", help="Local worker processes."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://HOST:PORT); "
                                                                      "needs myokine_sim[dask]."),
    trajectories: bool = typer.Option(False, "--trajectories", help="Also write trajectories.npz."),
    cv: list[str] | None = typer.Option(None, "--cv", help="NAME=CV: a population's coefficient of variation "
                                                              "(0 fixes NAME). Repeatable."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder; rerunning the same sweep resumes it "
                                  "[default: out/<scenario name>-sweep-<fingerprint>/, where the fingerprint "
                                  "names the sweep: the same sweep resumes there, another gets its own folder]."),
    output_format: str = typer.Option("csv", "--format", help=FORMAT_HELP),
    layout: str = typer.Option("wide", "--layout", help="wide: one row per member; long: one row per member and "
                                                        "metric (tidy; csv and parquet)."),
) -> None:
    """Sweep SCENARIO over parameters or simulate a virtual population; write sweep.csv, manifest.json, a figure."""

    def action():
        from myokine_sim.sweeps.command import run_command

        for line in run_command(scenario, vary or [], method, samples, seed, workers, scheduler, trajectories,
                                cv or [], out, output_format, layout):
            typer.echo(line)

    _guarded(action)


@app.command()
def sensitivity(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=SCENARIO_HELP),
    metric: str = typer.Option(..., "--metric", help="METRIC.COLUMN, e.g. peak.plasma_il6_pg_ml, "
                                                     "min.muscle_glycogen_mmol_kg_dw or suppression.tnf_alpha_pg_ml."),
    method: str = typer.Option("local", "--method", help="local, morris or sobol."),
    params: list[str] | None = typer.Option(
        None, "--params", help="A model parameter to vary (repeatable). Default: local, every parameter; morris "
                               "and sobol, the parameters a local screen finds: |d ln metric / d ln p| >= 0.05 at "
                               "the scenario's values, at most the 12 largest."),
    samples: int | None = typer.Option(None, "--samples", help="Morris trajectories [10] or Sobol base samples "
                                                                  "[256, a power of 2]."),
    seed: int = typer.Option(0, "--seed", help="Seed of the design and the bootstrap intervals."),
    factor: float | None = typer.Option(None, "--factor", help="Global ranges: each value / F to * F [2]."),
    workers: int = typer.Option(1, "--workers", help="Local worker processes (morris, sobol)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://HOST:PORT); "
                                                                      "needs the dask extra (morris, sobol)."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder [default: out/<scenario name>-<method>-<metric>/]."),
) -> None:
    """Which parameters matter for a metric: write sensitivity.csv, sensitivity.json, manifest.json and a figure."""

    def action():
        from myokine_sim.sensitivity.command import run_command

        if out is not None:
            _check_out(out)
        for line in run_command(scenario, metric, method, params or [], samples, seed, workers, scheduler, factor,
                                out):
            typer.echo(line, err=line.startswith("warning:"))  # warnings on stderr, results on stdout

    _guarded(action)


@app.command()
def fit(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for fitted.toml (the parameter set), report.txt and manifest.json "
                                  "(with --data also residuals.tsv and figure.png) [default: out/fit/]. Use the "
                                  "result with --parameter-set OUT/fitted.toml on run and validate."),
    max_evaluations: int = typer.Option(100, "--max-evaluations", help="Maximum number of residual evaluations."),
    data: Path | None = typer.Option(
        None, "--data", help="Fit to your own measurements: a PEtab-style table (tab-separated; columns "
                             "observableId, simulationConditionId, time, measurement, optional noiseParameters)."),
    fit_parameter: list[str] | None = typer.Option(
        None, "--fit-parameter", help="With --data: a parameter to fit (repeatable) [default: "
                                      "muscle_il6.translation_ng_kg_min_per_fold, plasma_il6.clearance_per_min, "
                                      "muscle_glycogen.use_rate_mmol_kg_min]."),
    posterior: bool = typer.Option(False, "--posterior", help="With --data: sample the posterior (emcee) "
                                                              "instead of a point fit with Laplace intervals."),
    steps: int = typer.Option(300, "--steps", help="With --posterior: emcee steps."),
    walkers: int = typer.Option(16, "--walkers", help="With --posterior: emcee walkers."),
    seed: int = typer.Option(0, "--seed", help="With --posterior: seed of the sampler."),
    parameter_set: str | None = typer.Option(
        None, "--parameter-set", "-p", help="The parameter set (name or .toml path) the fit starts from [default: "
                                            "with --data the default set; otherwise the code defaults]."),
    step_width: float | None = typer.Option(
        None, "--step-width", help="Width of the loss's step at each target's pass boundary, in tolerance units, "
                                   "from above 0 to 1 [default: the usual 0.05]. A wider step (e.g. 0.2) gives a "
                                   "first stage that does not stall; then fit again with --parameter-set "
                                   "OUT/fitted.toml."),
    hold: list[str] | None = typer.Option(
        None, "--hold", help="Without --data: hold a compartment's fitted parameters (e.g. liver) or one parameter "
                             "(e.g. muscle_il6.duration_gain) at their code defaults (repeatable)."),
    update_default: bool = typer.Option(
        False, "--update-default", help="Maintainers: refit to the calibration targets and also replace the shipped "
                                        "models/parameters/default.toml (source checkout only)."),
    write_default: bool = typer.Option(False, "--write-default", hidden=True, help="Old name of --update-default."),
) -> None:
    """Fit the model to the calibration targets, or (--data) chosen parameters to your own measurements."""

    def action():
        from myokine_sim.calibration.command import data_fit_command, fit_command
        from myokine_sim.errors import InputError

        if data is None:
            for option, given in (("--fit-parameter", fit_parameter), ("--posterior", posterior)):
                if given:
                    raise InputError(option, None, "only with --data (a measurement table)")
            return fit_command(out, max_evaluations, update_default or write_default,
                               "--write-default" if write_default and not update_default else "--update-default",
                               step_width, parameter_set, hold or [])
        if update_default or write_default:
            raise InputError("--update-default", None, "refits the shipped set to the calibration targets; it does "
                                                       "not take --data (your fit goes to --out)")
        for option, given in (("--step-width", step_width is not None), ("--hold", hold)):
            if given:
                raise InputError(option, None, "only without --data (a fit to the calibration targets; with --data "
                                               "choose what is fitted with --fit-parameter)")
        return data_fit_command(data, fit_parameter or [], out, max_evaluations, posterior, steps, walkers, seed,
                                parameter_set or "default")

    for line in _guarded(action):
        typer.echo(line)


@app.command()
def posterior(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for posterior.npz (draws), posterior.json (provenance), report.md, "
                                  "figures/ and manifest.json; rerunning resumes the emcee check [default: "
                                  "out/posterior/]."),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the Markdown section here, its figures in figures/posterior/ beside it "
                               "(a file in a generated/ folder: beside the page including it, e.g. "
                               "docs/generated/posterior.inc and docs/figures/posterior/)."),
    update_default: bool = typer.Option(False, "--update-default", help="Maintainers: also replace the shipped "
                                        "models/posterior/default.npz and .json (source checkout only)."),
    parameter_set: str = typer.Option("default", "--parameter-set", "-p", help="Parameter set name or .toml path."),
    draws: int = typer.Option(4000, "--draws", help="Draws of the shipped sample."),
    walkers: int = typer.Option(24, "--walkers", help="emcee walkers of the check."),
    steps: int = typer.Option(600, "--steps", help="emcee steps of the check (two solver batches each)."),
    check_size: int = typer.Option(4, "--check-size", help="Parameters in the emcee check."),
    max_sampled: int = typer.Option(15, "--max-sampled", help="At most this many identified parameters sampled."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws and of the sampler."),
) -> None:
    """Posterior of the fitted parameters: Laplace at the mode over the identified ones, checked with emcee."""

    def action():
        from myokine_sim.calibration.command import posterior_command
        from myokine_sim.calibration.posterior import PosteriorSettings

        settings = PosteriorSettings(max_sampled=max_sampled, draws=draws, check_size=check_size, walkers=walkers,
                                     steps=steps, seed=seed)
        for line in posterior_command(out, report, update_default, settings, parameter_set):
            typer.echo(line)

    _guarded(action)


@app.command()
def validate(
    out: Path = typer.Option(Path("out/validation"), "--out", "-o", help="Folder for validation.json and figures."),
    report: Path | None = typer.Option(
        None, "--report", help="Also write a Markdown report here, with figures in figures/validation/ beside it."
    ),
    parameter_set: str = typer.Option("default", "--parameter-set", "-p", help="Parameter set name or .toml path."),
    output_format: str = typer.Option("table", "--format", help=TABLE_FORMAT_HELP + " With csv or json only the "
                                                                "table goes to stdout; the summary goes to stderr."),
    uncertainty: int = typer.Option(0, "--uncertainty", help="Also draw each study figure's 90% posterior "
                                                             "predictive band from N posterior draws."),
    seed: int = typer.Option(0, "--seed", help="Which posterior draws --uncertainty takes."),
) -> None:
    """Check every calibration target; exit 0 only when every scored target passes."""

    def action():
        from myokine_sim.calibration.command import validate_command

        _check_out(out)
        if report is not None:  # checked now: a bad --report must not leave --out behind after the work
            _check_out(report, "--report", folder=False)
        return validate_command(out, report, parameter_set, output_format, uncertainty, seed)

    outcome = _guarded(action)
    typer.echo(outcome.table)
    for line in outcome.lines:
        typer.echo(line, err=output_format != "table")
    if outcome.failing:
        typer.echo("failing targets:", err=True)
        for line in outcome.failing:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(EXIT_FAILURE)


@app.command()
def crossvalidate(
    out: Path = typer.Option(Path("out/crossvalidation.json"), "--out", "-o",
                             help="JSON file of per-study results; a rerun skips its studies that are still current."),
    study: list[str] | None = typer.Option(None, "--study", help="Only these studies (repeatable) [default: all]."),
    max_evaluations: int = typer.Option(8, "--max-evaluations", help="Residual evaluations of each refit."),
    workers: int = typer.Option(1, "--workers", help="Local worker processes, each refitting one study at a time."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://HOST:PORT); "
                                                                      "needs myokine_sim[dask]."),
) -> None:
    """Leave-one-study-out: refit without each study, predict it (progress on stderr)."""

    def action():
        from myokine_sim.calibration.crossvalidate import crossvalidate, markdown_table
        from myokine_sim.errors import InputError

        if max_evaluations < 1:
            raise InputError("--max-evaluations", None, f"must be at least 1, got {max_evaluations}")
        _check_out(out, folder=False)
        try:
            report = crossvalidate(Path(out), study or None, max_evaluations, workers=workers, scheduler=scheduler)
        except InputError as error:
            # The API names its arguments; on the command line they are options.
            source = {"workers": "--workers", "scheduler": "--scheduler"}
            raise InputError(source.get(error.source, error.source), error.field, error.problem) from None
        for line in markdown_table(report):
            typer.echo(line)

    _guarded(action)


@app.command()
def explore(
    port: int | None = typer.Option(None, "--port", min=1, max=65535,
                                       help="Port on 127.0.0.1 [default: a free port]."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Only print the address; do not open a browser."),
) -> None:
    """Explore scenarios in the browser: move a control, see the curves (needs myokine_sim[explore])."""

    def action():
        from myokine_sim.explore.server import serve

        serve(port, not no_browser, typer.echo)

    _guarded(action)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except SystemExit as stop:
        if stop.code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
            # Stopped: the work is cleaned up; leave now rather than wait on a pool thread at interpreter exit.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(stop.code)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
