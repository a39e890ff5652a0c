"""An axe-core audit of each page type, light and dark: no serious or critical finding.

axe-core comes from the `axe-playwright-python` package (it ships axe.min.js). The
audit's own script is injected with the CSP bypassed; the page's scripts are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    ("lesson", "/lessons/first-wsgi-app", True),
    ("lesson-ws", "/lessons/websocket-echo", True),
    ("playground", "/playground", True),
    ("lab", "/lab?preset=to-thread", False),
    ("contents", "/lessons", False),
    ("rules", "/rules", False),
    ("not-found", "/nowhere", False),
    ("diagram", "/tests/frontend/demo.html?fixture=asgi_violations", False),
]
# Every site page again in Chinese (issue 7): the same audit at /zh/....
PAGES += [(f"{name}-zh", "/zh" + path, runs) for name, path, runs in list(PAGES)
          if path.startswith(("/lessons", "/playground", "/lab", "/rules", "/nowhere"))]


@pytest.fixture(scope="module")
def axe_js() -> Path:
    axe = pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
    return Path(axe.__file__).parent / "axe.min.js"


def audit(page: Any, axe_js: Path) -> list[str]:
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']}: {v['id']}: {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize(("name", "path", "runs"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_findings(request: pytest.FixtureRequest, axe_js: Path, name: str,
                             path: str, runs: bool, dark: bool) -> None:
    if "demo" in path:  # a component page: no app server needed
        p = request.getfixturevalue("open_page")(1280, dark, bypass_csp=True)
        base = request.getfixturevalue("demo_base")
    else:
        p = request.getfixturevalue("open_site")(1280, dark, bypass_csp=True)
        base = request.getfixturevalue("base")
    page = p.page
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if runs:  # audit the results too: diagram, tabs, details
        page.locator(".workbench .btn-primary, #bench .btn-primary").first.click()
        page.locator(".results:not([hidden]) .flow-ev").first.wait_for()
        page.locator(".results:not([hidden]) .flow-ev").nth(2).click()
    if "demo" in path:
        page.locator("#diagram .flow-ev").nth(3).click()
    if name.removesuffix("-zh") == "lab":  # audit a drawn timeline, its detail line and its table
        page.click("#lab-run")
        page.locator("#lab-results:not([hidden]) .tl-row").first.wait_for()
        page.focus("#lab-charts .tl-scroll")
        page.keyboard.press("Home")
        page.click("#lab-charts .tl-table summary")
        page.locator("#lab-charts .tl-grid-table").wait_for()
    assert audit(page, axe_js) == []
