"""Regenerate the teaching guide's figures and print the numbers its answers quote.

    .venv/bin/python docs/make_lessons.py            # or: make lessons
    .venv/bin/python docs/make_lessons.py 03         # only lessons whose file name starts with 03

The lesson pages are the single source: every line of a lesson (docs/teaching/NN_*.md)
that starts with ``myokine run`` is run with the real command line, with its
``--out out/NAME`` replaced by a temporary folder. When the page links
``figures/NAME.png``, the run's figure.png is copied to docs/teaching/figures/NAME.png.
Every run prints the numbers the text and the answers quote, so they can be
re-checked after the model is refitted; the text states them by direction and
rough size.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
TEACHING = DOCS / "teaching"
FIGURES = TEACHING / "figures"

COMMAND = re.compile(r"^\s*(myokine run .*?)\s*$", re.MULTILINE)
FIGURE = re.compile(r"!\[[^\]]*\]\(figures/([A-Za-z0-9_]+)\.png\)")

# (label, column, summary key, format)
NUMBERS = [
    ("plasma IL-6 peak", "plasma_il6_pg_ml", "peak", "{:.1f} pg/mL"),
    ("at", "plasma_il6_pg_ml", "time_of_peak_min", "{:.0f} min"),
    ("fold over rest", "plasma_il6_pg_ml", "fold_peak", "{:.1f}x"),
    ("IL-6 mRNA peak", "il6_mrna_fold", "peak", "{:.1f}-fold"),
    ("IL-6 release peak", "il6_release_ng_min", "peak", "{:.1f} ng/min"),
    ("release per kg active muscle", "il6_release_ng_min_kg", "peak", "{:.2f} ng/min/kg"),
    ("active muscle", "active_muscle_mass_kg", "peak", "{:.1f} kg"),
    ("glycogen start", "muscle_glycogen_mmol_kg_dw", "baseline", "{:.0f} mmol/kg dw"),
    ("glycogen nadir", "muscle_glycogen_mmol_kg_dw", "min", "{:.0f} mmol/kg dw"),
    ("working-muscle glycogen nadir", "working_muscle_glycogen_mmol_kg_dw", "min", "{:.0f} mmol/kg dw"),
    ("IL-1ra peak", "il1ra_pg_ml", "peak", "{:.0f} pg/mL"),
    ("at", "il1ra_pg_ml", "time_of_peak_min", "{:.0f} min"),
    ("IL-10 peak", "il10_pg_ml", "peak", "{:.1f} pg/mL"),
    ("at", "il10_pg_ml", "time_of_peak_min", "{:.0f} min"),
    ("TNF-alpha baseline", "tnf_alpha_pg_ml", "baseline", "{:.2f} pg/mL"),
    ("TNF-alpha peak", "tnf_alpha_pg_ml", "peak", "{:.2f} pg/mL"),
    ("glycerol Ra peak", "glycerol_ra_umol_kg_min", "peak", "{:.1f} umol/kg/min"),
    ("FFA peak", "plasma_ffa_mmol_l", "peak", "{:.2f} mmol/L"),
    ("fat oxidation peak", "fat_oxidation_g_min", "peak", "{:.2f} g/min"),
    ("hepatic glucose output peak", "hepatic_glucose_output_mg_kg_min", "peak", "{:.2f} mg/kg/min"),
]


def lesson_pages(prefix: str = "") -> list[Path]:
    """The numbered lesson pages, in order."""
    return sorted(p for p in TEACHING.glob("[0-9][0-9]_*.md") if p.name.startswith(prefix))


def commands(page: Path) -> list[tuple[str, list[str]]]:
    """Each ``myokine run`` line of a page as (output name, CLI arguments after ``myokine``)."""
    found = []
    for line in COMMAND.findall(page.read_text()):
        words = shlex.split(line)[1:]
        if "--out" not in words:
            raise SystemExit(f"{page.name}: `{line}` has no --out out/NAME")
        out = words[words.index("--out") + 1]
        if not re.fullmatch(r"out/[A-Za-z0-9_]+", out):
            raise SystemExit(f"{page.name}: `{line}`: --out must be out/NAME")
        found.append((out.removeprefix("out/"), words))
    return found


def figure_names(page: Path) -> list[str]:
    """The NAMEs of the figures/NAME.png images a page shows."""
    return FIGURE.findall(page.read_text())


def myokine() -> list[str]:
    """The real command line: the myokine script next to this Python, else the module."""
    script = Path(sys.executable).with_name("myokine")
    return [str(script)] if script.exists() else [sys.executable, "-m", "myokine_sim.cli"]


def timeseries(folder: Path, *columns: str) -> list[tuple[float, ...]]:
    """(time_min, *columns) rows of a run's timeseries.csv."""
    with open(folder / "timeseries.csv", newline="") as handle:
        return [(float(r["time_min"]), *(float(r[c]) for c in columns)) for r in csv.DictReader(handle)]


