"""Results as pandas DataFrames and xarray Datasets, with their units (needs ``myokine_sim[data]``).

pandas: units go in ``frame.attrs["units"]`` (column -> unit string) and
descriptions in ``frame.attrs["long_names"]``. xarray: every variable carries
the CF attributes ``units`` and ``long_name``; a run's dimension is
``time_min``, a sweep's is ``member`` (trajectories add ``time_min``,
population bands ``quantile``).
"""

from __future__ import annotations

import numpy as np

from myokine_sim.extras import require
from myokine_sim.results import METRICS, Result

#: Columns of a long (tidy) sweep table after the member's own columns.
LONG_COLUMNS = ("metric", "column", "value", "unit")
#: The two layouts of a sweep table.
LAYOUTS = ("wide", "long")


def _pandas():
    return require("pandas", "DataFrame output")


def _xarray():
    return require("xarray", "xarray output")


def long_name(name: str) -> str:
    """A readable description of a column (``peak.plasma_il6_pg_ml`` -> ``peak of Plasma IL-6 ...``)."""
    from myokine_sim.model import build_model

    descriptions = build_model().descriptions
    metric, dot, column = name.partition(".")
    if dot and metric in METRICS:
        return f"{metric} of {descriptions.get(column) or column}"
    return descriptions.get(name) or name


def _attrs(units: dict[str, str], names, **extra) -> dict:
    return {"units": {n: units.get(n, "") for n in names}, "long_names": {n: long_name(n) for n in names}, **extra}


# ---------------------------------------------------------------------- runs


def result_to_pandas(result: Result):
    """One row per output time: ``time_min`` and every column, units in ``attrs``."""
    frame = _pandas().DataFrame({name: np.asarray(result[name], dtype=float) for name in result.column_names})
    frame.attrs = _attrs(result.units, result.column_names, scenario=result.scenario_name)
    return frame


def result_from_pandas(frame) -> Result:
    """The ``Result`` of a frame made by ``result_to_pandas`` (or read back from its CSV or Parquet file)."""
    from myokine_sim.errors import InputError

    if "time_min" not in frame.columns:
        raise InputError("frame", "time_min", "the frame has no time_min column")
    units = dict(frame.attrs.get("units", {}))
    missing = [name for name in frame.columns if name not in units]
    if missing:
        raise InputError("frame", "attrs['units']", f"no unit for {', '.join(missing)}")
    columns = {name: frame[name].to_numpy(dtype=float) for name in frame.columns if name != "time_min"}
    return Result(
        scenario_name=frame.attrs.get("scenario", ""),
        time_min=frame["time_min"].to_numpy(dtype=float),
        columns=columns,
        units={name: units[name] for name in frame.columns},
    )


def result_to_xarray(result: Result):
    """A Dataset over ``time_min`` with one variable per column."""
    xr = _xarray()
    time = xr.Variable("time_min", np.asarray(result.time_min, dtype=float),
                       {"units": result.units["time_min"], "long_name": long_name("time_min")})
    data = {name: xr.Variable("time_min", np.asarray(values, dtype=float), _cf(result.units, name))
            for name, values in result.columns.items()}
    return xr.Dataset(data, coords={"time_min": time}, attrs=_dataset_attrs(scenario=result.scenario_name))


def _cf(units: dict[str, str], name: str) -> dict[str, str]:
    attrs = {"long_name": long_name(name)}
    if units.get(name):
        attrs["units"] = units[name]
    return attrs


def _dataset_attrs(**extra) -> dict:
    import myokine_sim

    return {"source": f"myokine_sim {myokine_sim.__version__}", **{k: v for k, v in extra.items() if v is not None}}


# -------------------------------------------------------------------- sweeps


def sweep_to_pandas(table, layout: str = "wide"):
    """``wide``: the sweep.csv columns; ``long``: one row per member and metric (see ``LONG_COLUMNS``)."""
    check_layout(layout)
    pd = _pandas()
    frame = pd.DataFrame(dict(table.columns))
    if layout == "long":
        # Melted before any attrs are set: pandas deep-copies them for every column it melts.
        return _long(frame, table)
    frame.attrs = _attrs(table.units, table.column_names, scenario=table.metadata.get("scenario"))
    return frame


def _long(wide, table):
    """Melt the metric columns: each row holds one member's inputs, status and one metric's value."""
    identifiers = ["member", *table.metadata.get("inputs", []), "status"]
    metrics = [name for name in table.column_names if name not in identifiers]
    long = wide.melt(id_vars=identifiers, value_vars=metrics, var_name="name", value_name="value")
    split = long["name"].str.partition(".")
    long.insert(len(identifiers), "metric", split[0])
    long.insert(len(identifiers) + 1, "column", split[2])
    long["unit"] = long["name"].map(table.units)
    long = long.drop(columns="name")
    # Members together, metrics in table order within each member.
    long = long.sort_values("member", kind="stable", ignore_index=True)
    long.attrs = _attrs(table.units, identifiers, scenario=table.metadata.get("scenario"))
    # ``value`` mixes units, so each row names its own in ``unit``.
    long.attrs["units"].update({"metric": "", "column": "", "value": "", "unit": ""})
    long.attrs["long_names"].update({"metric": "summary statistic", "column": "timeseries column",
                                     "value": "value of the metric, in the row's unit", "unit": "unit of value"})
    return long


def sweep_to_xarray(table):
    """A Dataset over ``member``: the varied inputs as coordinates, every metric and ``status`` as variables.

    Trajectories, when the sweep kept them, are ``(member, time_min)`` variables named by their
    column; population bands are ``band.COLUMN`` over ``(quantile, time_min)``.
    """
    xr = _xarray()
    inputs = table.metadata.get("inputs", [])
    coords = {"member": xr.Variable("member", np.asarray(table["member"]), {"long_name": "member index"})}
    coords.update({name: xr.Variable("member", np.asarray(table[name], dtype=float), _cf(table.units, name))
                   for name in inputs})
    data = {}
    for name in table.column_names:
        if name in coords:
            continue
        values = np.asarray(table[name]).astype(str) if name == "status" else np.asarray(table[name], dtype=float)
        data[name] = xr.Variable("member", values, _cf(table.units, name))
    if table.trajectories or table.bands:
        coords["time_min"] = xr.Variable("time_min", np.asarray(table.time_min, dtype=float),
                                         {"units": "min", "long_name": long_name("time_min")})
    for name, values in table.trajectories.items():
        data[name] = xr.Variable(("member", "time_min"), np.asarray(values, dtype=float), _cf(table.units, name))
    if table.bands:
        quantiles = sorted(next(iter(table.bands.values())))
        coords["quantile"] = xr.Variable("quantile", np.asarray(quantiles, dtype=float),
                                         {"long_name": "quantile over the population"})
        for name, band in table.bands.items():
            stacked = np.stack([np.asarray(band[q], dtype=float) for q in quantiles])
            data[f"band.{name}"] = xr.Variable(("quantile", "time_min"), stacked, _cf(table.units, name))
    return xr.Dataset(data, coords=coords, attrs=_dataset_attrs(
        scenario=table.metadata.get("scenario"), method=table.metadata.get("method"), seed=table.metadata.get("seed")))


def check_layout(layout: str, source: str = "layout") -> str:
    from myokine_sim.errors import InputError

    if layout not in LAYOUTS:
        raise InputError(source, repr(layout), f"unknown table layout; allowed: {', '.join(LAYOUTS)}")
    return layout
