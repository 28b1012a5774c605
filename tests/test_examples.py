"""The example scripts run end to end at reduced size (``--small``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("script", "figure"),
    [
        ("duration_intensity_map.py", "heatmap.png"),
        ("glycogen_carbohydrate_map.py", "heatmap.png"),
        ("virtual_population.py", "bands.png"),
    ],
)
def test_example_runs_small(tmp_path, script, figure):
    out = tmp_path / "example"
    completed = subprocess.run([sys.executable, str(EXAMPLES / script), "--small", "--out", str(out)],
                               check=False, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "wrote" in completed.stdout
    assert {"sweep.csv", "manifest.json", figure} <= {p.name for p in out.iterdir()}
