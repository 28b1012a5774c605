"""Regenerate docs/sensitivity.md and docs/figures/sensitivity/ from the current model.

    .venv/bin/python docs/make_sensitivity.py [--workers 2]

For each of three teaching questions: local coefficients of every parameter,
Morris screening of every parameter, then Sobol' indices of the parameters the
screening ranks highest. The parameter values come from the model as it is
now, so rerun this after every recalibration. Needs myokine_sim[sensitivity].
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from myokine_sim.figures import figure_png
from myokine_sim.io import write_bytes_atomic, write_text_atomic
from myokine_sim.sensitivity import SensitivityResult, local, morris, sobol
from myokine_sim.sensitivity.plots import sensitivity_figure

DOCS = Path(__file__).resolve().parent
FIGURES = DOCS / "figures" / "sensitivity"
PAGE = DOCS / "sensitivity.md"
SEED = 0
MORRIS_TRAJECTORIES = 20
SOBOL_SAMPLES = 1024
#: Parameters the Morris screening passes on to the Sobol' analysis.
SOBOL_PARAMETERS = 8
#: Rows of each table on the page.
SHOWN = 6


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    scenario: str
    metric: str
    physiology: str  # why the structure of the model makes some parameters matter (true for any calibration)


QUESTIONS = (
    Question(
        "peak_il6", "Peak plasma IL-6 in a marathon", "marathon", "peak.plasma_il6_pg_ml",
        "Plasma IL-6 is cleared within minutes, so during the race it stays close to a quasi-steady state, "
        "release / (clearance x volume). Every parameter that scales the muscle's release (how much mRNA a "
        "contraction induces, how much protein each mRNA yields, how much muscle works) therefore has a "
        "coefficient near +1 and the clearance rate and distribution volume near -1. The glycogen "
        "parameters matter because low glycogen amplifies the muscle's IL-6 response: whatever empties "
        "the muscle faster raises the peak, a fuller start lowers it.",
    ),
    Question(
        "glycogen_nadir", "The glycogen nadir after 2 h of cycling", "cycling_120min_placebo",
        "min.muscle_glycogen_mmol_kg_dw",
        "The lowest glycogen is the starting store minus what two hours of cycling use, so the starting "
        "store and the use rate (defined at 65 % VO2max, the intensity of this ride, and 400 mmol/kg) "
        "dominate. The rest of the use law matters through who rides (the training level, and the extra "
        "use of untrained muscle) and through the fat supply: until adipose lipolysis delivers fatty acids "
        "glycogen covers what fat later takes, so a faster lipolytic drive raises the nadir and a larger "
        "onset gain lowers it. IL-6 and the cytokines do not feed back on glycogen use in the model, so "
        "their parameters come out as zero, and resynthesis is far too slow to matter within two hours.",
    ),
    Question(
        "tnf_suppression", "Suppression of the TNF-alpha response to endotoxin by exercise",
        "endotoxin_exercise", "suppression.tnf_alpha_pg_ml",
        "The metric is 1 - (TNF-alpha rise after endotoxin during 3 h of cycling) / (rise after the same "
        "endotoxin at rest, same parameters): 0 when exercise changes nothing, 1 when it abolishes the "
        "response (Starkie et al. 2003 saw it totally attenuated). Because it is a ratio of two responses "
        "of the same subject, parameters that scale the TNF-alpha response as a whole (the monocyte "
        "output, and largely the elimination rate) cancel out. What remains is what the exercise adds to "
        "the challenge and to its brakes. Three hours of cycling let endotoxin in from the gut as splanchnic "
        "blood flow falls, so the leak's intensity scale and size matter, with the steepness of the monocytes' "
        "response to endotoxin (the leak adds to the 0.06 ng/kg bolus); the sympatho-adrenal drive (its "
        "reference intensity) restrains monocyte TNF-alpha output and raises IL-6 and cortisol, and over the whole "
        "ranges it leads. These parameters act together through "
        "thresholds: the Sobol' indices are mostly interactions.",
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the global methods")
    workers = parser.parse_args().workers
    started = time.monotonic()
    sections = []
    for question in QUESTIONS:
        results = analyse(question, workers)
        for method, result in results.items():
            write_bytes_atomic(FIGURES / f"{question.key}_{method}.png", figure_png(sensitivity_figure(result)))
            print(f"{question.key} {method}: {result.runs} runs, {result.elapsed_s:.1f} s", flush=True)
        sections.append(section(question, results))
    write_text_atomic(PAGE, page(sections, time.monotonic() - started))
    print(f"wrote {PAGE.relative_to(DOCS.parent)} in {time.monotonic() - started:.0f} s")


def analyse(question: Question, workers: int) -> dict[str, SensitivityResult]:
    """Local and Morris over every parameter, then Sobol' over the Morris leaders."""
    results = {"local": local(question.scenario, question.metric)}
    results["morris"] = morris(question.scenario, question.metric, trajectories=MORRIS_TRAJECTORIES, seed=SEED,
                               workers=workers)
    leaders = [row["parameter"] for row in results["morris"].ranked()[:SOBOL_PARAMETERS]]
    results["sobol"] = sobol(question.scenario, question.metric, leaders, samples=SOBOL_SAMPLES, seed=SEED,
                             workers=workers)
    return results


