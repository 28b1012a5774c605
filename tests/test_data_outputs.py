"""pandas and xarray views of results, Parquet and NetCDF files, the long sweep table, and --format."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim.cli import app
from myokine_sim.errors import InputError
from myokine_sim.extras import MissingExtraError
from myokine_sim.results import CONTRACT_COLUMNS, METRICS

pd = pytest.importorskip("pandas", reason="needs the [data] extra")
xr = pytest.importorskip("xarray", reason="needs the [data] extra")
pq = pytest.importorskip("pyarrow.parquet", reason="needs the [data] extra")

cli = CliRunner()
SWEEP_SPACE = {"names": ["plasma_il6.clearance_per_min", "subject.muscle_glycogen_mmol_kg_dw"],
               "bounds": [[0.2, 0.8], [250.0, 550.0]]}


@pytest.fixture(scope="module")
def result():
    return ms.simulate("cycling_60min_65pct")


@pytest.fixture(scope="module")
def table():
    return ms.sweep("cycling_60min_65pct", SWEEP_SPACE, n=[2, 2], trajectories=["plasma_il6_pg_ml"],
                    progress=False)


# ------------------------------------------------------------------ pandas


def test_result_to_pandas_has_every_column_and_its_unit(result):
    frame = result.to_pandas()
    assert list(frame.columns) == result.column_names
    assert frame.attrs["units"]["plasma_il6_pg_ml"] == "pg/mL"
    assert frame.attrs["units"]["time_min"] == "min"
    assert set(frame.attrs["units"]) == set(frame.columns)
    assert "IL-6" in frame.attrs["long_names"]["plasma_il6_pg_ml"]
    np.testing.assert_array_equal(frame["muscle_glycogen_mmol_kg_dw"], result["muscle_glycogen_mmol_kg_dw"])


def test_result_round_trips_through_pandas(result):
    back = ms.Result.from_pandas(result.to_pandas())
    assert back.column_names == result.column_names
    assert back.units == result.units
    assert back.scenario_name == result.scenario_name
    for name in result.column_names:
        np.testing.assert_array_equal(back[name], result[name])
    assert back.summary()["metrics"] == result.summary()["metrics"]


def test_from_pandas_needs_the_units(result):
    frame = result.to_pandas()
    frame.attrs = {}
    with pytest.raises(InputError, match="no unit for time_min"):
        ms.Result.from_pandas(frame)


def test_sweep_to_pandas_wide_is_the_csv_table(table):
    frame = table.to_pandas()
    assert list(frame.columns) == table.column_names
    assert frame.attrs["units"]["peak.plasma_il6_pg_ml"] == "pg/mL"
    assert frame.attrs["units"]["time_of_peak_min.plasma_il6_pg_ml"] == "min"
    np.testing.assert_array_equal(frame["peak.plasma_il6_pg_ml"], table["peak.plasma_il6_pg_ml"])


def test_sweep_long_table_has_one_row_per_member_and_metric(table):
    long = table.to_pandas("long")
    metric_names = [n for n in table.column_names if n not in ("member", "status", *SWEEP_SPACE["names"])]
    assert len(long) == len(table) * len(metric_names)
    assert list(long.columns) == ["member", *SWEEP_SPACE["names"], "status", "metric", "column", "value", "unit"]
    assert set(long["metric"]) == set(METRICS)
    # Every value and unit is the wide table's, and each row carries its member's inputs.
    for row in long.sample(25, random_state=0).itertuples(index=False):
        member, clearance, glycogen, _status, metric, column, value, unit = row
        name = f"{metric}.{column}"
        assert value == pytest.approx(table[name][member], nan_ok=True)
        assert unit == table.units[name]
        assert clearance == table["plasma_il6.clearance_per_min"][member]
        assert glycogen == table["subject.muscle_glycogen_mmol_kg_dw"][member]
    # Pivoting back gives the wide table.
    wide = long.assign(name=long["metric"] + "." + long["column"]).pivot(index="member", columns="name",
                                                                        values="value")
    np.testing.assert_array_equal(wide["fold_peak.plasma_il6_pg_ml"], table["fold_peak.plasma_il6_pg_ml"])


def test_unknown_layout_is_refused(table):
    with pytest.raises(InputError, match="allowed: wide, long"):
        table.to_pandas("tall")


# ------------------------------------------------------------------ xarray


def test_result_to_xarray_has_cf_attributes(result):
    dataset = result.to_xarray()
    assert dict(dataset.sizes) == {"time_min": len(result.time_min)}
    il6 = dataset["plasma_il6_pg_ml"]
    assert il6.dims == ("time_min",)
    assert il6.attrs["units"] == "pg/mL" and "IL-6" in il6.attrs["long_name"]
    assert dataset["time_min"].attrs["units"] == "min"
    np.testing.assert_array_equal(il6.values, result["plasma_il6_pg_ml"])
    assert il6.sel(time_min=30.0).item() == pytest.approx(result.at("plasma_il6_pg_ml", 30.0))


def test_sweep_to_xarray_has_member_and_time_dimensions(table):
    dataset = table.to_xarray()
    assert dict(dataset.sizes) == {"member": 4, "time_min": len(table.time_min)}
    peak = dataset["peak.plasma_il6_pg_ml"]
    assert peak.dims == ("member",) and peak.attrs["units"] == "pg/mL"
    assert dataset["plasma_il6.clearance_per_min"].attrs["units"] == "1/min"  # an input, as a coordinate
    assert "plasma_il6.clearance_per_min" in dataset.coords
    assert dataset["plasma_il6_pg_ml"].dims == ("member", "time_min")
    np.testing.assert_array_equal(dataset["plasma_il6_pg_ml"].values, table.trajectories["plasma_il6_pg_ml"])
    assert list(dataset["status"].values) == ["ok"] * 4
    # Faster clearance, lower peak: the coordinates line up with the values.
    by_clearance = peak.groupby("plasma_il6.clearance_per_min").mean()
    assert by_clearance.values[0] > by_clearance.values[-1]


def test_population_bands_become_quantile_variables():
    population = ms.sweep("cycling_60min_65pct", None, n=8, method="population", seed=3, progress=False)
    band = population.to_xarray()["band.plasma_il6_pg_ml"]
    assert band.dims == ("quantile", "time_min")
    assert 0.5 in band["quantile"].values
    np.testing.assert_array_equal(band.sel(quantile=0.5).values, population.bands["plasma_il6_pg_ml"][0.5])


# ------------------------------------------------------------- file formats


def test_run_writes_parquet_with_units_in_the_schema(tmp_path, result):
    out = tmp_path / "run"
    outcome = cli.invoke(app, ["run", "cycling_60min_65pct", "--out", str(out), "--format", "parquet"])
    assert outcome.exit_code == 0, outcome.output
    assert sorted(p.name for p in out.iterdir()) == ["figure.png", "manifest.json", "summary.json",
                                                      "timeseries.parquet"]
    schema = pq.read_schema(out / "timeseries.parquet")
    assert schema.field("plasma_il6_pg_ml").metadata[b"unit"] == b"pg/mL"
    stored = json.loads(schema.metadata[b"myokine_sim"])
    assert stored["units"]["muscle_glycogen_mmol_kg_dw"] == "mmol/kg dw"
    # Read back with its units, and the same values as the simulation.
    from myokine_sim.formats import read_parquet

    frame = read_parquet(out / "timeseries.parquet")
    assert frame.attrs["units"] == result.units
    back = ms.Result.from_pandas(frame)
    for name in CONTRACT_COLUMNS:
        np.testing.assert_array_equal(back[name], result[name])
    manifest = json.loads((out / "manifest.json").read_text())
    assert "timeseries.parquet" in manifest["files"] and manifest["output_format"] == "parquet"


def test_run_writes_netcdf_readable_by_xarray(tmp_path, result):
    out = tmp_path / "run"
    outcome = cli.invoke(app, ["run", "cycling_60min_65pct", "--out", str(out), "--format", "netcdf"])
    assert outcome.exit_code == 0, outcome.output
    with xr.open_dataset(out / "timeseries.nc") as dataset:
        il6 = dataset["plasma_il6_pg_ml"]
        assert il6.attrs["units"] == "pg/mL" and il6.attrs["long_name"]
        np.testing.assert_array_equal(il6.values, result["plasma_il6_pg_ml"])
        np.testing.assert_array_equal(dataset["time_min"].values, result.time_min)


def test_sweep_writes_a_long_csv(tmp_path):
    out = tmp_path / "sweep"
    arguments = ["sweep", "cycling_60min_65pct", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:3",
                 "--layout", "long", "--out", str(out)]
    outcome = cli.invoke(app, arguments)
    assert outcome.exit_code == 0, outcome.output
    long = pd.read_csv(out / "sweep.csv")
    assert list(long.columns) == ["member", "plasma_il6.clearance_per_min", "status", "metric", "column", "value",
                                  "unit"]
    peaks = long[(long["metric"] == "peak") & (long["column"] == "plasma_il6_pg_ml")]
    assert list(peaks["member"]) == [0, 1, 2] and set(peaks["unit"]) == {"pg/mL"}
    assert peaks["value"].is_monotonic_decreasing  # faster clearance, lower peak
    assert json.loads((out / "manifest.json").read_text())["sweep"]["layout"] == "long"


@pytest.mark.parametrize("output_format, file", [("parquet", "sweep.parquet"), ("netcdf", "sweep.nc")])
def test_sweep_writes_parquet_and_netcdf(tmp_path, output_format, file):
    out = tmp_path / "sweep"
    arguments = ["sweep", "cycling_60min_65pct", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:3",
                 "--format", output_format, "--out", str(out)]
    outcome = cli.invoke(app, arguments)
    assert outcome.exit_code == 0, outcome.output
    assert (out / file).is_file() and not (out / "sweep.csv").exists()
    if output_format == "parquet":
        frame = pd.read_parquet(out / file)
        units = json.loads(pq.read_schema(out / file).metadata[b"myokine_sim"])["units"]
        assert units["peak.plasma_il6_pg_ml"] == "pg/mL"
        peaks = frame["peak.plasma_il6_pg_ml"].to_numpy()
    else:
        with xr.open_dataset(out / file) as dataset:
            assert dataset["peak.plasma_il6_pg_ml"].attrs["units"] == "pg/mL"
            peaks = dataset["peak.plasma_il6_pg_ml"].values
    assert len(peaks) == 3 and peaks[0] > peaks[-1]
    assert file in json.loads((out / "manifest.json").read_text())["files"]


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize("command", [["run", "rest"], ["sweep", "rest", "--vary",
                                                        "plasma_il6.clearance_per_min=0.2:0.8:2"]])
def test_unknown_format_exits_2_naming_the_allowed_values(tmp_path, command):
    out = tmp_path / "out"
    outcome = cli.invoke(app, [*command, "--format", "xlsx", "--out", str(out)])
    assert outcome.exit_code == 2
    assert "--format" in outcome.output and "allowed: csv, parquet, netcdf" in outcome.output
    assert "Traceback" not in outcome.output
    assert not out.exists()


def test_unknown_layout_exits_2(tmp_path):
    out = tmp_path / "out"
    outcome = cli.invoke(app, ["sweep", "rest", "--vary", "plasma_il6.clearance_per_min=0.2:0.8:2",
                               "--layout", "tall", "--out", str(out)])
    assert outcome.exit_code == 2
    assert "--layout" in outcome.output and "allowed: wide, long" in outcome.output
    assert not out.exists()


@pytest.mark.parametrize("output_format, module", [("parquet", "pyarrow"), ("netcdf", "h5netcdf")])
def test_missing_extra_exits_1_naming_it_and_writes_nothing(tmp_path, monkeypatch, output_format, module):
    monkeypatch.setitem(sys.modules, module, None)
    out = tmp_path / "out"
    outcome = cli.invoke(app, ["run", "rest", "--format", output_format, "--out", str(out)])
    assert outcome.exit_code == 1
    assert "myokine_sim[data]" in outcome.output and "pip install" in outcome.output
    assert "Traceback" not in outcome.output
    assert not out.exists()


def test_to_pandas_without_pandas_names_the_extra(monkeypatch, result):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"myokine_sim\[data\]"):
        result.to_pandas()
