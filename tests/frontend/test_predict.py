"""Predict-the-next-message questions in real Chromium (static/js/predict.js).

The page is the real lesson /lessons/how-the-tour-works served by the real app
(conftest.py): its first ``::: predict`` block asks about the runnable
``example_forgot``. The learner picks before any feedback shows; the pick is kept
in localStorage with the lesson's progress and survives a reload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LESSON = "/lessons/how-the-tour-works"
SLUG = "how-the-tour-works"
BOX = ".predict[data-predict-id='predict-1']"


def open_lesson(open_site: Any, base: str, width: int = 1280) -> Any:
    p = open_site(width)
    p.page.goto(base + LESSON)
    p.page.wait_for_selector(f"{BOX}.is-live")
    return p


def saved(page: Any) -> Any:
    return page.evaluate(f"""() => {{
        const d = JSON.parse(localStorage.getItem('wat.progress.v1') || '{{}}');
        return ((d.lessons || {{}})['{SLUG}'] || {{}}).predictions || null; }}""")


def choice(page: Any, index: int) -> Any:
    return page.locator(f"{BOX} .predict-choice").nth(index)


def test_pick_reveals_feedback_and_is_remembered(open_site: Any, base: str) -> None:
    p = open_lesson(open_site, base)
    page = p.page
    assert page.locator(f"{BOX} .predict-pick").count() == 3
    assert page.locator(f"{BOX} .predict-feedback:visible").count() == 0
    assert "[x]" not in page.text_content(BOX)

    choice(page, 0).locator(".predict-pick").click()  # a wrong answer
    assert page.locator(f"{BOX} .predict-feedback:visible").count() == 3
    assert "Not quite" in page.text_content(f"{BOX} .predict-status")
    assert "is-picked" in (choice(page, 0).get_attribute("class") or "")
    assert "is-correct" in (choice(page, 1).get_attribute("class") or "")
    assert choice(page, 0).locator(".predict-pick").get_attribute("aria-pressed") == "true"
    assert choice(page, 1).locator(".predict-pick").is_disabled()
    assert page.evaluate("document.activeElement.className") == "predict-status"
    assert saved(page) == {"predict-1": 0}
    p.shot("predict-answered", BOX)

    page.reload()
    page.wait_for_selector(f"{BOX}.is-answered")
    assert "is-picked" in (choice(page, 0).get_attribute("class") or "")
    assert page.locator(f"{BOX} .predict-feedback:visible").count() == 3

    page.click(f"{BOX} .predict-again")
    assert page.locator(f"{BOX} .predict-feedback:visible").count() == 0
    assert saved(page) == {}
    choice(page, 1).locator(".predict-pick").click()
    assert page.text_content(f"{BOX} .predict-status").startswith("Right")
    assert saved(page) == {"predict-1": 1}
    assert p.errors == []


def test_run_button_runs_the_example_the_question_is_about(open_site: Any, base: str) -> None:
    p = open_lesson(open_site, base)
    page = p.page
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/api/run")) as sent:
        page.click(f"{BOX} .predict-run")
    code = sent.value.post_data_json["code"]
    assert "start_response(...) is missing" in code
    block = ".runnable[data-code-id='example_forgot']"
    page.wait_for_function(f"""() => {{ const r = document.querySelector("{block} .results");
        return r && !r.hidden; }}""")
    assert p.errors == []


def test_keyboard_only_and_narrow_screen(open_site: Any, base: str) -> None:
    p = open_lesson(open_site, base, width=375)
    page = p.page
    page.focus(f"{BOX} .predict-choice:nth-child(2) .predict-pick")
    page.keyboard.press("Enter")
    assert page.text_content(f"{BOX} .predict-status").startswith("Right")
    width = page.evaluate(f"document.querySelector(\"{BOX}\").scrollWidth")
    assert width <= 375
    assert p.errors == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_finds_nothing_serious_in_an_answered_question(open_site: Any, base: str,
                                                           dark: bool) -> None:
    axe = pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
    p = open_site(1280, dark, bypass_csp=True)  # the audit's script is injected
    page = p.page
    page.goto(base + LESSON)
    page.wait_for_selector(f"{BOX}.is-live")
    choice(page, 2).locator(".predict-pick").click()
    page.add_script_tag(path=str(Path(axe.__file__).parent / "axe.min.js"))
    result = page.evaluate("""() => axe.run(document.querySelector('.prose'),
        {resultTypes: ['violations']})""")
    found = [f"{v['impact']}: {v['id']} @ {[n['target'] for n in v['nodes']][:3]}"
             for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert found == []
