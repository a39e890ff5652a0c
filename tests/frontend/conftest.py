"""Browser fixtures for the front-end tests: Debian's Chromium driven by playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.frontend.harness import ROOT, Site, serve

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "frontend"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[str, Site]]:
    with serve() as running:
        yield running


@pytest.fixture
def base(server: tuple[str, Site]) -> str:
    return server[0]


@pytest.fixture
def site(server: tuple[str, Site]) -> Site:
    return server[1]


class Page:
    """A fresh browser context (own storage) and page; records console errors (CSP!)."""

    def __init__(self, browser: Any, width: int, dark: bool, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           color_scheme="dark" if dark else "light",
                                           bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def shot(self, name: str, selector: str | None = None, **kw: Any) -> Path:
        """Save a screenshot (of one element when `selector` is given) as a test artifact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if selector:
            self.page.locator(selector).first.screenshot(path=str(path), **kw)
        else:
            self.page.screenshot(path=str(path), **kw)
        return path


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    made: list[Page] = []

    def make(width: int = 1280, dark: bool = False, bypass_csp: bool = False) -> Page:
        page = Page(browser, width, dark, bypass_csp)
        made.append(page)
        return page

    yield make
    for p in made:
        p.context.close()
