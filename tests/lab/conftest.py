"""Fixtures for the lab's browser tests: the real app under uvicorn, Chromium through Playwright.

The server runs in a thread on a free port of 127.0.0.1. Chromium is Debian's (/usr/bin/chromium):
Playwright's own browser download is never used. Tests that need the browser skip, with the
reason, when Playwright or Chromium is missing. Set CHAINRULE_LAB_URL to test a lab that is
already running, and CHAINRULE_LAB_SCREENSHOTS to a folder to keep the screenshots there too.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def _chromium() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def lab_url():
    """The URL of a running lab (the real app, started here unless CHAINRULE_LAB_URL is set)."""
    given = os.environ.get("CHAINRULE_LAB_URL")
    if given:
        yield given.rstrip("/") + "/"
        return
    uvicorn = pytest.importorskip("uvicorn", reason="the lab extra (uvicorn) is not installed")
    lab = pytest.importorskip("chainrule.lab", reason="the lab extra is not installed")
    if not hasattr(lab, "create_app"):
        pytest.skip("chainrule.lab has no create_app (the lab server is missing)")
    config = uvicorn.Config(lab.create_app(), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="lab-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the lab server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module (closed after it, with Playwright's loop)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )
    path = _chromium()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


class Console:
    """Console errors and page errors seen by a page; a test may allow expected ones."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[str] = []

    def allow(self, fragment: str) -> None:
        """Accept console errors containing `fragment` (say, the 400 of a bad formula)."""
        self.allowed.append(fragment)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]


@pytest.fixture
def console() -> Console:
    return Console()


def _open_page(browser, console, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
    page.on("pageerror", lambda e: console.errors.append(f"page error: {e}"))
    return context, page


@pytest.fixture
def page(browser, console):
    """A 1280x800 page; the test fails on any console error it did not allow."""
    context, page = _open_page(browser, console, 1280, 800)
    yield page
    context.close()
    assert console.unexpected() == [], "console errors in the page"


@pytest.fixture
def phone(browser, console):
    """A 390-pixel-wide page, like a phone held upright."""
    context, page = _open_page(browser, console, 390, 844)
    yield page
    context.close()
    assert console.unexpected() == [], "console errors in the page"


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Save a screenshot under pytest's tmp dir (and CHAINRULE_LAB_SCREENSHOTS when set)."""
    folder = tmp_path_factory.mktemp("lab-screenshots")
    keep = os.environ.get("CHAINRULE_LAB_SCREENSHOTS")

    def save(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(keep) / path.name)
        return path

    return save
