"""Follow mode in two real Chromium contexts: a teacher runs code, a student sees it live.

The teacher logs in with the token (as from the URL ``serve`` prints), starts a room in
the playground and runs; the student, a fresh context with no token, opens the follow
link and must see the same code and the same message diagram. Then the teacher moves
to a lesson (the room follows the tab), a latecomer joins, and the teacher closes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.frontend.conftest import OpenPage
from tests.frontend.test_a11y import audit
from tests.frontend.test_pages import code_of, replace_code, run

pytestmark = pytest.mark.browser

FOLLOWED = "#follow-bench"
ASGI_APP = """\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"from the teacher"})
"""


def arrows(page: Any, scope: str) -> list[str]:
    """The diagram's arrows, in order, as "#index lane": labels are cut to the page width."""
    return [text.split(":")[0] for text in page.locator(f"{scope} .flow-ev").all_text_contents()]


def wait_for_run(page: Any, seq: int) -> None:
    page.wait_for_function(
        f"() => document.getElementById('follow-status').textContent.includes('run {seq}')",
        timeout=15000)


def test_a_student_sees_each_run_of_the_teacher(
        open_site: OpenPage, open_page: OpenPage, base: str) -> None:
    teacher = open_site()
    t = teacher.page
    t.goto(base + "/playground")
    t.wait_for_selector("#bench .cm-content")
    t.click(".room-start")
    t.wait_for_selector(".room-bar:not([hidden])")
    link = t.input_value(".room-link")
    assert t.is_hidden(".room-start")  # one room per tab: the bar replaces the button
    assert link.startswith(base + "/follow/")

    student = open_page()  # no token: following needs only the link
    s = student.page
    s.goto(link)
    s.wait_for_selector("#follow-status[data-state=waiting]")
    assert s.is_hidden(FOLLOWED)
    t.wait_for_function("() => document.querySelector('.room-count').textContent === '1 follower'")
    t.wait_for_selector(".room-state:has-text('Live')")

    # Run 1: whatever the playground holds.
    run(t, "#bench")
    wait_for_run(s, 1)
    assert code_of(s, FOLLOWED) == code_of(t, "#bench")
    assert arrows(s, FOLLOWED) == arrows(t, "#bench") and len(arrows(s, FOLLOWED)) > 3
    s.click(f"{FOLLOWED} .cm-content")
    s.keyboard.type("zzz")  # read-only: the student's keys change nothing
    assert code_of(s, FOLLOWED) == code_of(t, "#bench")
    assert s.is_hidden(f"{FOLLOWED} .btn-primary")  # students watch; they do not run here
    # The student steps through at their own pace, with the playground's own controls.
    s.click(f"{FOLLOWED} [data-act=next]")
    s.click(f"{FOLLOWED} [data-act=next]")
    assert s.get_attribute(f"{FOLLOWED} .flow-ev.is-current", "data-index") == "1"
    s.click(f"{FOLLOWED} .flow-ev[data-index='0']")
    assert s.text_content(f"{FOLLOWED} .flow-details")

    # Run 2: new code; the page replaces the run.
    replace_code(t, ASGI_APP, "#bench")
    t.select_option("#interface", "asgi")
    run(t, "#bench")
    wait_for_run(s, 2)
    assert code_of(s, FOLLOWED) == code_of(t, "#bench") == ASGI_APP
    assert arrows(s, FOLLOWED) == arrows(t, "#bench")
    assert "from the teacher" in s.text_content(f"{FOLLOWED} .results")
    assert "ASGI" in s.text_content("#follow-meta")
    student.shot("follow-student")

    # The room stays with the teacher's tab: a lesson's exercise run goes out too.
    t.goto(base + "/lessons/first-wsgi-app")
    t.wait_for_selector("#exercise-bench .cm-content")
    t.wait_for_selector(".room-state:has-text('Live')")
    run(t)
    wait_for_run(s, 3)
    assert code_of(s, FOLLOWED) == code_of(t)
    assert arrows(s, FOLLOWED) == arrows(t, "#exercise-bench")
    assert s.get_attribute("#follow-meta a", "href") == "/lessons/first-wsgi-app"
    teacher.shot("follow-teacher")

    # A latecomer gets the last run at once. (Its context lets axe's script in.)
    late = open_page(dark=True, bypass_csp=True)
    late.page.goto(link)
    wait_for_run(late.page, 3)
    assert code_of(late.page, FOLLOWED) == code_of(t)
    axe = pytest.importorskip("axe_playwright_python")
    late.page.locator(f"{FOLLOWED} .flow-ev").nth(2).click()
    assert audit(late.page, Path(axe.__file__).parent / "axe.min.js") == []

    # Closing the room tells everyone; the pages stop trying.
    t.click(".room-bar button:has-text('Close the room')")
    for page in (s, late.page):
        page.wait_for_selector("#follow-status[data-state=closed]", timeout=10000)
    assert t.is_visible(".room-start")
    assert teacher.errors == [] and student.errors == [] and late.errors == []


def test_an_unknown_room_says_so(open_page: OpenPage, base: str) -> None:
    student = open_page()
    student.page.goto(base + "/follow/abcdefgh")
    student.page.wait_for_selector("#follow-status[data-state=closed]")
    assert "closed" in student.page.text_content("#follow-status")
    assert student.errors == []


def test_the_room_bar_passes_axe(open_site: OpenPage, base: str) -> None:
    axe = pytest.importorskip("axe_playwright_python")
    teacher = open_site(dark=True, bypass_csp=True)  # axe's script is inline
    t = teacher.page
    t.goto(base + "/playground")
    t.click(".room-start")
    t.wait_for_selector(".room-state:has-text('Live')")
    assert t.is_visible(".room-note")  # served on 127.0.0.1: the link is for this computer
    assert audit(t, Path(axe.__file__).parent / "axe.min.js") == []
    t.click(".room-bar button:has-text('Close the room')")
    assert t.is_hidden(".room-bar")
