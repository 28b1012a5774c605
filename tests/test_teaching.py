"""The teaching guide (docs/teaching/) keeps the parts a lecturer relies on.

Each lesson page must have a Predict section, `myokine run` commands whose scenarios
exist and whose --set names are model parameters or subject fields, figures that
exist and that a command on the page regenerates (docs/make_lessons.py) as a slide of
valid --panels names, an
explanation citing its sources, and exactly two exercises with collapsed answers.
``lesson_problems`` lists what is missing; the last tests feed it broken pages.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest

from myokine_sim.errors import InputError
from myokine_sim.figures import parse_panels
from myokine_sim.model import build_model
from myokine_sim.scenario import Subject, load_scenario, with_settings

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "docs" / "teaching"
SCENARIOS = ROOT / "models" / "scenarios"
LESSONS = sorted(TEACHING.glob("[0-9][0-9]_*.md"))

# Author [et al. | & Author] YEAR, Journal VOLUME:PAGE  (e.g. "Keller C et al. 2001, FASEB J 15:2748")
CITATION = re.compile(r"[A-Za-z][A-Za-z'.& -]+ (?:19|20)\d{2}, [A-Z][A-Za-z .]+ \d+:[A-Z]?\d+")
# An in-text citation: "(Keller et al. 2001, FASEB J 15:2748" or "Fischer 2006, Exerc Immunol Rev 12:6"
IN_TEXT = re.compile(r"[A-Z][a-z]+(?: et al\.| & [A-Z][a-z]+)? (?:19|20)\d{2},?\s+[A-Z][A-Za-z .]+\s\d+:[A-Z]?\d+")
FIGURE = re.compile(r"!\[[^\]]+\]\(figures/([A-Za-z0-9_]+)\.png\)")
ANSWER = re.compile(r'^\?\?\? question "Answer"\n((?: {4}.*\n|\n)+)', re.MULTILINE)


def _make_lessons():
    spec = importlib.util.spec_from_file_location("make_lessons", ROOT / "docs" / "make_lessons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sections(text: str) -> dict[str, str]:
    """Body of each ``## Heading`` section, by heading."""
    parts = re.split(r"^## +(.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def command_problems(line: str) -> list[str]:
    """What is wrong with one ``myokine run`` line."""
    words = shlex.split(line)
    if words[:2] != ["myokine", "run"] or len(words) < 3:
        return [f"`{line}`: expected `myokine run SCENARIO ...`"]
    scenario_name, problems, settings, out, panels = words[2], [], [], None, None
    rest = words[3:]
    while rest:
        option = rest.pop(0)
        if option in ("--set", "--out", "-o", "--panels") and rest:
            value = rest.pop(0)
            if option == "--set":
                settings.append(value)
            elif option == "--panels":
                panels = value
            else:
                out = value
        else:
            problems.append(f"`{line}`: unexpected argument {option!r}")
    if panels is not None:
        try:
            parse_panels(panels)
        except InputError as error:
            problems.append(f"`{line}`: {error}")
    if not (SCENARIOS / f"{scenario_name}.toml").is_file():
        problems.append(f"`{line}`: no scenario models/scenarios/{scenario_name}.toml")
        return problems
    if out is None or not re.fullmatch(r"out/[A-Za-z0-9_]+", out):
        problems.append(f"`{line}`: needs --out out/NAME (make_lessons.py names the figure after it)")
    parameters = set(build_model().parameter_names)
    for setting in settings:
        name = setting.partition("=")[0]
        if name.startswith("subject."):
            if name.removeprefix("subject.") not in Subject.model_fields:
                problems.append(f"`{line}`: {name} is not a subject field")
        elif name not in parameters:
            problems.append(f"`{line}`: {name} is not a model parameter (myokine params)")
    if not problems and settings:
        try:
            with_settings(load_scenario(scenario_name), settings)
        except InputError as error:
            problems.append(f"`{line}`: {error}")
    return problems


def lesson_problems(text: str, figures: Path = TEACHING / "figures") -> list[str]:
    """Every missing or broken part of one lesson page."""
    problems = []
    found = sections(text)
    for heading in ("Predict", "Run", "Look", "Explain", "Sources", "Exercises"):
        if len(found.get(heading, "").strip()) < 40:
            problems.append(f"no (or an empty) '## {heading}' section")
    if list(found)[:1] != ["Predict"]:
        problems.append("the first section must be '## Predict': predict before running")

    run = found.get("Run", "")
    if not re.search(r"```sh\n(?:.*\n)*?myokine run .*\n(?:.*\n)*?```", run):
        problems.append("the Run section has no ```sh block with a `myokine run` command")
    lines = [line.strip() for line in re.findall(r"^\s*(myokine run .*)$", text, flags=re.MULTILINE)]
    for line in lines:
        problems += command_problems(line)
    outs = {m for line in lines for m in re.findall(r"--out out/([A-Za-z0-9_]+)", line)}

    shown = FIGURE.findall(found.get("Look", ""))
    if not shown:
        problems.append("the Look section shows no figure (![...](figures/NAME.png))")
    slides = {m for line in lines if "--panels" in line for m in re.findall(r"--out out/([A-Za-z0-9_]+)", line)}
    for name in FIGURE.findall(text):
        if name in outs and name not in slides:
            problems.append(f"figures/{name}.png is the full page: give its command --panels (a slide)")
        if not (figures / f"{name}.png").is_file():
            problems.append(f"figures/{name}.png does not exist (make lessons)")
        if name not in outs:
            problems.append(f"figures/{name}.png is made by no command on the page (--out out/{name})")

    if not IN_TEXT.search(found.get("Explain", "")):
        problems.append("the Explain section cites no source (Author YEAR, Journal VOL:PAGE)")
    sources = re.findall(r"^- (.*)$", found.get("Sources", ""), flags=re.MULTILINE)
    if not sources:
        problems.append("the Sources section lists no full citation (Author YEAR, Journal VOL:PAGE)")
    for source in sources:
        if not CITATION.match(source):
            problems.append(f"source {source!r} is not a full citation (Author YEAR, Journal VOL:PAGE)")

    exercises = re.split(r"^### +Exercise.*$", found.get("Exercises", ""), flags=re.MULTILINE)
    if len(exercises) - 1 != 2:
        problems.append(f"{len(exercises) - 1} '### Exercise' headings; a lesson has exactly two")
    if len(re.findall(r'^\?\?\? question "Answer"', text, flags=re.MULTILINE)) != 2:
        problems.append('not exactly two collapsed answers (??? question "Answer")')
    for number, body in enumerate(exercises[1:], 1):
        answers = ANSWER.findall(body)
        if len(answers) != 1 or len(answers[0].strip()) < 40:
            problems.append(f"exercise {number} has no collapsed answer with an indented body")
        elif len(body[: body.index("??? question")].strip()) < 40:
            problems.append(f"exercise {number} asks nothing before its answer")
    return problems


def test_the_guide_has_at_least_six_lessons():
    assert len(LESSONS) >= 6, [p.name for p in LESSONS]


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_every_part(page):
    assert lesson_problems(page.read_text()) == []


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_lesson_is_in_the_site_navigation(page):
    assert f"teaching/{page.name}" in (ROOT / "mkdocs.yml").read_text()


def test_make_lessons_regenerates_every_committed_figure():
    make_lessons = _make_lessons()
    made = {name for page in make_lessons.lesson_pages() for name, _ in make_lessons.commands(page)
            if name in make_lessons.figure_names(page)}
    committed = {p.stem for p in (TEACHING / "figures").glob("*.png")}
    assert committed == made, "figures that no lesson command makes, or lesson figures not committed"


# A complete lesson, broken one part at a time below.
GOOD = (TEACHING / "02_glycogen.md").read_text()


@pytest.mark.parametrize(
    "change, expected",
    [
        (("## Predict", "## Guess"), "'## Predict'"),
        (("knee_extension_3h_low_glycogen --panels", "knee_extension_3h_no_such --panels"), "no scenario"),
        (("subject.muscle_glycogen_mmol_kg_dw=250", "subject.glycogen=250"), "not a subject field"),
        (("--set subject.muscle_glycogen_mmol_kg_dw=700", "--set il6_gene.no_such=2"), "not a model parameter"),
        (("subject.muscle_glycogen_mmol_kg_dw=700", "subject.muscle_glycogen_mmol_kg_dw=7000"), "subject.muscle"),
        (("(figures/l2_low.png)", "(figures/l2_missing.png)"), "does not exist"),
        (("--out out/l2_low", "--out out/l2_lower"), "made by no command"),
        (("--panels il6,gene,glycogen --out out/l2_low", "--panels il6,heart --out out/l2_low"),
         "unknown panel 'heart'"),
        (("--panels il6,gene,glycogen --out out/l2_low", "--panels , --out out/l2_low"), "give 1 to 6 panels"),
        (("--panels il6,gene,glycogen --out out/l2_low", "--out out/l2_low"), "give its command --panels"),
        (("### Exercise 2", "### Also"), "exactly two"),
        (('??? question "Answer"\n    Only a little', 'Answer: only a little'), "collapsed answer"),
    ],
)
def test_a_broken_lesson_is_reported(change, expected):
    old, new = change
    assert old in GOOD, old
    problems = lesson_problems(GOOD.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


def test_a_lesson_whose_explanation_cites_nothing_is_reported():
    assert IN_TEXT.search(GOOD)
    problems = lesson_problems(IN_TEXT.sub("a study", GOOD))
    assert any("cites no source" in problem for problem in problems), problems


@pytest.mark.parametrize("sources", ["See the literature; ask the lecturer for details.",
                                     "- Keller 2001, a study of glycogen and IL-6 in FASEB J"])
def test_a_lesson_without_full_sources_is_reported(sources):
    text = GOOD[: GOOD.index("## Sources")] + f"## Sources\n\n{sources}\n\n" + GOOD[GOOD.index("## Exercises"):]
    assert any("full citation" in problem for problem in lesson_problems(text))
