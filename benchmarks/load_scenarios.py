"""Loading every shipped scenario, with the parameter set each one names parsed once per file content (as shipped)
and parsed anew for every scenario (the parse cache cleared before each), side by side in one run (no asserts).

``myokine evidence`` and the explorer's worker load the calibration scenarios this way.

Run: .venv/bin/python benchmarks/load_scenarios.py [--repeats N]
"""

from __future__ import annotations

import argparse

from myokine_sim.parameters import _parsed_for_shipped_model
from myokine_sim.paths import shipped_scenarios
from myokine_sim.scenario import load_scenario

from timing import median_time


def load_all(clear_between: bool) -> int:
    names = sorted(shipped_scenarios())
    for name in names:
        if clear_between:
            _parsed_for_shipped_model.cache_clear()
        load_scenario(name)
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    load_all(False)  # imports and the compiled model, outside the timings
    parsed_each_time, count = median_time(lambda: load_all(True), repeats)
    _parsed_for_shipped_model.cache_clear()
    parsed_once, _ = median_time(lambda: load_all(False), repeats)
    print(f"{count} shipped scenarios, median of {repeats}:")
    print(f"  parameter set parsed for every scenario: {parsed_each_time:.3f} s")
    ratio = parsed_each_time / parsed_once
    print(f"  parsed once per file content:            {parsed_once:.3f} s  ({ratio:.1f}x faster)")


if __name__ == "__main__":
    main()