def value_at(rows: list[tuple[float, ...]], time: float) -> tuple[float, ...]:
    """The row sampled nearest to ``time``."""
    return min(rows, key=lambda row: abs(row[0] - time))


def tnf_after_bolus(folder: Path, scenario: dict) -> str | None:
    """TNF-alpha peak after the first endotoxin bolus over its value at the bolus."""
    boluses = scenario.get("endotoxin") or []
    if not boluses:
        return None
    t0 = boluses[0]["time_min"]
    rows = timeseries(folder, "tnf_alpha_pg_ml")
    at = value_at(rows, t0)[1]
    peak = max(value for time, value in rows if time >= t0)
    return f"TNF-alpha after the bolus at {t0:g} min: {at:.2f} -> {peak:.2f} pg/mL (x{peak / at:.2f})"


def bouts(folder: Path, scenario: dict) -> list[str]:
    """With more than one exercise bout: glycogen at each start and the plasma IL-6 peak of each bout."""
    starts = []
    for bout in scenario.get("exercise") or []:
        every = bout.get("every_min") or 0.0
        starts += [(bout["start_min"] + i * every, bout["duration_min"]) for i in range(bout.get("repeat", 1))]
    if len(starts) < 2:
        return []
    rows = timeseries(folder, "plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw")
    lines = []
    for number, (start, duration) in enumerate(sorted(starts), 1):
        window = [row for row in rows if start <= row[0] <= start + duration + 30]
        peak = max(window, key=lambda row: row[1])
        glycogen = value_at(rows, start)[2]
        lines.append(f"bout {number} at {start:g} min: glycogen {glycogen:.0f} mmol/kg dw at the start, "
                     f"plasma IL-6 peak {peak[1]:.1f} pg/mL at {peak[0]:g} min")
    return lines


def report(name: str, folder: Path) -> None:
    """Print the numbers of one run."""
    metrics = json.loads((folder / "summary.json").read_text())["metrics"]
    print(f"  {name}")
    for label, column, key, fmt in NUMBERS:
        value = metrics.get(column, {}).get(key)
        if value is not None:
            print(f"    {label:30s} {fmt.format(value)}")
    scenario = json.loads((folder / "manifest.json").read_text())["scenario"]
    for line in [tnf_after_bolus(folder, scenario), *bouts(folder, scenario)]:
        if line:
            print(f"    {line}")


def main(argv: list[str]) -> int:
    prefix = argv[0] if argv else ""
    pages = lesson_pages(prefix)
    if not pages:
        print(f"no lesson pages match {prefix!r} in {TEACHING}", file=sys.stderr)
        return 2
    FIGURES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="myokine_lessons_") as scratch:
        for page in pages:
            print(f"{page.name}")
            shown = set(figure_names(page))
            for name, words in commands(page):
                folder = Path(scratch) / name
                args = list(words)
                args[args.index("--out") + 1] = str(folder)
                print(f"  $ myokine {' '.join(words)}")
                done = subprocess.run([*myokine(), *args], capture_output=True, text=True)
                if done.returncode != 0:
                    print(done.stdout + done.stderr, file=sys.stderr)
                    return done.returncode
                if name in shown:
                    shutil.copyfile(folder / "figure.png", FIGURES / f"{name}.png")
                    print(f"    -> docs/teaching/figures/{name}.png")
                report(name, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
