"""Table file formats of ``myokine run`` and ``myokine sweep``: CSV, Parquet and NetCDF.

Each encoder returns the file's bytes, so the caller writes them atomically.
Parquet keeps every column's unit in its field metadata (``unit``) and all of
them in the schema metadata (key ``myokine_sim``, JSON with ``units`` and
``long_names``); NetCDF keeps them as CF variable attributes.
"""

from __future__ import annotations

import json
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.extras import require, require_all

#: Format name -> file suffix.
SUFFIXES = {"csv": ".csv", "parquet": ".parquet", "netcdf": ".nc"}
FORMATS = tuple(SUFFIXES)
#: What each format needs beyond the core dependencies.
NEEDS = {"csv": (), "parquet": ("pandas", "pyarrow"), "netcdf": ("xarray", "h5netcdf", "h5py")}
#: Schema metadata key of the units in a Parquet file.
PARQUET_KEY = b"myokine_sim"
#: netCDF-4 via h5netcdf (HDF5), readable by xarray, netCDF4-python, ncdump and Panoply.
NETCDF_ENGINE = "h5netcdf"


def check_format(name: str, source: str = "output_format") -> str:
    """``name`` if it is a known format whose libraries are installed; else a clear error."""
    if name not in SUFFIXES:
        raise InputError(source, repr(name), f"unknown output format; allowed: {', '.join(FORMATS)}")
    require_all(NEEDS[name], f"{name} output")
    return name


def file_name(stem: str, output_format: str) -> str:
    return stem + SUFFIXES[output_format]


def frame_to_parquet(frame) -> bytes:
    """Parquet bytes of a DataFrame whose ``attrs`` hold ``units`` (and ``long_names``)."""
    pa = require("pyarrow", "Parquet output")
    parquet = require("pyarrow.parquet", "Parquet output")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    units = frame.attrs.get("units", {})
    long_names = frame.attrs.get("long_names", {})
    fields = [field.with_metadata({b"unit": units.get(field.name, "").encode(),
                                   b"long_name": long_names.get(field.name, field.name).encode()})
              for field in table.schema]
    document = {"units": units, "long_names": long_names,
                **{k: v for k, v in frame.attrs.items() if k not in ("units", "long_names")}}
    metadata = {**(table.schema.metadata or {}), PARQUET_KEY: json.dumps(document).encode()}
    table = table.cast(pa.schema(fields, metadata=metadata))
    sink = pa.BufferOutputStream()
    parquet.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def read_parquet(path: str | Path):
    """A DataFrame from a Parquet file written here, with its ``attrs`` (units, long names) restored."""
    parquet = require("pyarrow.parquet", "reading Parquet")
    table = parquet.read_table(path)
    frame = table.to_pandas()
    document = (table.schema.metadata or {}).get(PARQUET_KEY)
    frame.attrs = json.loads(document) if document else {}
    return frame


def dataset_to_netcdf(dataset) -> bytes:
    """netCDF-4 bytes of an xarray Dataset."""
    require_all(NEEDS["netcdf"], "NetCDF output")
    return bytes(dataset.to_netcdf(engine=NETCDF_ENGINE))


def frame_to_csv(frame) -> bytes:
    """CSV as elsewhere in the package: 8 significant digits, missing values empty."""
    return frame.to_csv(index=False, float_format="%.8g", na_rep="", lineterminator="\n").encode("utf-8")


def encode_result(result, output_format: str) -> bytes:
    """A run's timeseries in ``output_format``."""
    if output_format == "csv":
        return result.to_csv_text().encode("utf-8")
    if output_format == "parquet":
        return frame_to_parquet(result.to_pandas())
    return dataset_to_netcdf(result.to_xarray())


def encode_sweep(table, output_format: str, layout: str = "wide") -> bytes:
    """A sweep table in ``output_format``; ``layout`` (wide or long) applies to CSV and Parquet."""
    if output_format == "netcdf":
        return dataset_to_netcdf(table.to_xarray())
    if output_format == "parquet":
        return frame_to_parquet(table.to_pandas(layout))
    if layout == "wide":
        return table.to_csv().encode("utf-8")
    return frame_to_csv(table.to_pandas(layout))
