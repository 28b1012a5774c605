"""Redraw docs/figures/explore.png: the explorer comparing the marathon with low starting glycogen.

Starts ``myokine explore --no-browser``, opens it in Debian's chromium (Playwright), picks the
marathon, pins it as the baseline, lowers the starting muscle glycogen and saves the screen.

Run: .venv/bin/python docs/make_explore_screenshot.py   (needs myokine_sim[explore], Playwright, /usr/bin/chromium)
"""

from __future__ import annotations

from pathlib import Path

from myokine_sim.explore.browser import explorer_page, redraw_after, running_explorer

OUTPUT = Path(__file__).resolve().parent / "figures" / "explore.png"


def main() -> None:
    with running_explorer() as address, explorer_page(address, width=1600, height=900) as page:
        redraw_after(page, lambda: page.select_option("#preset", "marathon"))
        page.click("#pin")
        redraw_after(page, lambda: page.fill("#muscle_glycogen_mmol_kg_dw-range", "250"))
        page.mouse.move(0, 0)  # no hover cursor on a plot
        page.screenshot(path=str(OUTPUT))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
