"""What ``myokine sweep`` does once typer has parsed its options."""

from __future__ import annotations

import math
from pathlib import Path

from myokine_sim.errors import InputError
from myokine_sim.limits import MAX_SWEEP_MEMBERS

VARY_EXAMPLE = "exercise.0.duration_min=30:120:7"


def parse_vary(items: list[str]) -> tuple[dict | None, list[int | None]]:
    """``NAME=LO:HI[:N]`` options as a SALib problem and the per-name point counts (None when not given)."""
    if not items:
        return None, []
    names, bounds, points = [], [], []
    for item in items:
        name, sep, text = item.partition("=")
        parts = text.split(":")
        if not sep or not name.strip() or len(parts) not in (2, 3):
            raise InputError("--vary", item, f"expected NAME=LO:HI or NAME=LO:HI:N, for example {VARY_EXAMPLE}")
        name = name.strip()
        try:
            lower, upper = float(parts[0]), float(parts[1])
        except ValueError:
            raise InputError("--vary", name, f"bounds {parts[0]!r}:{parts[1]!r} are not numbers") from None
        count = None
        if len(parts) == 3:
            try:
                count = int(parts[2])
            except ValueError:
                raise InputError("--vary", name, f"points {parts[2]!r} must be a whole number") from None
            if count < 1:
                raise InputError("--vary", name, f"zero samples ({count} points); allowed: 1 or more")
        names.append(name)
        bounds.append([lower, upper])
        points.append(count)
    return {"names": names, "bounds": bounds}, points


def parse_cv(items: list[str]) -> dict[str, float]:
    """``NAME=CV`` options (population coefficients of variation)."""
    cvs = {}
    for item in items:
        name, sep, text = item.partition("=")
        try:
            cvs[name.strip()] = float(text)
        except ValueError:
            raise InputError("--cv", item, "expected NAME=CV with CV a number, for example "
                                           "plasma_il6.clearance_per_min=0.3") from None
        if not sep or not name.strip():
            raise InputError("--cv", item, "expected NAME=CV, for example plasma_il6.clearance_per_min=0.3")
    return cvs


def sample_count(method: str, samples: int | None, points: list[int | None]) -> int | list[int] | None:
    """The ``n`` of ``sweep``: points per dimension for a grid, else the member count."""
    if samples is not None and samples < 1:
        raise InputError("--samples", str(samples), "zero samples; allowed: 1 or more")
    if method == "grid":
        if any(count is None for count in points) and samples is None:
            raise InputError("--samples", None, f"a grid needs points per name: NAME=LO:HI:N "
                                                f"(for example {VARY_EXAMPLE}) or --samples N")
        grid = [samples if count is None else count for count in points]
        members = math.prod(grid) if grid else samples
        if members > MAX_SWEEP_MEMBERS:
            option = "--vary" if any(count is not None for count in points) else "--samples"
            raise InputError(option, None, f"the grid has {members} members; allowed: at most {MAX_SWEEP_MEMBERS} "
                                           "(docs/sweeps.md, Limits)")
        return grid or samples
    if any(count is not None for count in points):
        raise InputError("--vary", None, f"points per name (:N) apply to --method grid; for {method} give "
                                         "--samples N")
    if samples is None:
        raise InputError("--samples", None, f"give the number of members for --method {method}")
    return samples


def run_command(scenario: str, vary: list[str], method: str, samples: int | None, seed: int, workers: int,
                scheduler: str | None, trajectories: bool, cv: list[str], out: Path | None,
                output_format: str = "csv", layout: str = "wide") -> list[str]:
    """Run the sweep into ``out`` (default: ``out/<scenario name>-sweep-<fingerprint>/``); returns the lines."""
    from myokine_sim.formats import check_format
    from myokine_sim.frames import check_layout
    from myokine_sim.sweeps.run import sweep

    check_format(output_format, "--format")
    check_layout(layout, "--layout")
    space, points = parse_vary(vary)
    n = sample_count(method, samples, points)
    try:
        if out is None:
            out = default_output(scenario, space, n, method, seed, parse_cv(cv) or None, trajectories)
        table = sweep(scenario, space, n, method=method, seed=seed, workers=workers, scheduler=scheduler,
                      trajectories=trajectories, out=out, cv=parse_cv(cv) or None, output_format=output_format,
                      layout=layout)
    except InputError as error:
        # The API names its arguments; on the command line they are options.
        source = {"space": "--vary", "samples": "--samples", "cv": "--cv", "seed": "--seed",
                  "workers": "--workers", "scheduler": "--scheduler", "out": "--out", "method": "--method",
                  "output_format": "--format", "layout": "--layout"}
        raise InputError(source.get(error.source, error.source), error.field, error.problem) from None
    failed = len(table) - table.metadata["members_ok"]
    files = sorted(p.name for p in Path(out).iterdir() if p.is_file())
    summary = (f"{len(table)} members ({method}, seed {seed}): {table.metadata['members_ok']} ok, {failed} failed; "
               f"{table.metadata['elapsed_s']:.1f} s")
    lines = [f"wrote {out}/ ({', '.join(files)})", summary]
    if table.metadata.get("chunks_recomputed"):
        lines.append(f"note: {table.metadata['chunks_recomputed']} chunk file(s) did not match the hash in "
                     "chunks/plan.json and were computed again")
    return lines


def default_output(scenario: str, space: dict | None, n, method: str, seed: int, cv: dict | None,
                   trajectories: bool) -> Path:
    """``out/<scenario name>-sweep-<fingerprint>/``: the same sweep resumes there, a different one gets its own."""
    from myokine_sim.runner import default_directory
    from myokine_sim.scenario import load_scenario
    from myokine_sim.sweeps.plan import plan_sweep

    plan = plan_sweep(scenario, space, n, method, seed, cv, trajectories, None)
    return default_directory(load_scenario(scenario), f"-sweep-{plan.fingerprint[:8]}")
