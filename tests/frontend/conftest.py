"""Browser fixtures for the front-end tests: Debian's Chromium driven by playwright.

Pages come from the real app (``create_app`` with the real isolation Executor) on a
real uvicorn, one server per test module; a browser context first opens
``/?token=...`` as a learner does from the URL ``serve`` prints, which swaps the
token for the HttpOnly cookie every run needs. Only the diagram's demo page, a
component test fed recorded traces, comes from a small static server (harness.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.frontend.harness import ROOT, serve_static
from tests.site.conftest import TOKEN, Live, live_server, make_settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
# Screenshots: test-artifacts/ (git-ignored), or wherever WSGI_ASGI_TOUR_ARTIFACTS says.
ARTIFACTS = Path(os.environ.get("WSGI_ASGI_TOUR_ARTIFACTS") or ROOT / "test-artifacts") / "frontend"


# One browser per module, not per session: playwright's sync API marks its event loop
# as running in the main thread while it is open, and the tests that follow (the engine,
# the executor) must not find a foreign loop there.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """The real site on a real uvicorn, for one test module."""
    with live_server(make_settings()) as running:
        yield running


@pytest.fixture
def base(live: Live) -> str:
    return live.url


@pytest.fixture(scope="session")
def demo_base() -> Iterator[str]:
    with serve_static() as url:
        yield url


class Page:
    """A fresh browser context (own storage) and page; records console errors (CSP!)."""

    def __init__(self, browser: Any, width: int, dark: bool, bypass_csp: bool = False,
                 height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           color_scheme="dark" if dark else "light",
                                           bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def login(self, base: str) -> None:
        """Open the printed URL: the server sets the token cookie and drops it from the URL."""
        response = self.page.goto(f"{base}/?token={TOKEN}")
        assert response is not None and response.status == 200
        assert self.page.url == base + "/", "the token must leave the address bar"

    def shot(self, name: str, selector: str | None = None, **kw: Any) -> Path:
        """Save a screenshot (of one element when `selector` is given) as a test artifact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if selector:
            self.page.locator(selector).first.screenshot(path=str(path), **kw)
        else:
            self.page.screenshot(path=str(path), **kw)
        return path


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Any) -> Iterator[OpenPage]:
    """Pages with no server login: for the demo page, or to act as a stranger."""
    made: list[Page] = []

    def make(width: int = 1280, dark: bool = False, bypass_csp: bool = False,
             height: int = 900) -> Page:
        page = Page(browser, width, dark, bypass_csp, height)
        made.append(page)
        return page

    yield make
    for p in made:
        p.context.close()


@pytest.fixture
def open_site(open_page: OpenPage, base: str) -> OpenPage:
    """Pages of the real site, logged in through the token URL like a learner."""
    def make(width: int = 1280, dark: bool = False, bypass_csp: bool = False,
             height: int = 900) -> Page:
        page = open_page(width, dark, bypass_csp, height)
        page.login(base)
        return page

    return make
