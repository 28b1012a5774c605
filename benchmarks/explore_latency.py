"""Latency of ``myokine explore`` (no asserts: a report).

1. API round trip: POST /api/run from a client on this machine to the parsed answer, as the page sends it.
2. Browser change-to-redraw: from moving the intensity slider to the new curves painted, as the page
   measures it (``window.explorer.latenciesMs``), in Debian's chromium driven by Playwright.

Both alternate the intensity between two values so that every request is a new simulation; each
prints the median over the repeats. The aim is under 100 ms for the default preset.

``--band`` measures the same with the page's 90% prediction band switched on (``uncertainty`` of
``BAND_DRAWS`` posterior draws simulated as one batch on every change).

Run: .venv/bin/python benchmarks/explore_latency.py [--repeats N] [--preset NAME] [--band]
(needs myokine_sim[explore]; the browser part needs Playwright and /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlsplit

from myokine_sim.explore.browser import CHROMIUM, explorer_page, redraw_after, running_explorer

INTENSITIES = (60, 75)


def api_round_trips(address: str, preset: str, repeats: int, draws: int = 0) -> list[float]:
    parts = urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    connection.request("GET", "/api/config")
    config = json.loads(connection.getresponse().read())
    controls = next(p["controls"] for p in config["presets"] if p["name"] == preset)
    timings = []
    for index in range(repeats + 1):  # the first request warms the worker up and is not counted
        body = json.dumps({"preset": preset, "uncertainty": draws,
                           "controls": {**controls, "intensity_pct_vo2max": INTENSITIES[index % 2]}})
        start = time.perf_counter()
        connection.request("POST", "/api/run", body=body, headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        document = json.loads(answer.read())
        if answer.status != 200 or (draws and "bands" not in document):
            sys.exit(f"/api/run answered {answer.status}")
        if index:
            timings.append(time.perf_counter() - start)
    connection.close()
    return timings


def browser_redraws(address: str, preset: str, repeats: int, band: bool = False) -> list[float]:
    with explorer_page(address) as page:
        redraw_after(page, lambda: page.select_option("#preset", preset))
        if band:
            redraw_after(page, lambda: page.check("#band"))
        counted = int(page.evaluate("window.explorer.latenciesMs.length"))
        for index in range(repeats):
            value = str(INTENSITIES[index % 2])
            redraw_after(page, lambda value=value: page.fill("#intensity_pct_vo2max-range", value))
        latencies = page.evaluate("window.explorer.latenciesMs")[counted:]
    return [ms / 1e3 for ms in latencies]


def report(name: str, timings: list[float]) -> None:
    print(f"{name}: median {statistics.median(timings) * 1e3:.1f} ms, min {min(timings) * 1e3:.1f} ms, "
          f"max {max(timings) * 1e3:.1f} ms over {len(timings)} changes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--preset", default="cycling_60min_65pct")
    parser.add_argument("--band", action="store_true", help="with the 90%% prediction band switched on")
    args = parser.parse_args()
    from myokine_sim.explore.controls import BAND_DRAWS

    draws = BAND_DRAWS if args.band else 0

    with running_explorer() as address:
        print(f"myokine explore at {address}, preset {args.preset}, intensity alternating {INTENSITIES} %VO2max"
              + (f", band of {draws} posterior draws" if draws else ""))
        report("API round trip (POST /api/run)", api_round_trips(address, args.preset, args.repeats, draws))
        if CHROMIUM.exists():
            report("browser change-to-redraw (slider moved -> curves painted)",
                   browser_redraws(address, args.preset, args.repeats, bool(draws)))
        else:
            print("browser change-to-redraw: skipped, /usr/bin/chromium is not installed")


if __name__ == "__main__":
    main()
