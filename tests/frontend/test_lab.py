"""The concurrency lab page in real Chromium, against the real app and sandbox.

Every run here goes through POST /api/lab to the isolation Executor; the simulated
clock makes the figures exact (100 requests sleeping 1 s on 1 worker x 4 threads take
25.0 s of simulated time), so the page's numbers can be asserted to the digit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.browser

EDITOR = "#lab-editor .cm-content"
STATUS = "#lab-status"


def lab(open_site: Any, base: str, query: str = "", dark: bool = False) -> Any:
    p = open_site(1280, dark)
    p.page.goto(f"{base}/lab{query}")
    p.page.wait_for_selector(EDITOR)
    return p


def code_of(page: Any) -> str:
    return str(page.evaluate("""() => [...document.querySelector('#lab-editor .editor-host')
        .shadowRoot.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')"""))


def is_lab(request: Any) -> bool:
    return bool(request.method == "POST" and request.url.endswith("/api/lab"))


def run(page: Any, runs: int = 1) -> list[dict[str, Any]]:
    """Click Run and wait until the button is free again; return what the page posted."""
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if is_lab(r) else None)
    with page.expect_response(lambda r: is_lab(r.request)):
        page.click("#lab-run")
    page.wait_for_function("() => !document.getElementById('lab-run').hasAttribute('aria-busy')")
    assert len(sent) == runs
    return sent


def figure(page: Any, key: str, run_index: int = 0) -> str:
    return str(page.text_content(f'td[data-figure="{key}"][data-run="{run_index}"]')).strip()


def test_a_preset_runs_and_draws_every_request(open_site: Any, base: str) -> None:
    p = lab(open_site, base, "?preset=wsgi-sleep")
    page = p.page
    assert page.url == f"{base}/lab", "the preset leaves the address, so a reload keeps edits"
    assert "time.sleep(1)" in code_of(page)
    sent = run(page)
    assert sent[0]["lab"] == {"requests": 100, "every_ms": 0, "method": "GET", "path": "/",
                              "server": {"model": "threads", "workers": 1, "threads": 4}}
    page.wait_for_selector("#lab-results:not([hidden]) .tl-row")
    assert page.locator("#lab-charts .tl-row").count() == 100
    assert figure(page, "makespan") == "25.0 s"
    assert figure(page, "in-flight") == "4"
    assert page.locator(".tl-legend-list li").count() == 4
    label = page.get_attribute("#lab-charts .tl-scroll", "aria-label")
    assert label and "100 requests" in label and "25.0 s" in label
    # Each request can be read with the keyboard; the last one waited 24 s for a thread.
    page.focus("#lab-charts .tl-scroll")
    page.keyboard.press("End")
    detail = page.text_content("#lab-charts .tl-detail")
    assert detail and detail.startswith("Request 100:") and "done at 25.0 s" in detail
    # and as a table
    page.click("#lab-charts .tl-table summary")  # built on the (asynchronous) toggle event
    page.locator("#lab-charts .tl-grid-table tbody tr").nth(99).wait_for()
    assert page.locator("#lab-charts .tl-grid-table tbody tr").count() == 100
    # Grouped by lane: 4 threads, so 3 lines between the groups, and still 100 rows.
    page.select_option("#lab-order", "lane")
    assert page.locator("#lab-charts .tl-lane").count() == 3
    assert page.locator("#lab-charts .tl-row").count() == 100
    assert p.errors == []
    p.shot("lab-wsgi-sleep", "#lab-results")


def test_the_async_presets_tell_a_loop_apart_from_a_blocked_loop(open_site: Any,
                                                                 base: str) -> None:
    p = lab(open_site, base, "?preset=async-sleep")
    page = p.page
    run(page)
    page.wait_for_selector("#lab-results:not([hidden]) .tl-row")
    assert figure(page, "makespan") == "1.00 s"
    page.select_option("#lab-preset", "blocking-sleep")
    assert "time.sleep(1)" in code_of(page)
    run(page)
    page.wait_for_function("() => document.querySelector('td[data-figure=makespan]')"
                           ".textContent.trim() === '100.0 s'")
    # One request at a time holds the loop (running); the others wait their turn.
    assert page.locator("#lab-charts .tl-running").count() >= 100
    assert "time.sleep" in page.text_content("#lab-notes")
    p.shot("lab-blocking-sleep", "#lab-results")
    assert p.errors == []


