"""The whole course in the browser: every lesson opens, every example runs, every exercise
passes with its solution, on the real site (uvicorn, the sandbox, the real CSP).

The curriculum's "done when": a learner can go from the first lesson to the last in the
browser, run every example and pass every exercise. The engine side of each sample is
pinned by the golden traces (tests/lessons); this proves the pages deliver it.
"""

from __future__ import annotations

from typing import Any

import pytest
from wsgi_asgi_tour.lessons import load_course

from tests.frontend.test_pages import CHECK, EDITOR

COURSE = load_course()
SLUGS = [lesson.slug for lesson in COURSE.lessons]
WITH_EXERCISE = [lesson.slug for lesson in COURSE.lessons if lesson.exercise is not None]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_example_runs_in_the_page(open_site: Any, base: str, slug: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/lessons/{slug}")
    benches = page.locator(".prose .runnable-bench")
    count = benches.count()
    assert count == len(COURSE.by_slug[slug].runnables)
    for i in range(count):
        bench = benches.nth(i)
        bench.locator("button", has_text="Run").first.click()
        status = bench.locator(".run-status")
        # A finished run's status ends by counting the messages of its diagram.
        page.wait_for_function(
            "(el) => / messages?\\.?$/.test(el.textContent.trim())", arg=status.element_handle(),
            timeout=15_000)
        assert "is-error" not in (status.get_attribute("class") or ""), status.text_content()
        assert bench.locator(".flow-ev").count() >= 1  # the diagram was drawn
    # A page that moves on to the next lesson, as a learner does.
    nxt = COURSE.by_slug[slug].next
    if nxt:
        assert page.locator(f"link[rel=next][href='/lessons/{nxt}']").count() == 1
    assert p.errors == []


@pytest.mark.parametrize("slug", WITH_EXERCISE)
def test_every_exercise_passes_with_its_solution(open_site: Any, base: str, slug: str) -> None:
    p = open_site()
    page = p.page
    page.goto(f"{base}/lessons/{slug}")
    page.wait_for_selector(EDITOR)
    page.click(CHECK)  # an attempt first: the solution is offered only after one
    page.wait_for_selector("#check-results li")
    page.click("#solution-button")
    page.click("text=Put the solution in my editor")
    page.click(CHECK)
    page.wait_for_function(
        "() => document.querySelectorAll('#check-results li').length > 0 && "
        "document.querySelectorAll('#check-results li.fail').length === 0", timeout=15_000)
    assert page.is_visible("#passed-note")
    assert p.errors == []
