"""``myokine explore``: its JSON API through Starlette's test client, and the command itself."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from starlette.testclient import TestClient
from typer.testing import CliRunner

import myokine_sim as ms
from myokine_sim.cli import app as cli_app
from myokine_sim.explore.app import MAX_REQUEST_BYTES, create_app
from myokine_sim.explore.controls import (
    BAND_DRAWS,
    BAND_SEED,
    ExploreRequest,
    controls_from_document,
    preset_document,
    preset_names,
    scenario_document,
    scenario_from_request,
)
from myokine_sim.explore.payload import PLOTTED_COLUMNS
from myokine_sim.paths import shipped_scenarios
from myokine_sim.runner import run_scenario
from myokine_sim.scenario import scenario_from_dict
from myokine_sim.simulation import simulate

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1") as test_client:
        yield test_client


def preset_controls(name: str, **changes) -> dict:
    return {**controls_from_document(preset_document(name)).model_dump(), **changes}


def shipped_document(name: str) -> dict:
    return tomllib.loads(shipped_scenarios()[name].read_text())


def assert_run_equals(answer: dict, result) -> None:
    """The API's run against ``ms.simulate``: the same samples, values equal to the 7 digits sent."""
    np.testing.assert_allclose(answer["time_min"], result.time_min, rtol=1e-6, atol=0)
    for column in PLOTTED_COLUMNS:
        np.testing.assert_allclose(answer["series"][column], result[column], rtol=1e-6, atol=1e-12, err_msg=column)
    assert answer["headline"] == json.loads(json.dumps(result.headline()))
    assert answer["exercise_periods"] == [list(period) for period in result.exercise_periods]


# ------------------------------------------------------------------ the same simulate path as the CLI


def test_a_run_equals_simulate_of_the_same_scenario_edited_by_hand(client):
    controls = preset_controls("marathon", intensity_pct_vo2max=80.0, muscle_glycogen_mmol_kg_dw=300.0,
                               drink_g=20.0, drink_every_min=20.0, drinks_from_min=0.0, drinks_until_min=200.0)
    response = client.post("/api/run", json={"preset": "marathon", "controls": controls})
    assert response.status_code == 200, response.text

    expected = shipped_document("marathon")  # the same change made to the file by hand
    expected["exercise"][0]["intensity_pct_vo2max"] = 80.0
    expected["subject"]["muscle_glycogen_mmol_kg_dw"] = 300.0
    expected["carbohydrate"] = [{"start_min": 0.0, "every_min": 20.0, "until_min": 200.0, "grams": 20.0}]
    result = ms.simulate(scenario_from_dict(expected))
    answer = response.json()
    assert_run_equals(answer, result)
    assert answer["scenario"]["name"] == "marathon_explored" and answer["scenario"]["changed"] is True
    assert answer["units"]["plasma_il6_pg_ml"] == "pg/mL"


def test_a_run_names_the_calibration_study_nearest_to_it_as_myokine_evidence_does(client):
    from myokine_sim.calibration.evidence import nearest_studies

    shipped = client.post("/api/run", json={"preset": "marathon"}).json()["evidence"]
    assert shipped["study"] == "Ostrowski 1998b" and shipped["distance"] == 0.0 and shipped["within_range"] is True
    controls = preset_controls("marathon", intensity_pct_vo2max=25.0)
    far = client.post("/api/run", json={"preset": "marathon", "controls": controls}).json()["evidence"]
    expected = shipped_document("marathon")
    expected["exercise"][0]["intensity_pct_vo2max"] = 25.0
    (nearest,) = nearest_studies(scenario_from_dict(expected), limit=1)
    assert far["study"] == nearest.study and far["distance"] == nearest.as_record()["distance"]
    assert far["within_range"] is False and [f["id"] for f in far["known_failures"]] == [
        i for i, _ in nearest.known_failures]


def test_controls_left_out_keep_the_presets_values(client):
    response = client.post("/api/run", json={"preset": "marathon"})
    assert response.status_code == 200, response.text
    assert response.json()["scenario"]["name"] == "marathon" and response.json()["scenario"]["changed"] is False
    assert_run_equals(response.json(), ms.simulate("marathon"))
    changed = client.post("/api/run", json={"preset": "marathon", "controls": {"body_mass_kg": 80.0}}).json()
    expected = shipped_document("marathon")
    expected["subject"]["body_mass_kg"] = 80.0
    assert_run_equals(changed, ms.simulate(scenario_from_dict(expected)))


