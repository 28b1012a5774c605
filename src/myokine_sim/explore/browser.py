"""The explorer in a real browser: its browser tests, the documentation's screenshot and the latency benchmark.

Playwright drives Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it with apt-get), so nothing
is downloaded. Playwright is imported only when a page is opened.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, and without Chromium's background connections, which a closed network refuses many at a time.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
#: How long to wait for the page to answer: generous, for a busy machine (nothing is timed by it).
WAIT_MS = 120_000
_ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+/")


@contextmanager
def running_explorer(env: dict[str, str] | None = None) -> Iterator[str]:
    """``myokine explore --no-browser`` in a subprocess; yields its address and stops it with Ctrl-C (SIGINT).

    The server's error output goes to a temporary file (a pipe nobody reads could fill and stall it); it is
    printed to this process's stderr if the server prints no address or the caller's block fails.
    """
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen([sys.executable, "-m", "myokine_sim.cli", "explore", "--no-browser"],
                                   stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        try:
            line = process.stdout.readline()
            found = _ADDRESS.search(line)
            if not found:
                raise RuntimeError(f"myokine explore printed no address: {line!r}")
            yield found.group(0)
        except BaseException:
            errors.seek(0)
            sys.stderr.write(errors.read())
            raise
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops the explorer; killed if it has not ended within 30 s."""
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@contextmanager
def explorer_page(address: str, width: int = 1920, height: int = 1080, errors: list[str] | None = None,
                  **context_options) -> Iterator:
    """A Playwright page on the explorer at ``address``, yielded once it has drawn its first run.

    Script errors on the page are appended to ``errors`` if given; ``context_options`` go to Playwright's
    ``launch_persistent_context`` (``accept_downloads=True``, say).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS), headless=True,
            viewport={"width": width, "height": height}, **context_options)
        try:
            page = context.new_page()
            if errors is not None:
                page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(address)
            page.wait_for_function("Number(document.body.dataset.revision) >= 1", timeout=WAIT_MS)
            yield page
        finally:
            context.close()


def redraw_after(page, action: Callable[[], object]) -> None:
    """Do ``action`` on the page and wait until it has drawn the answer (its revision moved on, its state ready)."""
    before = int(page.evaluate("document.body.dataset.revision"))
    action()
    page.wait_for_function(f"Number(document.body.dataset.revision) > {before} "
                           "&& document.body.dataset.state === 'ready'", timeout=WAIT_MS)
