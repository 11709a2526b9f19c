"""The dashboard end to end: served on a free localhost port, driven in headless Chromium by Playwright.

The browser is Debian's ``chromium`` (``scripts/install_browser.sh`` installs it, and Solara's front-end
assets); the test skips only when no browser is installed. Its screenshot is written under pytest's
temporary folder and, when ``SIM_SCREENSHOTS`` names a folder (e.g. ``docs/screenshots``), copied there.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytest.importorskip("solara", reason="the viz extra (mesa[viz], solara) is not installed")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
START_TIMEOUT = 120.0  # seconds for the server to answer (imports are slow on a busy 2-core machine)
UI_TIMEOUT = 60_000  # milliseconds for the page and its updates
SCREENSHOTS = os.environ.get("SIM_SCREENSHOTS")  # a folder to copy the screenshot to, e.g. docs/screenshots
PLAY_TO = 52 if SCREENSHOTS else 12  # week to play to: a year for the docs' screenshot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no browser: {CHROMIUM} is missing; scripts/install_browser.sh installs it"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the dashboard server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"no answer at {url} within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m sim.app`` (what ``sim dashboard`` runs) on a free port; its process group ends after."""
    port, log = _free_port(), tmp_path_factory.mktemp("dashboard") / "server.log"
    cmd = [sys.executable, "-m", "sim.app", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def page(server: str) -> Iterator["sync_api.Page"]:
    """A fresh headless Chromium page at the dashboard, once its counters have rendered."""
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1600, "height": 1250},
        )  # fmt: skip
        tab = browser.new_page()
        tab.set_default_timeout(UI_TIMEOUT)
        tab.goto(server, timeout=UI_TIMEOUT)
        try:
            tab.wait_for_selector(".sim-counters", timeout=UI_TIMEOUT)
        except sync_api.TimeoutError:
            pytest.fail(
                "the dashboard page did not render; if Solara's assets cannot be fetched from its CDN, "
                "run scripts/install_browser.sh to cache them locally"
            )
        yield tab
        browser.close()


def counter(tab: "sync_api.Page", name: str) -> str:
    """The value shown next to ``name`` in the counters table."""
    row = tab.locator(".sim-counters tr").filter(has=tab.locator("th", has_text=name)).first
    return row.locator("td").inner_text().strip()


def plot_src(tab: "sync_api.Page", key: str) -> str:
    """The image data of one plot (a PNG data URL, redrawn by the server)."""
    return tab.locator(f".sim-plot-{key} img").first.get_attribute("src") or ""


def choose(tab: "sync_api.Page", label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    tab.locator(".v-select").filter(has_text=label).first.click()
    tab.get_by_role("option", name=option, exact=True).click()


def click(tab: "sync_api.Page", name: str) -> None:
    tab.get_by_role("button", name=name, exact=True).click()


def wait_for_week(tab: "sync_api.Page", week: int) -> None:
    tab.locator(".sim-counters").get_by_text(f"{week} of 520", exact=True).wait_for()


def play_to(tab: "sync_api.Page", week: int) -> None:
    """Press play, wait until the model reaches ``week``, press pause."""
    click(tab, "▶")
    deadline = time.monotonic() + UI_TIMEOUT / 1000 + 5 * week  # generous: each week redraws six figures
    while int(counter(tab, "week").split()[0]) < week:
        assert time.monotonic() < deadline, f"playing did not reach week {week}"
        time.sleep(0.2)
    click(tab, "❚❚")
    tab.get_by_role("button", name="▶", exact=True).wait_for()


def save_screenshot(tab: "sync_api.Page", folder: Path) -> Path:
    """Screenshot into ``folder``; also into ``$SIM_SCREENSHOTS`` if set (how docs/screenshots is made)."""
    path = folder / "dashboard.png"
    tab.screenshot(path=str(path), full_page=True)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(SCREENSHOTS) / "dashboard.png")
    return path


def test_control_step_and_play_change_plots_and_counters(page: "sync_api.Page", tmp_path: Path) -> None:
    assert counter(page, "week") == "0 of 520"
    assert counter(page, "strategy").startswith("reactive")
    choose(page, "strategy", "preventative")
    click(page, "Reset")  # SolaraViz builds a new model from the controls on reset
    page.locator(".sim-counters").get_by_text("preventative (targeting auto)").wait_for()

    before = {key: plot_src(page, key) for key in ("harm", "workers", "networks", "arrests", "assets")}
    losses_before = counter(page, "victim losses since week 0")
    for week in (1, 2, 3):
        click(page, "Step")
        wait_for_week(page, week)
    assert counter(page, "victim losses since week 0") != losses_before
    changed = [key for key, src in before.items() if plot_src(page, key) != src]
    assert {"harm", "workers", "networks"} <= set(changed), f"plots not redrawn after stepping: {changed}"

    play_to(page, PLAY_TO)
    assert counter(page, "arrests (bosses)") != "0 (0)"
    assert page.locator(".sim-networks img").count() == 1
    assert save_screenshot(page, tmp_path).stat().st_size > 10_000


def test_invalid_value_shows_the_validation_message(page: "sync_api.Page") -> None:
    box = page.get_by_label("budget, officer-weeks/week (valid 0 to 1e+06)")
    box.fill("-5")
    box.press("Enter")
    click(page, "Reset")
    message = page.locator(".sim-counters").get_by_text("effort: -5.0 is outside the valid range")
    message.wait_for()
    assert "running the defaults" in message.inner_text()