def test_without_a_preset_the_controls_are_the_whole_scenario(client):
    controls = {"modality": "running", "intensity_pct_vo2max": 60.0, "duration_min": 45.0, "endotoxin_ng_per_kg": 0.5,
                "endotoxin_time_min": 120.0}
    response = client.post("/api/run", json={"preset": None, "controls": controls})
    assert response.status_code == 200, response.text
    expected = {"name": "explore", "exercise": [{"duration_min": 45.0, "intensity_pct_vo2max": 60.0,
                                                 "modality": "running"}],
                "endotoxin": [{"time_min": 120.0, "dose_ng_per_kg": 0.5}]}
    assert_run_equals(response.json(), ms.simulate(scenario_from_dict(expected)))
    assert response.json()["scenario"]["name"] == "explore" and response.json()["scenario"]["kept"] == []


def test_the_controls_keep_what_they_do_not_show(client):
    """HIIT's warm-up stays when the intervals change; the page lists it."""
    controls = preset_controls("hiit_10x1min", intensity_pct_vo2max=110.0, repeats=6, rest_min=2.0)
    response = client.post("/api/run", json={"preset": "hiit_10x1min", "controls": controls})
    assert response.status_code == 200, response.text

    expected = shipped_document("hiit_10x1min")
    expected["exercise"][1].update(intensity_pct_vo2max=110.0, repeat=6, every_min=3.0)
    assert_run_equals(response.json(), ms.simulate(scenario_from_dict(expected)))
    assert any("5 min at 50%" in item for item in response.json()["scenario"]["kept"])


def test_the_controls_keep_a_hydrocortisone_infusion_and_list_it(client):
    """The controls have no hydrocortisone: a larger endotoxin dose keeps the preset's infusion."""
    controls = preset_controls("endotoxin_2ngkg_hydrocortisone", endotoxin_ng_per_kg=4.0)
    response = client.post("/api/run", json={"preset": "endotoxin_2ngkg_hydrocortisone", "controls": controls})
    assert response.status_code == 200, response.text

    expected = shipped_document("endotoxin_2ngkg_hydrocortisone")
    expected["endotoxin"][0]["dose_ng_per_kg"] = 4.0
    assert_run_equals(response.json(), ms.simulate(scenario_from_dict(expected)))
    assert "hydrocortisone infusion: 3 µg/kg/min for 360 min from 0 min" in response.json()["scenario"]["kept"]


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_shows_as_itself(name):
    """The controls a preset opens with give back exactly the shipped scenario."""
    request = ExploreRequest(preset=name, controls=controls_from_document(preset_document(name)))
    scenario, changed = scenario_from_request(request)
    assert not changed and scenario.name == name
    assert scenario.model_dump() == ms.load_scenario(name).model_dump()


def test_the_config_lists_every_shipped_scenario_and_labels_every_axis(client):
    config = client.get("/api/config").json()
    assert [preset["name"] for preset in config["presets"]] == list(shipped_scenarios())
    assert {panel["id"] for panel in config["panels"]} >= {"schedule", "glycogen", "mrna", "il6", "lipolysis", "ffa",
                                                            "cytokines", "glucose"}
    assert all(panel["y_label"] for panel in config["panels"] if panel["id"] != "schedule")


# ------------------------------------------------------------------ bad input: 422 with the CLI's message

BAD_SETTINGS = [
    ("marathon", {"intensity_pct_vo2max": 130.0}, "exercise[0]", "critical-power rule"),
    ("hiit_10x1min", {"exercise_start_min": 2.0}, "exercise", "overlaps"),
    ("marathon", {"t_end_min": 100.0}, "simulation.t_end_min", "before the end of the last event"),
    ("marathon", {"muscle_glycogen_mmol_kg_dw": 1000.0}, "subject.muscle_glycogen_mmol_kg_dw", "less than or equal"),
    ("rest", {"t_end_min": 30000.0}, "simulation.t_end_min", "20160"),
    ("marathon", {"repeats": 3, "rest_min": -10.0}, "exercise[0]", "overlap"),
    ("marathon", {"training_status": "athletic"}, "subject.training_status", "'athletic'"),
    ("rest", {"endotoxin_ng_per_kg": 9.0}, "endotoxin[0].dose_ng_per_kg", "4"),
]


