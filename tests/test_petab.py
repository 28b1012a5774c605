"""The PEtab-style measurement table of ``myokine fit --data``: what it accepts and what it refuses."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from myokine_sim.calibration.petab import read_measurements
from myokine_sim.cli import app
from myokine_sim.errors import InputError

runner = CliRunner()
HEADER = "observableId\tsimulationConditionId\ttime\tmeasurement\tnoiseParameters\n"
GOOD = "plasma_il6_pg_ml\tcycling_60min_65pct\t60\t8.0\t1.5\n"


def _table(tmp_path: Path, text: str, name: str = "data.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_table_is_read_with_its_scenarios_and_noise(tmp_path):
    scenario = _table(tmp_path, 'name = "mine"\n[[exercise]]\nstart_min = 0\nduration_min = 30\n'
                                "intensity_pct_vo2max = 60\n", "mine.toml")
    text = HEADER + GOOD + f"muscle_glycogen_mmol_kg_dw\t{scenario.name}\t30\t400\t\n\n"
    table = read_measurements(_table(tmp_path, text))
    assert [m.observable for m in table.measurements] == ["plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw"]
    assert table.measurements[0].sigma == 1.5 and table.measurements[1].sigma is None
    assert table.conditions["mine.toml"].name == "mine"
    assert table.measurements[1].line == 3


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("observableId\tsimulationConditionId\ttime\nplasma_il6_pg_ml\tmarathon\t0\n", "line 1, column measurement",
         "required: observableId, simulationConditionId, time, measurement"),
        (HEADER + "plasma_il6\tmarathon\t60\t8\t1\n", "line 2, column observableId", "did you mean 'plasma_il6_pg_ml'"),
        (HEADER + "plasma_il6_pg_ml\tno_such_scenario\t60\t8\t1\n", "line 2, column simulationConditionId",
         "allowed: a shipped scenario name"),
        (HEADER + GOOD + "plasma_il6_pg_ml\tmarathon\t60\tnan\t1\n", "line 3, column measurement", "not a finite"),
        (HEADER + "plasma_il6_pg_ml\tmarathon\t-5\t8\t1\n", "line 2, column time", "negative"),
        (HEADER + "plasma_il6_pg_ml\tmarathon\tabc\t8\t1\n", "line 2, column time", "not a number"),
        (HEADER + "plasma_il6_pg_ml\tmarathon\t60\t8\t0\n", "line 2, column noiseParameters", "> 0"),
        (HEADER + "plasma_il6_pg_ml\tmarathon\t99999\t8\t1\n", "line 2, column time", "after the end of marathon"),
        (HEADER + "plasma_il6_pg_ml\tmissing.toml\t60\t8\t1\n", "line 2, column simulationConditionId", "not found"),
        (HEADER, None, "no measurements"),
    ],
)
def test_bad_tables_exit_2_naming_file_line_and_column_and_write_nothing(tmp_path, text, field, words):
    path = _table(tmp_path, text)
    with pytest.raises(InputError) as error:
        read_measurements(path)
    assert error.value.source == str(path) and error.value.field == field and words in str(error.value)
    out = tmp_path / "out"
    result = runner.invoke(app, ["fit", "--data", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {path}") and "Traceback" not in result.output
    assert not out.exists()


def test_a_comma_table_named_tsv_says_it_may_not_be_tab_separated(tmp_path):
    path = _table(tmp_path, "observableId,simulationConditionId,time,measurement\nplasma_il6_pg_ml,marathon,0,1\n")
    result = runner.invoke(app, ["fit", "--data", str(path)])
    assert result.exit_code == 2 and "tab-separated" in result.output


def test_unknown_fit_parameter_and_update_default_with_data_are_refused(tmp_path):
    path = _table(tmp_path, HEADER + GOOD)
    out = tmp_path / "out"
    result = runner.invoke(app, ["fit", "--data", str(path), "--fit-parameter", "plasma_il6.clearance", "--out",
                                 str(out)])
    assert result.exit_code == 2 and "did you mean 'plasma_il6.clearance_per_min'" in result.output
    result = runner.invoke(app, ["fit", "--data", str(path), "--update-default"])
    assert result.exit_code == 2 and "--update-default" in result.output
    result = runner.invoke(app, ["fit", "--posterior"])
    assert result.exit_code == 2 and "only with --data" in result.output
    assert not out.exists()


def test_an_observable_measured_as_zero_throughout_needs_its_sd_given(tmp_path):
    """The default SD scales with the measured values, so all-zero rows have none: exit 2, not a failed fit."""
    path = _table(tmp_path, HEADER + "plasma_il6_pg_ml\tmarathon\t210\t0\t\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["fit", "--data", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "line 2, column measurement" in result.output and "noiseParameters" in result.output
    assert "Traceback" not in result.output and not out.exists()
