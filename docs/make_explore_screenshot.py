"""Redraw docs/figures/explore.png: the explorer comparing the marathon with low starting glycogen.

Starts ``myokine explore --no-browser``, opens it in Debian's chromium (Playwright), picks the
marathon, pins it as the baseline, lowers the starting muscle glycogen and saves the screen.

Run: .venv/bin/python docs/make_explore_screenshot.py   (needs myokine_sim[explore], Playwright, /usr/bin/chromium)
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "figures" / "explore.png"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 900}


def main() -> None:
    from playwright.sync_api import sync_playwright

    process = subprocess.Popen([sys.executable, "-m", "myokine_sim.cli", "explore", "--no-browser"],
                               stdout=subprocess.PIPE, text=True)
    address = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()).group(0)
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS, headless=True, viewport=VIEWPORT)
            page = context.new_page()
            page.goto(address)
            page.wait_for_function("Number(document.body.dataset.revision) >= 1", timeout=120_000)

            def redraw_after(action) -> None:
                before = int(page.evaluate("document.body.dataset.revision"))
                action()
                page.wait_for_function(f"Number(document.body.dataset.revision) > {before} "
                                       "&& document.body.dataset.state === 'ready'", timeout=120_000)

            redraw_after(lambda: page.select_option("#preset", "marathon"))
            page.click("#pin")
            redraw_after(lambda: page.fill("#muscle_glycogen_mmol_kg_dw-range", "250"))
            page.mouse.move(0, 0)  # no hover cursor on a plot
            page.screenshot(path=str(OUTPUT))
            context.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
