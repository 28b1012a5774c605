"""What ``myokine list`` and ``myokine params`` print; the CLI only parses and echoes."""

from __future__ import annotations

from myokine_sim.errors import InputError
from myokine_sim.tables import check_table_format, render, text_table


def list_text(width: int | None = None) -> str:
    """The shipped scenarios with their descriptions, then the parameter sets, aligned within ``width``."""
    import tomllib

    from myokine_sim.paths import shipped_parameter_sets, shipped_scenarios

    scenarios = [(name, tomllib.loads(path.read_text(encoding="utf-8")).get("description", ""))
                 for name, path in shipped_scenarios().items()]
    sets = [(name,) for name in shipped_parameter_sets()]
    return "\n".join(["Scenarios:", _indented(text_table(None, scenarios, _narrower(width))),
                      "Parameter sets:", _indented(text_table(None, sets, _narrower(width)))])


def params_text(parameter_set: str, output_format: str = "table", width: int | None = None) -> str:
    """Every model parameter: name, value, unit, bounds and source, as a table, CSV or JSON."""
    from myokine_sim.model import build_model
    from myokine_sim.parameters import load_parameter_set

    check_table_format(output_format)
    model = build_model()
    try:
        values = load_parameter_set(parameter_set, model)
    except InputError as error:
        raise InputError("--parameter-set", None, str(error)) from None
    header = ("name", "value", "unit", "lower", "upper", "source")
    records = [{"name": p.name, "value": float(values.get(p.name, p.value)), "unit": p.unit, "lower": p.lower,
                "upper": p.upper, "source": p.source} for p in model.parameters]
    if output_format == "table":
        header = ("name", "value", "unit", "bounds", "source")
        rows = [(r["name"], f"{r['value']:.4g}", r["unit"], f"{r['lower']:g} - {r['upper']:g}", r["source"])
                for r in records]
    else:
        rows = [(r["name"], repr(r["value"]), r["unit"], r["lower"], r["upper"], r["source"]) for r in records]
    return render(output_format, header, rows, records, width)


def _narrower(width: int | None) -> int | None:
    from myokine_sim.tables import terminal_width

    return (width or terminal_width()) - 2  # room for the indent


def _indented(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
