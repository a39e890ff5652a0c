"""The page scripts in real Chromium: lesson, playground, contents, rules, 404.

The pages come from the real app on a real uvicorn (conftest.py): runs and checks go
through the security middleware to the isolation Executor, and the site's CSP is
the real one, so any inline script or style would show up as a console error. What
a page sent is read from the browser's own requests (``page.expect_request``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LESSON = "/lessons/first-wsgi-app"
# playwright's CSS engine pierces the editor's open shadow root
EDITOR = "#exercise-bench .cm-content"
CHECK = "#exercise-bench .actions button:has-text('Check')"


def lesson(open_site: Any, base: str, path: str = LESSON, width: int = 1280,
           dark: bool = False) -> Any:
    p = open_site(width, dark)
    p.page.goto(base + path)
    p.page.wait_for_selector(EDITOR)
    return p


def code_of(page: Any, scope: str = "#exercise-bench") -> str:
    return str(page.evaluate(f"""() => [...document.querySelector('{scope} .editor-host')
        .shadowRoot.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')"""))


def replace_code(page: Any, code: str, scope: str = "#exercise-bench") -> None:
    page.click(f"{scope} .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    # Typing would auto-indent; insertText puts the text as it is.
    page.keyboard.insert_text(code)


def is_run(request: Any) -> bool:
    return bool(request.method == "POST" and request.url.endswith("/api/run"))


def run(page: Any, scope: str = "#exercise-bench") -> dict[str, Any]:
    """Click Run, wait for the results; return the JSON the page posted."""
    with page.expect_request(is_run) as sent:
        page.click(f"{scope} .btn-primary")
    page.wait_for_function(f"""() => !document.querySelector('{scope} .btn-primary')
        .hasAttribute('aria-busy') && document.querySelector('{scope} .results')
        && !document.querySelector('{scope} .results').hidden""")
    payload: dict[str, Any] = json.loads(sent.value.post_data)
    return payload


def test_lesson_run_step_and_mark_the_line(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    sent = run(page)
    assert sent["interface"] == "wsgi"
    assert sent["scenario"] == {"requests": [{"path": "/ada"}, {"path": "/grace"}]}
    arrows = page.locator("#exercise-bench .flow-ev").count()
    assert arrows > 8
    page.focus("#exercise-bench .flow-scroll")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # start_response, on line 5 of the starter
    assert page.locator("#exercise-bench .cm-line.cm-mark-step").count() == 1
    assert "start_response" in page.text_content("#exercise-bench .cm-line.cm-mark-step")
    assert p.errors == []
    p.shot("lesson-wsgi-run")


def test_error_line_is_marked(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    replace_code(page, "def app(environ, start_response):\n    x = 1 / 0\n    return []\n")
    run(page)
    selected = page.get_attribute("#exercise-bench [role=tab][aria-selected=true]", "id")
    assert selected.endswith("-response")
    assert "ZeroDivisionError" in page.text_content("#exercise-bench .run-error")
    assert page.text_content("#exercise-bench .cm-line.cm-mark-error").strip() == "x = 1 / 0"


def test_check_fails_then_passes_and_progress_survives(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    page.click("#solution-button")  # no attempt yet: only a note
    assert page.is_visible("#solution-note") and page.is_hidden("#solution")
    page.click(CHECK)
    page.wait_for_selector("#check-results li")
    assert page.locator("#check-results li.fail").count() >= 1
    page.click("#hint-button")
    assert page.locator("#hints li:not([hidden])").count() == 1
    page.click("#solution-button")
    page.click("text=Put the solution in my editor")
    page.click(CHECK)
    page.wait_for_function("() => document.querySelectorAll('#check-results li.fail').length === 0")
    assert page.locator("#check-results li.pass").count() >= 5
    assert page.is_visible("#passed-note")
    page.evaluate("() => document.querySelector('.workbench').scrollTop = 0")
    p.shot("lesson-checks-passed", "#exercise-bench .editor-panel")
    # A reload keeps the code; the contents page shows the pass.
    page.reload()
    page.wait_for_selector(EDITOR)
    assert 'environ["PATH_INFO"].lstrip("/")' in code_of(page)
    page.goto(base + "/lessons")
    page.wait_for_selector("li.done[data-lesson='first-wsgi-app']")
    assert "Continue with" in page.text_content("#resume")
    assert p.errors == []
    p.shot("toc-progress")


def test_code_is_saved_while_typing_and_reset_is_undoable(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# my note\n")
    page.wait_for_timeout(700)  # the debounce
    saved = page.evaluate(
        "JSON.parse(localStorage.getItem('wat.progress.v1')).lessons['first-wsgi-app'].code")
    assert "# my note" in saved
    page.click("text=Reset")
    assert "# my note" not in code_of(page)
    page.click(EDITOR)
    page.keyboard.press("Control+z")
    assert "# my note" in code_of(page)


def test_shortcuts(open_site: Any, base: str) -> None:
    p = lesson(open_site, base)
    page = p.page
    runs: list[Any] = []
    page.on("request", lambda r: runs.append(r) if is_run(r) else None)
    page.click(EDITOR)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.querySelector('#exercise-bench .results').hidden")
    page.wait_for_timeout(300)  # a second, duplicate run would have been sent by now
    assert len(runs) == 1  # once, though both the editor and the page listen
    page.click("h1")
    page.keyboard.press("?")
    assert page.is_visible("#shortcuts")
    page.keyboard.press("Escape")
    following = page.get_attribute("link[rel=next]", "href")
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_url("**" + following)
    page.wait_for_load_state("load")  # module scripts (the shortcuts) have run by then
    page.keyboard.press("Alt+ArrowLeft")
    page.wait_for_url("**" + LESSON)


def test_request_panel_changes_the_scenario(open_site: Any, base: str) -> None:
    p = lesson(open_site, base, "/lessons/first-asgi-app")
    page = p.page
    first = page.locator(".prose .runnable").first
    first.locator("summary").click()
    first.locator("[data-mode=http]").click()
    first.locator("select").first.select_option("POST")
    first.locator("input[type=text]").first.fill("/echo?x=1")
    first.locator("textarea").nth(0).fill("Content-Type: text/plain")
    first.locator("textarea").nth(1).fill("hello")
    with page.expect_request(is_run) as sent:
        first.locator(".btn-primary").click()
    first.locator(".results:not([hidden])").wait_for()
    assert json.loads(sent.value.post_data)["scenario"] == {
        "method": "POST", "path": "/echo?x=1", "headers": [["Content-Type", "text/plain"]],
        "body": "hello"}
    # What the real server ran: the diagram's request heading names it.
    assert "POST /echo?x=1" in first.locator(".results .group-title").first.text_content()
    first.locator("[data-mode=json]").click()
    assert '"method": "POST"' in first.locator("textarea[aria-label='Scenario JSON']").input_value()
    first.locator("[data-mode=websocket]").click()
    first.locator("textarea").nth(2).fill("send hi\nreceive\nclose 1000 bye")
    with page.expect_request(is_run) as sent:
        first.locator(".btn-primary").click()
    first.locator(".results:not([hidden])").wait_for()
    assert json.loads(sent.value.post_data)["scenario"]["actions"] == [
        {"send": "hi"}, {"receive": True}, {"close": 1000, "reason": "bye"}]


def test_playground_share_link_round_trip(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(base + "/playground")
    page.wait_for_selector("#bench .cm-content")
    page.select_option("#starter", "websocket")
    assert "websocket.accept" in code_of(page, "#bench")
    run(page, "#bench")
    assert page.locator("#bench .flow-ev").count() > 5
    p.shot("playground-websocket")
    page.click("#share-button")
    page.wait_for_selector("#share-url:not([hidden])")
    url = page.input_value("#share-url")
    assert "#share=" in url and len(url) < 2000
    # A stranger (fresh storage) opening the link gets the same code and request.
    q = open_site()
    q.page.goto(url)
    q.page.wait_for_selector("#bench .cm-content")
    assert "websocket.accept" in code_of(q.page, "#bench")
    assert "WebSocket /ws" in q.page.text_content("#bench summary")
    assert p.errors == [] and q.errors == []


def test_damaged_share_link_is_refused_kindly(open_site: Any, base: str) -> None:
    p = open_site()
    p.page.goto(base + "/playground#share=z.AAAA")
    p.page.wait_for_selector("#bench .cm-content")
    assert "damaged" in p.page.text_content(".toast")
    assert "def app(environ, start_response)" in code_of(p.page, "#bench")


@pytest.mark.parametrize("path", [LESSON, "/lessons/websocket-echo", "/playground", "/lessons",
                                  "/rules", "/nowhere", "/zh" + LESSON, "/zh/playground",
                                  "/zh/lessons", "/zh/rules", "/zh/nowhere"])
def test_pages_fit_a_phone_and_obey_the_csp(open_site: Any, base: str, path: str) -> None:
    p = open_site(390)
    p.page.goto(base + path)
    p.page.wait_for_load_state("networkidle")
    assert p.page.evaluate("document.documentElement.scrollWidth") <= 390
    # The 404 page itself is logged as a failed load; nothing else may be.
    assert [e for e in p.errors if not path.endswith("/nowhere") or "404" not in e] == []
    name = path.strip("/").replace("/", "-") or "home"
    p.shot(f"page-{name}-390")


def test_dark_lesson_page(open_site: Any, base: str) -> None:
    p = lesson(open_site, base, "/lessons/first-asgi-app", dark=True)
    run(p.page)
    p.page.focus("#exercise-bench .flow-scroll")
    for _ in range(3):
        p.page.keyboard.press("ArrowRight")
    p.shot("lesson-asgi-dark")
    p.page.click("[data-theme-toggle]")
    assert p.page.get_attribute("html", "data-theme") == "light"


def test_lesson_page_weight_under_budget(open_site: Any, base: str) -> None:
    p = open_site()
    seen: list[Any] = []
    p.page.on("requestfinished", lambda r: seen.append(r))
    p.page.goto(base + LESSON)
    p.page.wait_for_load_state("networkidle")
    # Bytes as they came over the wire (the server gzips pages and static files), from
    # Content-Length: playwright's request.sizes() reports negative sizes for some.
    total = sum(int(r.response().headers["content-length"]) for r in seen)
    assert len(seen) > 10 and all(r.url.startswith(base) for r in seen)  # nothing external
    assert total < 300_000, f"{total} bytes compressed"
    assert p.errors == []


def test_corrupt_storage_never_breaks_the_page(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(base + "/lessons")
    page.evaluate("() => localStorage.setItem('wat.progress.v1', '{not json')")
    page.goto(base + LESSON)
    page.wait_for_selector(EDITOR)
    assert "def app(environ, start_response)" in code_of(page)
    assert page.evaluate("() => localStorage.getItem('wat.progress.v1.corrupt')") == "{not json"
    assert p.errors == []


def test_progress_export_and_import(open_site: Any, base: str, tmp_path: Any) -> None:
    p = lesson(open_site, base)
    page = p.page
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# exported\n")
    page.goto(base + "/lessons")
    with page.expect_download() as info:
        page.click("#export-progress")
    saved = tmp_path / "progress.json"
    info.value.save_as(saved)
    assert "# exported" in saved.read_text()
    # Another browser imports the file and finds the code.
    q = open_site()
    q.page.goto(base + "/lessons")
    q.page.set_input_files("#import-progress", str(saved))
    q.page.wait_for_selector(".toast:has-text('Imported')")
    q.page.wait_for_selector("li.started[data-lesson='first-wsgi-app']")
    q.page.goto(base + LESSON)
    q.page.wait_for_selector(EDITOR)
    assert "# exported" in code_of(q.page)


def test_code_that_does_not_load(open_site: Any, base: str) -> None:
    p = open_site()
    page = p.page
    page.goto(base + "/playground")
    page.wait_for_selector("#bench .cm-content")
    replace_code(page, "def app(environ, start_response)\n    return []\n", "#bench")
    run(page, "#bench")
    assert "SyntaxError" in page.text_content("#bench .run-error")
    assert page.locator("#bench .cm-line.cm-mark-error").count() == 1
    page.click("#bench [role=tab]:has-text('Messages')")
    assert "never called" in page.text_content("#bench .flow-details")
    assert p.errors == []


@pytest.mark.parametrize(("status", "words"), [(503, "busy"), (429, "a lot of runs")])
def test_busy_server_says_when_to_retry(open_site: Any, base: str, status: int, words: str) -> None:
    p = open_site()
    page = p.page
    page.route("**/api/run", lambda route: route.fulfill(
        status=status, headers={"Retry-After": "3", "content-type": "application/json"},
        body='{"error": {"code": "busy", "message": "busy"}}'))
    page.goto(base + "/playground")
    page.wait_for_selector("#bench .cm-content")
    page.click("#bench .btn-primary")
    page.wait_for_selector("#bench .run-status.is-error")
    assert words in page.text_content("#bench .run-status")
    assert "3 seconds" in page.text_content("#bench .run-status")
    assert page.is_disabled("#bench .btn-primary")
    page.wait_for_function("() => !document.querySelector('#bench .btn-primary').disabled",
                           timeout=6000)