def section(question: Question, results: dict[str, SensitivityResult]) -> str:
    local_result, morris_result, sobol_result = results["local"], results["morris"], results["sobol"]
    unit = local_result.metric.unit
    lines = [
        f"## {question.title}",
        "",
        (f"Scenario `{question.scenario}`, metric `{question.metric}`: {local_result.metric.definition}. "
         f"At the model's parameter values it is **{_quantity(local_result.nominal, unit)}**."),
        "",
        f"*Why these parameters can matter.* {question.physiology}",
        "",
        f"![Local coefficients: {question.title}](figures/sensitivity/{question.key}_local.png)",
        "",
        "| parameter | value | local coefficient | Morris mu* | Morris sigma |",
        "|---|---|---|---|---|",
    ]
    morris_rows = {row["parameter"]: row for row in morris_result.rows}
    for row in local_result.ranked()[:SHOWN]:
        screening = morris_rows[row["parameter"]]
        lines.append(f"| `{row['parameter']}` | {_quantity(row['value'], row['unit'])} | "
                     f"{row['coefficient']:+.3f} | {screening['mu_star']:.3g} +/- {screening['mu_star_conf']:.3g} | "
                     f"{screening['sigma']:.3g} |")
    zero = sum(1 for row in local_result.rows if abs(row["coefficient"]) < 1e-3)
    lines += [
        "",
        (f"{zero} of {len(local_result.rows)} parameters have a local coefficient below 0.001 in size: "
         "at these values, the metric does not depend on them."),
        "",
        f"![Morris screening: {question.title}](figures/sensitivity/{question.key}_morris.png)",
        "",
        (f"The Morris screening ({morris_result.samples} trajectories, {morris_result.runs} runs, every parameter "
         f"halved to doubled) ranks first: {_listing(morris_result, 'mu_star', unit)}. The Sobol' analysis "
         f"then varies the {len(sobol_result.rows)} leaders together ({sobol_result.samples} base samples, "
         f"{sobol_result.runs} runs; all other parameters fixed):"),
        "",
        f"![Sobol' indices: {question.title}](figures/sensitivity/{question.key}_sobol.png)",
        "",
        "| parameter | S1 (alone) | ST (with interactions) |",
        "|---|---|---|",
    ]
    for row in sobol_result.ranked():
        lines.append(f"| `{row['parameter']}` | {_index(row['S1'])} +/- {row['S1_conf']:.2f} | "
                     f"{_index(row['ST'])} +/- {row['ST_conf']:.2f} |")
    s1_total = sum(row["S1"] for row in sobol_result.rows)
    lines += [
        "",
        f"{_reading(local_result, sobol_result)} The first-order indices add up to {s1_total:.2f}: "
        + ("the parameters act mostly additively over these ranges." if s1_total > 0.8 else
           f"about {max(0.0, 1 - s1_total):.0%} of the variance comes from interactions (ST > S1)."),
        "",
        "Reproduce one analysis:",
        "",
        "```",
        (f"myokine sensitivity {question.scenario} --metric {question.metric} --method morris "
         f"--samples {MORRIS_TRAJECTORIES} --seed {SEED} --workers 2 --out out/{question.key}_morris"),
        "```",
        "",
    ]
    return "\n".join(lines)


