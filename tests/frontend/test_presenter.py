"""Presenter mode in real Chromium: the toggle, large type and bigger diagrams, a
clicker's keys (PageDown, PageUp, Space) stepping the diagram in use, the speed
control, focus mode hiding the prose, and the choice kept from page to page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

BENCH = "#exercise-bench"


def current(page: Any) -> int | None:
    value = page.evaluate(f"document.querySelector('{BENCH} .flow-ev.is-current')"
                          "?.dataset.index ?? null")
    return None if value is None else int(value)


def test_a_clicker_steps_through_the_messages(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/lessons/first-wsgi-app")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("[data-presenter-toggle]")
    assert page.get_attribute("[data-presenter-toggle]", "aria-pressed") == "true"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size * 1.2
    host = f"document.querySelector('{BENCH} .editor-host')"
    editor = f"{host}.shadowRoot.querySelector('.cm-editor')"
    code_size = page.evaluate(f"parseFloat(getComputedStyle({editor}).fontSize)")
    assert code_size >= 20  # the code is read from the back of the room too
    page.click(f"{BENCH} button.btn-primary")  # Run
    page.wait_for_selector(f"{BENCH} .flow-ev")
    row = page.evaluate(f"document.querySelector('{BENCH} .flow-ev .hit').getAttribute('height')")
    assert float(row) > 42 * 1.5  # the diagram redrew at the presenter's scale
    page.evaluate("document.activeElement.blur()")  # a button keeps Space for itself
    page.keyboard.press("PageDown")
    assert current(page) == 0
    page.keyboard.press("PageDown")
    page.keyboard.press(" ")
    assert current(page) == 2
    page.keyboard.press("PageUp")
    assert current(page) == 1
    # The pointer: the current arrow's row is outlined.
    # (It pulses from 14px to 4px once, so read it as a number.)
    stroke = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector("
                           f"'{BENCH} .flow-ev.is-current .hit')).strokeWidth)")
    assert stroke >= 4
    # Replay speed: the presenter's control sets the diagrams' own.
    page.keyboard.press("+")
    assert page.input_value(".presenter-bar select") == "2"
    assert page.input_value(f"{BENCH} .flow-speed select") == "2"
    # Keys typed in the editor stay in the editor.
    page.locator(f"{BENCH} .cm-content").click()
    page.keyboard.press("PageDown")
    assert current(page) == 1
    p.shot("presenter-lesson")
    assert p.errors == []


def test_focus_hides_the_prose_and_the_choice_is_kept(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/lessons/first-wsgi-app?present=focus")
    assert page.is_hidden(".site-header")
    assert page.is_hidden("article.prose > p >> nth=1")
    assert page.is_visible("#lesson-title")
    assert page.is_visible(".runnable >> nth=0")
    page.keyboard.press("f")
    assert page.is_visible(".site-header")
    page.goto(f"{base}/playground")
    assert page.evaluate("document.body.classList.contains('presenter')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('presenter')")
    page.reload()
    assert not page.evaluate("document.body.classList.contains('presenter')")
    assert p.errors == []
