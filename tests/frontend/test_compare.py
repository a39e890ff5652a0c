"""Side by side (/compare) in real Chromium on the real app: two apps, one request,
their messages lined up phase by phase, stepping one diagram brings the other along,
and the two apps survive a reload."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

LEFT, RIGHT = "#left-bench", "#right-bench"


def current_kind(page: Any, bench: str) -> str | None:
    return page.evaluate(  # type: ignore[no-any-return]
        f"document.querySelector('{bench} .flow-ev.is-current')?.dataset.kind ?? null")


def run_both(page: Any) -> None:
    page.click("#run-both")
    page.wait_for_selector(f"{LEFT} .flow-ev")
    page.wait_for_selector(f"{RIGHT} .flow-ev")
    page.wait_for_selector("#aligned:not([hidden])")


def test_hello_in_both_interfaces_lines_up_phase_by_phase(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/compare?preset=hello")
    run_both(page)
    assert "Hello, WSGI!" in page.text_content(f"{LEFT} .results")
    assert "Hello, ASGI!" in page.text_content(f"{RIGHT} .results")
    rows = page.locator("#aligned-body tr")
    titles = [t.strip() for t in page.locator("#aligned-body th").all_text_contents()]
    assert titles[:3] == ["The client sends the request", "The server calls the app",
                          "The app starts the response (status, headers)"]
    start = rows.nth(2)
    assert "start_response(" in start.locator("td").nth(0).text_content()
    assert "http.response.start" in start.locator("td").nth(1).text_content()
    # Choosing a phase steps both diagrams to it.
    start.locator("button").click()
    assert current_kind(page, LEFT) == "start_response"
    assert current_kind(page, RIGHT) == "send"
    assert page.text_content("#phase-pos") == f"Phase 3 of {rows.count()}"
    # Stepping one diagram brings the other to the same phase.
    page.focus(f"{LEFT} .flow-scroll")
    page.keyboard.press("Home")
    assert current_kind(page, LEFT) == "client"
    assert current_kind(page, RIGHT) == "client"
    page.click("#phase-next")
    assert current_kind(page, LEFT) == "call"
    assert current_kind(page, RIGHT) == "call"
    p.shot("compare-hello")
    assert p.errors == []


def test_the_two_apps_and_the_pair_survive_a_reload(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/compare")
    page.select_option("#preset", "streaming")
    assert "Loaded the pair" in page.text_content("#compare-status")
    page.reload()
    page.wait_for_selector(f"{LEFT} .cm-content")
    left = page.evaluate(f"document.querySelector('{LEFT} .editor-host').shadowRoot"
                         ".querySelector('.cm-content').innerText")
    assert "countdown" in left
    assert page.input_value("#preset") == "streaming"
    assert page.input_value("#left-interface") == "wsgi"
    assert page.input_value("#right-interface") == "asgi"
    run_both(page)
    assert "liftoff" in page.text_content(f"{LEFT} .results")
    assert p.errors == []


def test_a_lesson_links_to_its_pair(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/compare?preset=same-endpoint")
    link = page.locator("#preset-lesson")
    assert link.get_attribute("href") == "/lessons/choosing-wsgi-or-asgi"
    assert "Choosing WSGI or ASGI" in link.text_content()