def _reading(local_result: SensitivityResult, sobol_result: SensitivityResult) -> str:
    """One sentence comparing the local leader with the global one."""
    local_leader = local_result.ranked()[0]
    global_leader = sobol_result.ranked()[0]
    sentence = (f"Globally, `{global_leader['parameter']}` explains the largest share of the variance "
                f"(ST = {global_leader['ST']:.2f}).")
    if local_leader["parameter"] != global_leader["parameter"]:
        sentence += (f" Locally `{local_leader['parameter']}` has the largest coefficient "
                     f"({local_leader['coefficient']:+.2f}): the local ranking holds at one point, the global one "
                     "over the whole ranges, where non-linear effects and interactions also count.")
    return sentence


def _listing(result: SensitivityResult, key: str, unit: str) -> str:
    return ", ".join(f"`{row['parameter']}` ({_quantity(row[key], unit, '.3g')})" for row in result.ranked()[:3])


def _quantity(value: float, unit: str, form: str = ".4g") -> str:
    """A number with its unit; dimensionless quantities (unit "1") go bare."""
    return f"{value:{form}}" if unit == "1" else f"{value:{form}} {unit}"


def _index(value: float) -> str:
    """A Sobol' index to two decimals; estimates within rounding of 0 (either sign) print as 0.00."""
    return f"{0.0 if abs(value) < 0.005 else value:.2f}"


