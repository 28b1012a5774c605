"""The ``myokine`` command line. It parses arguments and delegates; nothing else.

Heavy imports happen inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    name="myokine",
    help="Simulate exercise-induced muscle IL-6 and its effects (time in minutes).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _guarded(action):
    """Run ``action``; map bad input to exit 2 and other failures to exit 1, without tracebacks."""
    from myokine_sim.errors import InputError, MyokineError

    try:
        return action()
    except InputError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except MyokineError as error:
        _fail(str(error), EXIT_FAILURE)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:  # the reader went away (``myokine list | head``): nothing left to say
        sys.stderr.close()
        raise typer.Exit(0)
    except OSError as error:
        _fail(f"{error.filename or ''}: {error.strerror or error}", EXIT_FAILURE)
    except Exception as error:  # noqa: BLE001 - the contract asks for no tracebacks
        if os.environ.get("MYOKINE_DEBUG"):
            raise
        _fail(f"{type(error).__name__}: {error} (set MYOKINE_DEBUG=1 for a traceback)", EXIT_FAILURE)


@app.command()
def run(
    scenario: str = typer.Argument(..., help="Shipped scenario name (see `myokine list`) or path to a .toml file."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder [default: out/<scenario name>/]."),
    set_: Optional[List[str]] = typer.Option(
        None, "--set", help="Override a value: dotted.name=value (a model parameter or subject.<field>). Repeatable."
    ),
) -> None:
    """Simulate SCENARIO; write timeseries.csv, summary.json, figure.png and manifest.json."""

    def action():
        from myokine_sim.figure_worker import FigureWorker

        worker = FigureWorker()  # draws the figure in parallel with the solve
        try:
            from myokine_sim.runner import headline, run_scenario
            from myokine_sim.scenario import load_scenario, resolve_scenario, with_settings

            loaded = load_scenario(scenario)
            if set_:
                loaded = with_settings(loaded, set_)
            output = run_scenario(loaded, out, source=str(resolve_scenario(scenario)), render_png=worker.render)
        finally:
            worker.close()
        typer.echo(f"wrote {output.directory}/ ({', '.join(p.name for p in output.files)})")
        for line in headline(output.result):
            typer.echo(line)

    _guarded(action)


@app.command("list")
def list_() -> None:
    """List the shipped scenarios and parameter sets."""

    def action():
        import tomllib

        from myokine_sim.paths import shipped_parameter_sets, shipped_scenarios

        typer.echo("Scenarios:")
        for name, path in shipped_scenarios().items():
            description = tomllib.loads(path.read_text(encoding="utf-8")).get("description", "")
            typer.echo(f"  {name:<36} {description}")
        typer.echo("Parameter sets:")
        for name in shipped_parameter_sets():
            typer.echo(f"  {name}")

    _guarded(action)


@app.command()
def params(
    parameter_set: str = typer.Option("default", "--parameter-set", "-p", help="Parameter set to show."),
) -> None:
    """Print every model parameter: name, value, unit, bounds and source."""

    def action():
        from myokine_sim.model import build_model
        from myokine_sim.parameters import load_parameter_set

        model = build_model()
        values = load_parameter_set(parameter_set, model)
        rows = [("name", "value", "unit", "bounds", "source")]
        for p in model.parameters:
            rows.append((p.name, f"{values.get(p.name, p.value):.4g}", p.unit, f"{p.lower:g} - {p.upper:g}", p.source))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4])

    _guarded(action)


@app.command("export-sbml")
def export_sbml(
    scenario: str = typer.Argument(..., help="Shipped scenario name (see `myokine list`) or path to a .toml file."),
    out: Path = typer.Option(..., "--out", "-o", help="SBML file to write (e.g. model.xml)."),
    set_: Optional[List[str]] = typer.Option(
        None, "--set", help="Override a value: dotted.name=value (a model parameter or subject.<field>). Repeatable."
    ),
) -> None:
    """Write the model with SCENARIO's schedule as SBML Level 3 Version 2 (needs myokine_sim[sbml])."""

    def action():
        from myokine_sim.sbml import write_sbml
        from myokine_sim.scenario import load_scenario, with_settings

        loaded = load_scenario(scenario)
        if set_:
            loaded = with_settings(loaded, set_)
        typer.echo(f"wrote {write_sbml(loaded, out)} (SBML L3V2, scenario {loaded.name})")

    _guarded(action)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