def test_bad_input_is_refused_before_and_by_the_server(open_site: Any, base: str) -> None:
    p = lab(open_site, base)
    page = p.page
    page.fill("#lab-requests", "5000")
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if is_lab(r) else None)
    page.click("#lab-run")
    assert page.get_attribute(STATUS, "role") == "alert"
    assert "from 1 to 1000" in page.text_content(STATUS)
    assert page.get_attribute("#lab-requests", "aria-invalid") == "true"
    assert page.is_visible("#lab-requests-error")
    assert page.evaluate("document.activeElement.id") == "lab-requests"
    assert sent == [], "nothing is sent while a field is out of range"
    # Past the page's own check, the API refuses too, and the page says why.
    page.evaluate("document.getElementById('lab-requests').max = '99999'")
    with page.expect_response(lambda r: is_lab(r.request)) as answer:
        page.click("#lab-run")
    assert answer.value.status == 400
    page.wait_for_function("() => !document.getElementById('lab-run').hasAttribute('aria-busy')")
    status = page.text_content(STATUS)
    assert status.startswith("The lab could not run:") and "1000" in status
    assert page.get_attribute(STATUS, "role") == "alert"
    # Code that does not load is an error in the page too, with its line marked.
    page.fill("#lab-requests", "10")
    page.click(EDITOR)
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text("def app(environ, start_response)\n    return []\n")
    run(page)
    assert "SyntaxError" in page.text_content(STATUS)
    assert page.get_attribute(STATUS, "role") == "alert"
    marked = page.locator("#lab-editor .cm-line.cm-mark-error")
    assert marked.count() == 1 and marked.text_content().startswith("def app(")
    assert p.errors == [] or all("400" in e for e in p.errors)


def test_code_and_settings_survive_a_reload(open_site: Any, base: str) -> None:
    p = lab(open_site, base)
    page = p.page
    page.click(EDITOR)
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# my experiment\n")
    page.fill("#lab-requests", "37")
    page.check('input[name="a-model"][value="loop"]')
    page.fill("#a-pool", "8")
    page.dispatch_event("#a-pool", "change")
    page.wait_for_timeout(700)  # the editor's save is debounced
    page.reload()
    page.wait_for_selector(EDITOR)
    assert "# my experiment" in code_of(page)
    assert page.input_value("#lab-requests") == "37"
    assert page.is_checked('input[name="a-model"][value="loop"]')
    assert page.input_value("#a-pool") == "8" and page.is_visible("#a-pool")
    assert page.is_hidden("#a-threads")
    # A lesson's preset link replaces the code, undoably.
    page.goto(f"{base}/lab?preset=async-sleep")
    page.wait_for_selector(EDITOR)
    assert "asyncio.sleep(1)" in code_of(page) and "# my experiment" not in code_of(page)
    assert "Ctrl+Z" in page.text_content(STATUS)
    page.click(EDITOR)
    page.keyboard.press("Control+z")
    assert "# my experiment" in code_of(page)
    assert p.errors == []


def test_compare_draws_two_timelines_on_one_axis(open_site: Any, base: str) -> None:
    p = lab(open_site, base, "?preset=wsgi-sleep")
    page = p.page
    page.check("#lab-compare")
    assert page.is_visible("#b-server")
    page.fill("#b-workers", "2")
    page.fill("#b-threads", "4")
    sent = run(page, runs=2)
    assert [s["lab"]["server"] for s in sent] == [
        {"model": "threads", "workers": 1, "threads": 4},
        {"model": "threads", "workers": 2, "threads": 4}]
    page.wait_for_function("() => document.querySelectorAll('#lab-charts .tl').length === 2")
    assert figure(page, "makespan", 0) == "25.0 s"
    assert figure(page, "makespan", 1) == "13.0 s"
    widths = page.evaluate("""() => [...document.querySelectorAll('#lab-charts .tl-axis')]
        .map(a => a.querySelector('.tl-tick-label:last-of-type').textContent)""")
    assert widths[0] == widths[1], "both charts share the time axis"
    p.shot("lab-compare", full_page=True)
    assert p.errors == []


def test_a_thousand_requests_draw_quickly(open_site: Any, base: str) -> None:
    p = lab(open_site, base, "?preset=async-sleep")
    page = p.page
    page.fill("#lab-requests", "1000")
    run(page)
    page.wait_for_selector("#lab-results:not([hidden]) .tl-row")
    assert page.locator("#lab-charts .tl-row").count() == 1000
    draw_ms = float(page.get_attribute("#lab-charts .tl", "data-draw-ms"))
    assert draw_ms < 250, f"drawing 1000 requests took {draw_ms} ms"
    assert p.errors == []


def test_spaced_arrivals_reach_the_server(open_site: Any, base: str) -> None:
    p = lab(open_site, base, "?preset=wsgi-sleep")
    page = p.page
    page.check('input[name="arrival"][value="spaced"]')
    assert page.is_visible("#lab-every")
    page.fill("#lab-every", "250")
    sent = run(page)
    assert sent[0]["lab"]["every_ms"] == 250
    # One arrives every 250 ms and each takes 1 s: 4 threads keep up, nobody queues.
    page.wait_for_selector("#lab-results:not([hidden]) .tl-row")
    assert figure(page, "makespan") == "25.8 s"  # 99 x 250 ms + 1 s
    assert figure(page, "p99") == "1.00 s"
    assert page.locator("#lab-charts .tl-queued").count() == 0
    assert p.errors == []
