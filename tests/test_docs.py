from pathlib import Path

from myokine_sim.reference import model_markdown, scenario_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_model_reference_is_generated_from_the_current_model():
    assert (ROOT / "docs" / "model.md").read_text() == model_markdown() + "\n", (
        "docs/model.md is stale: run `python -m myokine_sim.reference > docs/model.md`"
    )


def test_scenario_reference_is_generated_from_the_current_models():
    assert (ROOT / "docs" / "scenarios.md").read_text() == scenario_markdown() + "\n", (
        "docs/scenarios.md is stale: run `python -m myokine_sim.reference scenarios > docs/scenarios.md`"
    )


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start"):]
    assert quick_start.index("make run") < quick_start.index("make test")
    assert "make test" in (ROOT / ".ci" / "run").read_text()