def page(sections: list[str], elapsed_s: float) -> str:
    return "\n".join([
        "# Which parameters matter? Sensitivity analysis",
        "",
        "<!-- Generated by docs/make_sensitivity.py from the current model: do not edit by hand. -->",
        "",
        "The model has more than 80 parameters, and few are known precisely. Sensitivity analysis asks which",
        "of them decide a given output. This page answers it for three outputs of three shipped scenarios:",
        "peak plasma IL-6 in a marathon, the glycogen nadir after two hours of cycling, and how much exercise",
        "suppresses the TNF-alpha response to endotoxin. Numbers and figures are regenerated from the current",
        "parameter values by `.venv/bin/python docs/make_sensitivity.py` (or `make docs-sensitivity`), so",
        "they follow the shipped (fitted) parameter set when it is refitted; the reasoning does not change.",
        "",
        "## Three methods",
        "",
        "- **Local coefficients** (`--method local`): d ln(metric) / d ln(parameter) at the scenario's",
        "  values. A coefficient of +1 means 1 % more of the parameter gives 1 % more of the metric; -1 the",
        "  opposite; 0 no effect. Central differences in log space, with the step halved until two step",
        "  sizes agree (Richardson), all parameters in one batch of runs. Cheap, exact at one point, blind",
        "  to what happens further away.",
        "- **Morris screening** (`--method morris`): random one-at-a-time paths across the ranges. mu* is",
        "  the mean absolute change of the metric when a parameter moves (in the metric's unit, per full",
        "  range), sigma its spread: a large sigma means the effect depends on the other parameters",
        "  (interactions) or on where in the range it acts (non-linearity). Good for ruling parameters out.",
        "- **Sobol' indices** (`--method sobol`): the share of the metric's variance due to each parameter,",
        "  alone (S1) and including all its interactions (ST). A parameter with ST near 0 can be fixed",
        "  anywhere in its range. The most runs: N (D + 2) for D parameters.",
        "",
        "Global ranges: every parameter from half to double its value in the scenario, log-uniform (halving",
        "as likely as doubling), clipped to its plausible bounds (`myokine params`). Whiskers and +/- are",
        "95 % bootstrap intervals (global) or the estimated step error (local).",
        "",
        *sections,
        "## What to take away",
        "",
        "- A metric is usually governed by a handful of parameters; most have no effect at all. Knowing",
        "  which is the first step of any calibration: measure those, fix the rest.",
        "- Parameters that enter as a product (release x yield / (clearance x volume)) share the same",
        "  coefficient in size: data on the metric alone cannot tell them apart.",
        "- Where local and global rankings differ, the metric responds non-linearly over the ranges",
        "  (saturation, thresholds such as the glycogen sensor); trust the global ranking for decisions,",
        "  the local one for small changes around the current values.",
        "",
        "## Running it yourself",
        "",
        "```python",
        "import myokine_sim as ms",
        "",
        'result = ms.sensitivity.local("marathon", "peak.plasma_il6_pg_ml")  # every parameter, one batch',
        'result = ms.sensitivity.morris("marathon", "peak.plasma_il6_pg_ml", trajectories=20, seed=0, workers=2)',
        'result = ms.sensitivity.sobol("marathon", "peak.plasma_il6_pg_ml",',
        '                              ["plasma_il6.clearance_per_min", "il6_gene.max_transcription_fold"],',
        "                              samples=1024, seed=0)",
        'result.ranked()[:3]; result["ST"]; ms.sensitivity.write_outputs(result, "out/sobol")',
        "```",
        "",
        "`params` lists model parameters (default: all), each varied from value / `factor` to value x `factor`",
        "(default 2), log-uniform; or give `problem=` as SALib's problem dictionary (`names`, `bounds`,",
        "optional `dists`: `unif`, `logunif`, `triang`, `truncnorm`), which may also vary scenario fields",
        "such as `exercise.0.intensity_pct_vo2max`. Global methods take `seed`, `workers` (local processes)",
        "and `scheduler` (a Dask address); their runs go through the sweep machinery in batches, with the",
        ("sweep progress bar. Morris and Sobol' need SALib: `pip install '.[sensitivity]'` from the project folder. "
         "Without"),
        "`--params` the command varies the parameters a local screen finds (|d ln metric / d ln p| >= 0.05, at",
        "most the 12 largest); the Python functions vary every parameter unless given `params`.",
        "",
        "```",
        "myokine sensitivity SCENARIO --metric METRIC.COLUMN [--method local|morris|sobol] [--params NAME ...]",
        "                    [--samples N] [--seed S] [--factor F] [--workers K] [--scheduler ADDR] [--out DIR]",
        "```",
        "",
        "Metrics are named like the summary metrics, `METRIC.COLUMN`: `baseline`, `peak`, `time_of_peak_min`,",
        "`min`, `time_of_min_min`, `end` or `fold_peak` of any `timeseries.csv` column, plus",
        "`suppression.COLUMN` = 1 - (peak - resting value) in the scenario / (peak - resting value) in the",
        "same scenario without its exercise bouts and rhIL-6 and hydrocortisone infusions (same parameters",
        "and end time). Times of peaks are quantised to the output step, so their local coefficients are",
        "rough (flagged `converged = false`).",
        "",
        "| file | content |",
        "|---|---|",
        ("| `sensitivity.csv` | one row per parameter. local: `value`, `coefficient`, `error`, `conf_low`, "
         "`conf_high`, `step` (in ln p), `scheme`, `converged`; morris: `lower`, `upper`, `dist`, `mu`, `mu_star`, "
         "`sigma`, `mu_star_conf`; sobol: `lower`, `upper`, `dist`, `S1`, `S1_conf`, `ST`, `ST_conf` (`_conf`: "
         "half-width of the 95 % bootstrap interval) |"),
        ("| `sensitivity.json` | method, metric (name, unit, definition), scenario, seed, samples, runs, the same "
         "rows, the problem, the method's options and notes |"),
        "| `tornado.png` / `indices.png` | the figure (local / Morris or Sobol') |",
        "| `manifest.json` | the resolved scenario and parameters, solver settings, seed, versions, file hashes |",
        "",
        "Bad input (an unknown metric or parameter, fewer than 2 Morris trajectories or 16 Sobol' samples)",
        "exits with code 2 and writes nothing.",
        "",
        f"*Generation took {elapsed_s:.0f} s on this machine; seed {SEED} throughout.*",
        "",
    ])


if __name__ == "__main__":
    main()
