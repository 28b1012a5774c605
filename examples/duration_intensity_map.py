"""How do bout duration and intensity shape the plasma IL-6 response?

A full-factorial grid over the duration and intensity of the cycling bout in
``cycling_60min_65pct``: peak plasma IL-6 as fold over rest for every cell,
drawn as a heat map (out/examples/duration_intensity_map/heatmap.png).
IL-6 rises roughly exponentially with duration and steeply with intensity
(Fischer 2006, Exerc Immunol Rev 12:6).

Run:  .venv/bin/python examples/duration_intensity_map.py [--small] [--workers K] [--out DIR]
(``--small``, or MYOKINE_EXAMPLES_SMALL=1, runs a 3 x 3 grid for CI.)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

import myokine_sim as ms


def main() -> None:
    parser = argparse.ArgumentParser(description="Duration x intensity map of the plasma IL-6 response.")
    parser.add_argument("--small", action="store_true", default=bool(os.environ.get("MYOKINE_EXAMPLES_SMALL")))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    durations, intensities = (3, 3) if options.small else (10, 9)
    out = options.out or Path("out/examples") / ("duration_intensity_map" + ("-small" if options.small else ""))

    space = {"names": ["exercise.0.duration_min", "exercise.0.intensity_pct_vo2max"],
             "bounds": [[15, 150], [40, 80]]}
    table = ms.sweep("cycling_60min_65pct", space, [durations, intensities], method="grid",
                     workers=options.workers, out=out)

    fold = table["fold_peak.plasma_il6_pg_ml"]
    longest = table["exercise.0.duration_min"] == table["exercise.0.duration_min"].max()
    hardest = table["exercise.0.intensity_pct_vo2max"] == table["exercise.0.intensity_pct_vo2max"].max()
    print(f"wrote {out}/heatmap.png and sweep.csv ({len(table)} cells, {int((~table.ok).sum())} failed)")
    print(f"peak plasma IL-6: {np.nanmin(fold):.1f}- to {np.nanmax(fold):.1f}-fold over rest; "
          f"at the longest duration it spans {np.nanmin(fold[longest]):.1f}- to {np.nanmax(fold[longest]):.1f}-fold "
          f"with intensity, at the highest intensity {np.nanmin(fold[hardest]):.1f}- to "
          f"{np.nanmax(fold[hardest]):.1f}-fold with duration")


if __name__ == "__main__":
    main()