@pytest.mark.parametrize("preset, changes, field, fragment", BAD_SETTINGS)
def test_bad_settings_get_422_with_the_message_myokine_run_gives(client, tmp_path, preset, changes, field, fragment):
    controls = preset_controls(preset, **changes)
    response = client.post("/api/run", json={"preset": preset, "controls": controls})
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["field"] == field and fragment in answer["problem"]
    assert answer["error"] == f"{preset}_explored.toml: {field}: {answer['problem']}"
    assert answer["control"] is not None  # shown beside a control, not only at the top

    # The same settings as a scenario file: myokine run says the same thing.
    document = scenario_document(preset_document(preset), ExploreRequest(preset=preset, controls=controls).controls)
    path = tmp_path / f"{preset}_explored.toml"
    path.write_text(tomli_w.dumps(document))
    result = runner.invoke(cli_app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {path}: {field}: {answer['problem']}"


@pytest.mark.parametrize("body, field, fragment", [
    ({"preset": "marathon", "controls": {"intensity_pct_vo2max": "high"}}, "controls.intensity_pct_vo2max",
     "allowed: a number"),
    ({"preset": "marathon", "controls": {"intensity": 70}}, "controls.intensity", "unknown field"),
    ({"preset": "../../etc/passwd"}, "preset", "a shipped scenario name"),
    ({"preset": "/work/models/scenarios/marathon.toml"}, "preset", "a shipped scenario name"),
    ({"preset": "marathon", "scenario": {"name": "x"}}, "scenario", "unknown field"),
    ({"preset": "marathon", "controls": {"repeats": 2.5}}, "controls.repeats", "a whole number"),
    ({"preset": "marathon", "controls": {"duration_min": None}}, "controls.duration_min", "is empty"),
])
def test_malformed_requests_get_422_naming_the_field_and_no_traceback(client, body, field, fragment):
    response = client.post("/api/run", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and fragment in response.json()["problem"]
    assert "Traceback" not in response.text


# ------------------------------------------------------------------ the prediction band


def test_a_band_equals_the_band_columns_of_myokine_run_uncertainty(client, tmp_path):
    """``uncertainty: N`` gives the p05/p95 columns ``run --uncertainty N`` writes (same draws, same seed)."""
    controls = preset_controls("marathon", intensity_pct_vo2max=70.0)
    response = client.post("/api/run", json={"preset": "marathon", "controls": controls, "uncertainty": BAND_DRAWS})
    assert response.status_code == 200, response.text
    answer = response.json()
    scenario, _ = scenario_from_request(ExploreRequest(preset="marathon", controls=controls))
    output = run_scenario(scenario, tmp_path / "out", render_figures=lambda *args: {"png": b""},
                          uncertainty=BAND_DRAWS, seed=BAND_SEED)
    banded = output.result
    assert_run_equals(answer, simulate(scenario))  # the lines stay the point run
    assert set(answer["bands"]) == set(PLOTTED_COLUMNS) - {"intensity_pct_vo2max"}
    for column, (low, high) in answer["bands"].items():
        np.testing.assert_allclose(low, banded[f"{column}_p05"], rtol=1e-6, atol=1e-12, err_msg=column)
        np.testing.assert_allclose(high, banded[f"{column}_p95"], rtol=1e-6, atol=1e-12, err_msg=column)
    uncertainty = banded.metadata["uncertainty"]
    # The same draws, batched differently: equal to the bands' tolerance, not to the last bit.
    assert {key: answer["uncertainty"][key] for key in ("draws", "seed")} == {"draws": BAND_DRAWS, "seed": BAND_SEED}
    np.testing.assert_allclose(answer["uncertainty"]["peak_il6_pg_ml"],
                               uncertainty["headline"]["plasma_il6_pg_ml"]["peak"], rtol=1e-6, atol=1e-12)
    assert set(answer["uncertainty"]) == {"draws", "seed", "peak_il6_pg_ml"}
    low, high = answer["bands"]["plasma_il6_pg_ml"]
    assert max(np.subtract(high, low)) > 0  # a band with a width

    plain = client.post("/api/run", json={"preset": "marathon", "controls": controls}).json()
    assert "bands" not in plain and "uncertainty" not in plain  # off by default
    assert client.get("/api/config").json()["band_draws"] == BAND_DRAWS


@pytest.mark.parametrize("draws", [5, 201, -1, 2.5, "50", True, None])
def test_a_band_of_a_bad_number_of_draws_gets_422(client, draws):
    response = client.post("/api/run", json={"preset": "marathon", "uncertainty": draws})
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["field"] == "uncertainty" and answer["control"] == "band"
    assert "allowed: 0 (no band) or 10 to 200" in answer["problem"] or "allowed: a whole number" in answer["problem"]
    assert "Traceback" not in response.text


def test_requests_are_json_of_limited_size_from_this_machine(client):
    body = json.dumps({"preset": "rest", "controls": {}})
    assert client.post("/api/run", content=body, headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.post("/api/run", content="{not json", headers={"Content-Type": "application/json"}).status_code == 422
    assert client.post("/api/run", content="[1, 2]", headers={"Content-Type": "application/json"}).status_code == 422
    too_big = b'{"preset": "' + b"x" * MAX_REQUEST_BYTES + b'"}'
    response = client.post("/api/run", content=too_big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and str(MAX_REQUEST_BYTES) in response.json()["error"]
    assert client.post("/api/run", content=body, headers={"Content-Type": "application/json",
                                                          "Origin": "http://evil.example"}).status_code == 403
    assert client.get("/api/config", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/config", headers={"Host": "localhost:8000"}).status_code == 200


def test_a_request_over_the_time_limit_is_stopped_and_the_next_one_is_served():
    with TestClient(create_app(time_limit_s=1e-4), base_url="http://127.0.0.1") as slow:
        for _ in range(2):  # the second request finds a fresh worker
            response = slow.post("/api/run", json={"preset": "marathon", "controls": preset_controls("marathon")})
            assert response.status_code == 503
            assert "took longer than" in response.json()["error"]


# ------------------------------------------------------------------ downloads


def test_a_downloaded_scenario_reruns_in_myokine_run_to_identical_output(client, tmp_path):
    body = {"preset": "endotoxin_exercise",
            "controls": preset_controls("endotoxin_exercise", intensity_pct_vo2max=75.0, endotoxin_time_min=120.0,
                                        body_mass_kg=60.0, infusion_rise_pg_ml=20.0)}
    response = client.post("/api/download/toml", json=body)
    assert response.status_code == 200
    file_name = re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)
    assert file_name == "endotoxin_exercise_explored.toml"
    path = tmp_path / file_name
    path.write_bytes(response.content)

    result = runner.invoke(cli_app, ["run", str(path), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    csv = client.post("/api/download/csv", json=body)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert (tmp_path / "run" / "timeseries.csv").read_bytes() == csv.content
    assert_run_equals(client.post("/api/run", json=body).json(), ms.simulate(ms.load_scenario(path)))


def test_the_figure_downloads_as_a_png(client):
    response = client.post("/api/download/png", json={"preset": "hiit_10x1min", "controls":
                                                      preset_controls("hiit_10x1min")})
    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'filename="hiit_10x1min-figure.png"' in response.headers["content-disposition"]
    assert client.post("/api/download/exe", json={}).status_code == 404


# ------------------------------------------------------------------ the command


def test_other_commands_do_not_import_the_web_stack():
    code = "import sys, myokine_sim.cli; print(sorted({'starlette', 'uvicorn'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}).stdout
    assert output.strip() == "[]"


def test_explore_help_names_the_extra_and_the_default_port():
    result = runner.invoke(cli_app, ["explore", "--help"], terminal_width=400)
    assert result.exit_code == 0
    shown = " ".join(result.output.split())
    assert "myokine_sim[explore]" in shown and "[default: a free port]" in shown and "--no-browser" in shown


def test_without_the_extra_explore_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # None in sys.modules makes the import fail
    result = runner.invoke(cli_app, ["explore", "--no-browser"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "myokine_sim[explore]" in lines[0] and "pip install '.[explore]'" in lines[0]


def test_a_port_in_use_is_bad_input():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli_app, ["explore", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: --port: {port}: cannot listen on 127.0.0.1:{port}: in use; allowed: " \
                                    "a free port, or no --port for any free one"


def start_explorer(*args: str) -> tuple[subprocess.Popen, str]:
    """``myokine explore --no-browser`` in a subprocess, and the address it prints."""
    process = subprocess.Popen([sys.executable, "-m", "myokine_sim.cli", "explore", "--no-browser", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        process.kill()
        raise AssertionError(f"no address printed: {line!r} {process.stderr.read()}")
    return process, found.group(0)


def test_explore_listens_on_localhost_and_ctrl_c_stops_it_cleanly():
    from urllib.request import Request, urlopen

    process, address = start_explorer()
    try:
        port = int(address.rsplit(":", 1)[1].strip("/"))
        with urlopen(address + "api/config", timeout=30) as config:
            assert config.status == 200
        body = json.dumps({"preset": "rest", "controls": preset_controls("rest")}).encode()
        with urlopen(Request(address + "api/run", data=body, headers={"Content-Type": "application/json"}),
                     timeout=60) as run:
            assert run.status == 200 and json.load(run)["scenario"]["name"] == "rest"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "stopped" in stdout and "Traceback" not in stderr
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
