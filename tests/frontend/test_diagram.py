"""The message-flow diagram in real Chromium, fed real engine traces (fixtures/).

The demo page (tests/frontend/demo.html) loads diagram.js, transcript.js and
response.js under the site's CSP and records the step events on window.demo. It is a
component test fed recorded traces, so a small static server (harness.py) serves it;
the site's own pages are tested on the real app (test_pages.py, test_flows.py).
Screenshots land in test-artifacts/frontend/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.frontend.harness import ROOT

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "frontend" / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def trace_of(name: str) -> dict[str, Any]:
    trace: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())["trace"]
    return trace


def demo(open_page: Any, demo_base: str, name: str, width: int = 1100, dark: bool = False) -> Any:
    p = open_page(width, dark)
    p.page.goto(f"{demo_base}/tests/frontend/demo.html?fixture={name}")
    p.page.wait_for_function("() => window.demo && window.demo.ready")
    return p


def current(page: Any) -> int | None:
    value = page.evaluate(
        "document.querySelector('#diagram .flow-ev.is-current')?.dataset.index ?? null")
    return None if value is None else int(value)


def test_fixtures_cover_every_kind_of_trace() -> None:
    traces = [trace_of(n) for n in NAMES]
    assert {t["interface"] for t in traces} == {"wsgi", "asgi"}
    kinds = {e["data"].get("type") for t in traces for e in t["events"] if e["kind"] == "call"}
    assert {"http", "websocket", "lifespan"} <= kinds
    assert any(t["violations"] for t in traces) and any(t["error"] for t in traces)
    assert any(len(t["responses"]) > 1 for t in traces)


@pytest.mark.parametrize("name", NAMES)
def test_one_arrow_per_event(open_page: Any, demo_base: str, name: str) -> None:
    p = demo(open_page, demo_base, name)
    trace = trace_of(name)
    seqs = p.page.eval_on_selector_all("#diagram .flow-ev", "els => els.map(e => +e.dataset.seq)")
    assert seqs == [e["seq"] for e in trace["events"]]
    # One heading per request (plus the lifespan group), in order.
    groups = p.page.eval_on_selector_all(
        "#diagram .group-title", "els => els.map(e => e.textContent)")
    requests = sorted({e["request"] for e in trace["events"] if "request" in e})
    assert [g.split(" ·")[0] for g in groups if g.startswith("Request")] == [
        f"Request {i + 1}" for i in requests]
    assert p.errors == []
    p.shot(f"diagram-{name}", full_page=True)


def test_keys_step_and_fire_the_line(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "asgi_violations")
    page = p.page
    assert current(page) is None  # overview until the first step
    page.focus("#diagram .flow-scroll")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert current(page) == 3
    steps = page.evaluate("window.demo.steps")
    assert [s["index"] for s in steps] == [0, 1, 2, 3]
    assert steps[-1]["line"] == 3  # the send() on line 3 of the learner's code
    assert page.evaluate("window.demo.editor.marks.step") == [3]
    assert page.text_content("#diagram .flow-pos") == "4 / 8"
    # Later messages are faded, earlier ones not.
    assert page.eval_on_selector_all(
        "#diagram .flow-ev.is-future", "els => els.map(e => +e.dataset.index)") == [4, 5, 6, 7]
    page.keyboard.press("ArrowLeft")
    assert current(page) == 2
    page.keyboard.press("End")
    assert current(page) == 7
    page.keyboard.press("Home")
    assert current(page) == 0
    assert page.evaluate("window.demo.steps.at(-1).line") is None  # the client's request
    # The transcript follows the diagram.
    assert page.get_attribute("#transcript li[data-index='0']", "aria-current") == "step"


def test_buttons_and_play(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "wsgi_ok")
    page = p.page
    page.click("#diagram [data-act=next]")
    page.click("#diagram [data-act=next]")
    assert current(page) == 1
    page.click("#diagram [data-act=last]")
    assert current(page) == len(trace_of("wsgi_ok")["events"]) - 1
    page.select_option("#diagram .flow-speed select", "4")
    page.click("#diagram [data-act=play]")  # at the end: starts over from the first
    assert page.get_attribute("#diagram [data-act=play]", "aria-pressed") == "true"
    page.wait_for_function(
        "() => document.querySelector('#diagram .flow-ev.is-current')?.dataset.index === '3'")
    page.click("#diagram [data-act=play]")
    assert page.get_attribute("#diagram [data-act=play]", "aria-pressed") == "false"
    stopped = current(page)
    page.wait_for_timeout(500)
    assert current(page) == stopped


def test_click_shows_decoded_data(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "lifespan_two_requests")
    page = p.page
    page.click("#diagram .flow-ev[data-seq='6']")
    details = page.text_content("#diagram .flow-details")
    assert "http.response.start" in details
    # {"$tuple": [{"$bytes"...}, ...]} is shown as Python wrote it.
    assert "(b'content-type', b'text/plain')" in details
    assert "your line 14" in details
    page.click("#diagram .flow-ev[data-seq='8']")
    assert "b'visit 1'" in page.text_content("#diagram .details-data")
    assert page.evaluate("window.demo.steps.at(-1)") == {"index": 8, "line": 16}
    p.shot("diagram-details-lifespan")


def test_violations_are_red_with_spec_link(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "asgi_violations")
    page = p.page
    bad = page.eval_on_selector_all(
        "#diagram .flow-ev.sev-error", "els => els.map(e => +e.dataset.seq)")
    assert bad == [3]
    shaft = page.eval_on_selector(
        "#diagram .flow-ev.sev-error .shaft", "e => getComputedStyle(e).stroke")
    assert shaft == "rgb(198, 40, 40)"  # --error in the light theme
    # The problem list jumps to the message and explains it.
    page.click("#diagram .flow-problems button[data-index]")
    assert current(page) == 3
    card = page.locator("#diagram .flow-details .violation.sev-error")
    assert "Header name is a str" in card.text_content()
    assert "Why" in card.text_content() and "Fix" in card.text_content()
    href = card.locator("a.spec-link").get_attribute("href")
    assert href.startswith("https://asgi.readthedocs.io/en/latest/specs/www.html#")
    assert card.locator("a.rule-link").get_attribute("href").endswith("/rules#http.header_name_str")
    # The error's line is marked in the editor and the raw 500 is shown.
    assert page.evaluate("window.demo.editor.marks.error") == [3]
    assert "HTTP/1.1 500 Internal Server Error" in page.text_content("#result")
    p.shot("diagram-violation")


def test_warnings_are_amber(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "asgi_warnings")
    warned = p.page.eval_on_selector_all(
        "#diagram .flow-ev.sev-warning", "els => els.map(e => +e.dataset.seq)")
    assert warned == [v["event"] for v in trace_of("asgi_warnings")["violations"]]
    assert "2 warnings" in p.page.text_content("#diagram .flow-problems")


@pytest.mark.parametrize("name", NAMES)
def test_transcript_matches_the_diagram(open_page: Any, demo_base: str, name: str) -> None:
    p = demo(open_page, demo_base, name)
    labels = p.page.eval_on_selector_all(
        "#diagram .flow-ev title",
        "els => els.map(e => e.textContent.split(': ').slice(1).join(': '))")
    items = p.page.eval_on_selector_all("#transcript li", "els => els.map(e => e.textContent)")
    assert len(items) == len(labels) == len(trace_of(name)["events"])
    for label, item in zip(labels, items, strict=True):
        assert label in item
    p.page.wait_for_function("() => document.getElementById('live').textContent.length > 0")
    live = p.page.text_content("#live")
    assert f"{len(labels)} messages" in live


def test_unknown_kinds_are_drawn_generically(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "wsgi_ok")
    p.page.evaluate("""() => window.demo.diagram.show({
        interface: "asgi", outcome: "ok", response: null, responses: [], violations: [],
        error: null, stdout: "", events: [
          {seq: 0, t_ms: 0, kind: "mystery",
           data: {type: "x.y", weird: {"$repr": "<obj>", type: "O"}}},
          {seq: 1, t_ms: 1, kind: "client", data: {action: "teleport"}, request: 0}]})""")
    assert p.page.locator("#diagram .flow-ev").count() == 2
    p.page.click("#diagram .flow-ev[data-seq='0']")
    assert "<obj>" in p.page.text_content("#diagram .details-data")
    assert p.errors == []


def test_dark_theme_toggles_and_is_remembered(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "websocket")
    page = p.page
    assert page.get_attribute("html", "data-theme") == "light"
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click("[data-theme-toggle]")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.get_attribute("[data-theme-toggle]", "aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light_bg
    page.reload()
    page.wait_for_function("() => window.demo && window.demo.ready")
    assert page.get_attribute("html", "data-theme") == "dark"
    page.focus("#diagram .flow-scroll")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    p.shot("diagram-websocket-dark", full_page=True)


def test_follows_a_dark_system(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "wsgi_error", dark=True)
    assert p.page.get_attribute("html", "data-theme") == "dark"


@pytest.mark.parametrize("name", NAMES)
def test_phone_width_has_no_horizontal_scroll(open_page: Any, demo_base: str, name: str) -> None:
    p = demo(open_page, demo_base, name, width=390)
    page = p.page
    page.focus("#diagram .flow-scroll")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    width = page.eval_on_selector("#diagram .flow-svg", "e => e.getBoundingClientRect().width")
    assert width <= 390
    if name in ("lifespan_two_requests", "asgi_violations"):
        p.shot(f"diagram-{name}-390", full_page=True)


def test_scale_for_a_projector(open_page: Any, demo_base: str) -> None:
    p = demo(open_page, demo_base, "websocket", width=1400)
    page = p.page
    small = page.eval_on_selector("#diagram .flow-svg", "e => e.getBoundingClientRect().height")
    page.evaluate("() => window.demo.diagram.setScale(1.6)")
    big = page.eval_on_selector("#diagram .flow-svg", "e => e.getBoundingClientRect().height")
    assert big > small * 1.5
    assert page.locator("#diagram .flow-ev").count() == len(trace_of("websocket")["events"])
    page.click("#diagram [data-act=next]")
    p.shot("diagram-scaled", "#diagram")
