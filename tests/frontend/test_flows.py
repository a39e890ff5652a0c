"""A learner's flows end to end: real Chromium, the real app on a real uvicorn.

Open a lesson, type the fix, run it, step through the diagram, pass and fail each
exercise, reload and find the code, switch theme, a 390 px phone, an unknown lesson,
and a browser that never got the token. Screenshots land in test-artifacts/frontend/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.frontend.test_pages import CHECK, EDITOR, LESSON, code_of, lesson, run

pytestmark = pytest.mark.browser

EXERCISES = ["first-wsgi-app", "first-asgi-app", "websocket-echo"]
SHADOW = "document.querySelector('#exercise-bench .editor-host').shadowRoot"


def editor_style(page: Any, selector: str, prop: str) -> str:
    return str(page.evaluate(
        f"getComputedStyle({SHADOW}.querySelector('{selector}')).{prop}"))


def current(page: Any) -> int | None:
    value = page.evaluate("document.querySelector('#exercise-bench .flow-ev.is-current')"
                          "?.dataset.index ?? null")
    return None if value is None else int(value)


def test_type_the_fix_run_step_through_and_pass(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    # Type over line 3 (`name = "world"`) key by key, as a learner does; CodeMirror's
    # bracket and quote closing must leave exactly what was typed.
    page.locator(f"{EDITOR} .cm-line").nth(2).click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.type('name = environ["PATH_INFO"].lstrip("/")')
    assert code_of(page).splitlines()[2] == '    name = environ["PATH_INFO"].lstrip("/")'
    run(page)
    # Two requests: each gets its own group in the diagram, with the typed answer.
    groups = page.locator("#exercise-bench .group-title").all_text_contents()
    assert [g.split(" ·")[0] for g in groups] == ["Request 1", "Request 2"]
    assert "Hello, ada!" in page.text_content("#exercise-bench .results")
    total = page.locator("#exercise-bench .flow-ev").count()
    # Step with the buttons, then the keys; the position label follows.
    page.click("#exercise-bench [data-act=next]")
    page.click("#exercise-bench [data-act=next]")
    assert current(page) == 1
    page.focus("#exercise-bench .flow-scroll")
    page.keyboard.press("End")
    assert current(page) == total - 1
    assert page.text_content("#exercise-bench .flow-pos") == f"{total} / {total}"
    page.keyboard.press("Home")
    assert current(page) == 0
    page.click("#exercise-bench .flow-ev[data-index='2']")  # the full data of one message
    details = page.text_content("#exercise-bench .flow-details")
    assert "start_response" in details and "your line 5" in details
    assert "'Content-Type', 'text/plain; charset=utf-8'" in details
    assert page.locator("#exercise-bench .cm-line.cm-mark-step").text_content().strip(
        ).startswith("start_response(")
    p.shot("flow-typed-and-stepped")
    page.click(CHECK)
    page.wait_for_selector("#check-results li")
    assert page.locator("#check-results li.fail").count() == 0
    assert page.is_visible("#passed-note")
    # The solution stays available after success.
    page.click("#solution-button")
    page.wait_for_selector("#solution .cm-content")  # shown in a read-only editor
    assert "PATH_INFO" in code_of(page, "#solution")
    # Reload: the typed code is back, not the starter.
    page.reload()
    page.wait_for_selector(EDITOR)
    assert 'environ["PATH_INFO"].lstrip("/")' in code_of(page)
    assert page.is_visible("#passed-note")
    assert p.errors == []


@pytest.mark.parametrize("slug", EXERCISES)
def test_each_exercise_fails_with_the_starter_and_passes_with_the_solution(
        open_site: Any, base: str, slug: str) -> None:
    p = lesson(open_site, base, f"/lessons/{slug}")
    page = p.page
    page.click(CHECK)
    page.wait_for_selector("#check-results li")
    failed = page.locator("#check-results li.fail")
    assert failed.count() >= 1
    assert failed.first.text_content().strip()  # says what is wrong, in words
    assert page.is_hidden("#passed-note")
    page.click("#solution-button")
    page.click("text=Put the solution in my editor")
    page.click(CHECK)
    page.wait_for_function(
        "() => document.querySelectorAll('#check-results li.fail').length === 0")
    assert page.locator("#check-results li.pass").count() >= 2
    assert page.is_visible("#passed-note")
    page.goto(base + "/lessons")
    page.wait_for_selector(f"li.done[data-lesson='{slug}']")
    assert p.errors == []


def test_the_editor_is_styled_under_the_real_csp(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    # CodeMirror's own base theme (flex layout, monospace, gutters) reached the shadow root:
    # under style-src 'self' an injected <style> would have been refused.
    assert editor_style(page, ".cm-editor", "display") == "flex"
    assert editor_style(page, ".cm-gutters", "display") == "flex"
    assert "mono" in editor_style(page, ".cm-scroller", "fontFamily").lower()
    assert editor_style(page, ".cm-content", "whiteSpace") == "pre-wrap"
    # Python is highlighted: the `def` keyword has a colour of its own.
    colours = page.evaluate(f"""() => [...{SHADOW}.querySelectorAll('.cm-line span')]
        .map(s => getComputedStyle(s).color)""")
    assert len(set(colours)) >= 3
    assert p.errors == []  # no "Refused to apply inline style"
    p.shot("editor-light", "#exercise-bench .editor-panel")


def test_switching_theme_restyles_the_page_and_editor_and_sticks(
        open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    assert page.get_attribute("html", "data-theme") == "light"
    light = (page.evaluate("getComputedStyle(document.body).backgroundColor"),
             editor_style(page, ".cm-editor", "backgroundColor"))
    page.click("[data-theme-toggle]")
    assert page.get_attribute("html", "data-theme") == "dark"
    dark = (page.evaluate("getComputedStyle(document.body).backgroundColor"),
            editor_style(page, ".cm-editor", "backgroundColor"))
    assert dark[0] != light[0] and dark[1] != light[1]
    p.shot("editor-dark", "#exercise-bench .editor-panel")
    page.goto(base + "/playground")
    page.wait_for_selector("#bench .cm-content")
    assert page.get_attribute("html", "data-theme") == "dark"
    page.click("[data-theme-toggle]")
    page.reload()
    page.wait_for_selector("#bench .cm-content")
    assert page.get_attribute("html", "data-theme") == "light"
    assert p.errors == []


def test_a_phone_can_do_the_exercise(open_site: Any, base: str) -> None:
    p = open_site(390, height=844)
    page = p.page
    page.goto(base + LESSON)
    page.wait_for_selector(EDITOR)
    # Stacked: the workbench below the prose, not beside it.
    prose = page.locator(".prose").bounding_box()
    bench = page.locator(".workbench").bounding_box()
    assert bench["y"] >= prose["y"] + prose["height"] - 1
    assert bench["width"] <= 390
    editable = page.locator(EDITOR)
    for name in ("autocapitalize", "autocorrect"):
        assert editable.get_attribute(name) == "off"
    assert editable.get_attribute("spellcheck") == "false"
    run(page)
    assert page.locator("#exercise-bench .flow-ev").count() > 8
    page.locator("#exercise-bench .flow-scroll").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(CHECK)
    page.wait_for_selector("#check-results li")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    p.shot("flow-phone-lesson", full_page=True)
    assert p.errors == []


def test_an_unknown_lesson_is_a_helpful_404(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    response = page.goto(base + "/lessons/first-wsgi")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    assert "/lessons/first-wsgi" in page.text_content("main")
    suggestion = page.locator("main li a").first
    assert suggestion.get_attribute("href") == LESSON
    p.shot("not-found-lesson")
    suggestion.click()
    page.wait_for_selector(EDITOR)
    assert page.url == base + LESSON


def test_without_the_token_a_run_explains_what_to_do(open_page: Any, base: str) -> None:
    p = open_page()  # never opened the printed URL: no cookie
    page = p.page
    page.goto(base + LESSON)
    page.wait_for_selector(EDITOR)
    page.click("#exercise-bench .btn-primary")
    page.wait_for_selector("#exercise-bench .run-status.is-error")
    assert "access token" in page.text_content("#exercise-bench .run-status")
    # A wrong token in the URL is refused with a page that says why.
    response = page.goto(base + "/?token=not-the-token")
    assert response is not None and response.status == 403
    assert "token" in page.text_content("body")
