import re
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


def test_ci_builds_the_documentation_strictly_after_the_tests():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make docs" in ci and ci.index("make test") < ci.index("make docs")
    makefile = (ROOT / "Makefile").read_text()
    target = makefile[makefile.index("\ndocs:"):].split("\n\n")[0]
    assert "mkdocs build --strict" in target and "--site-dir site" in target


def test_every_page_is_in_the_site_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    nav = config[config.index("\nnav:"):config.index("\nmarkdown_extensions:")]
    pages = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert [page for page in pages if f" {page}" not in nav] == [], "add these pages to nav in mkdocs.yml"


def test_the_site_home_page_includes_sections_the_readme_marks():
    readme = (ROOT / "README.md").read_text()
    for name in re.findall(r'--8<-- "README\.md:(\w+)"', (ROOT / "docs" / "index.md").read_text()):
        assert f"<!-- --8<-- [start:{name}] -->" in readme and f"<!-- --8<-- [end:{name}] -->" in readme, name
