"""The Chinese site in real Chromium: language choice, the switch, scripts' strings, the
engine's explanations in Chinese, CJK typography, and screenshots of a Chinese lesson.

A browser context with ``locale="zh-CN"`` sends ``Accept-Language: zh-CN,zh``, as a
Chinese learner's browser does. Screenshots go to test-artifacts/frontend/i18n/ in the
checkout (git-ignored), or under $WSGI_ASGI_TOUR_ARTIFACTS/frontend/i18n/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.frontend.conftest import ARTIFACTS
from tests.site.conftest import TOKEN

pytestmark = pytest.mark.browser

LESSON = "/lessons/first-wsgi-app"
ZH_LESSON = "/zh" + LESSON
EDITOR = "#exercise-bench .cm-content"


def artifacts() -> Path:
    folder = ARTIFACTS / "i18n"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """A browser context in one locale, logged in through the token URL."""

    def __init__(self, browser: Any, base: str, locale: str, width: int = 1280,
                 dark: bool = False, height: int = 900) -> None:
        self.context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.landing = self.page.goto(f"{base}/?token={TOKEN}")


@pytest.fixture
def visit(browser: Any, base: str) -> Iterator[Any]:
    made: list[Visit] = []

    def make(locale: str = "zh-CN", **kw: Any) -> Visit:
        v = Visit(browser, base, locale, **kw)
        made.append(v)
        return v

    yield make
    for v in made:
        v.context.close()


def test_chinese_browser_lands_on_chinese_pages(visit: Any, base: str) -> None:
    v = visit("zh-CN")
    assert v.page.url == base + "/zh/", "the token leaves the URL, then / picks Chinese"
    assert v.page.get_attribute("html", "lang") == "zh-Hans"
    assert "课程" in v.page.text_content(".site-nav")
    english = visit("en-US")
    assert english.page.url == base + "/"
    assert english.page.get_attribute("html", "lang") == "en"
    assert v.errors == english.errors == []


def test_switch_goes_to_the_same_page_and_is_remembered(visit: Any, base: str) -> None:
    v = visit("en-US")
    page = v.page
    page.goto(base + "/rules#wsgi.return.none")
    page.click(".lang-switch [data-lang-switch=zh]")
    page.wait_for_url(base + "/zh/rules")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "应用返回了 None" in page.text_content("#wsgi\\.return\\.none")
    cookie = {c["name"]: c for c in v.context.cookies()}["wat_lang"]
    assert cookie["value"] == "zh" and cookie["sameSite"] == "Lax"
    assert page.evaluate("localStorage.getItem('wat.lang')") == "zh"
    # an English browser now opens the bare entry in Chinese ...
    page.goto(base + "/")
    assert page.url == base + "/zh/"
    # ... until it switches back (the contents' English twin is /lessons)
    page.click(".lang-switch [data-lang-switch=en]")
    page.wait_for_url(base + "/lessons")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(base + "/")
    assert page.url == base + "/"
    assert v.errors == []


def test_chinese_lesson_runs_and_explains_in_chinese(visit: Any, base: str) -> None:
    v = visit("zh-CN")
    page = v.page
    page.goto(base + ZH_LESSON)
    page.wait_for_selector(EDITOR)
    assert page.text_content("#exercise-bench .btn-primary") == "▶ 运行"
    with page.expect_request(lambda r: r.url.endswith("/api/run")) as sent:
        page.click("#exercise-bench .btn-primary")
    page.locator("#exercise-bench .results:not([hidden]) .flow-ev").first.wait_for()
    assert '"lang":"zh"' in sent.value.post_data.replace(" ", "")
    lanes = page.text_content("#exercise-bench .flow-head")
    assert "客户端" in lanes and "服务器" in lanes and "你的应用" in lanes
    assert "条消息" in page.text_content("#exercise-bench .run-status")
    tabs = page.locator("#exercise-bench [role=tab]").all_text_contents()
    assert tabs[0] == "消息" and tabs[2] == "文字记录"
    page.click("#exercise-bench .actions button:has-text('检查')")
    page.wait_for_selector("#check-results li")
    assert "检查" in page.text_content("#exercise-bench .run-status") or \
        "通过" in page.text_content("#check-results")
    assert v.errors == []


def test_violation_is_explained_in_chinese(visit: Any, base: str) -> None:
    v = visit("zh-CN")
    page = v.page
    page.goto(base + "/zh/playground")
    page.wait_for_selector("#bench .cm-content")
    page.click("#bench .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text("def app(environ, start_response):\n    return None\n")
    page.click("#bench .btn-primary")
    page.locator("#bench .flow-problems summary").wait_for()
    problems = page.text_content("#bench .flow-problems")
    assert "规范错误" in problems and "应用返回了 None" in problems
    link = page.get_attribute("#bench .flow-problems a.rule-link, #bench .flow-problems "
                              "button.link-button", "href") or ""
    if link:
        assert link.startswith("/zh/rules#")
    assert v.errors == []


def test_cjk_typography_uses_system_fonts_only(visit: Any, base: str) -> None:
    v = visit("zh-CN")
    page = v.page
    page.goto(base + ZH_LESSON)
    page.wait_for_load_state("networkidle")
    style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.prose p'));
        return {font: s.fontFamily, lh: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
                lineBreak: s.lineBreak, wrap: s.overflowWrap}; }""")
    assert "PingFang SC" in style["font"] and "Noto Sans CJK SC" in style["font"]
    assert style["lh"] >= 1.7
    assert style["lineBreak"] == "strict" and style["wrap"] == "anywhere"
    italic = page.evaluate("""() => { const e = document.createElement('em');
        e.textContent = '强调'; document.querySelector('.prose p').append(e);
        return getComputedStyle(e).fontStyle; }""")
    assert italic == "normal"
    fonts = [u for u in v.requests if u.split("?")[0].endswith((".woff", ".woff2", ".ttf",
                                                                  ".otf"))]
    assert fonts == [], "no font is downloaded"
    # glyphs are really drawn with a CJK font (Debian: fonts-noto-cjk), not as tofu boxes
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '课程')")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_chinese_lesson_screenshots(visit: Any, base: str, width: int, dark: bool) -> None:
    v = visit("zh-CN", width=width, dark=dark, height=900 if width > 400 else 844)
    page = v.page
    page.goto(base + ZH_LESSON)
    page.wait_for_selector(EDITOR)
    name = f"lesson-zh-{'desktop' if width > 400 else 'phone'}-{'dark' if dark else 'light'}"
    page.screenshot(path=str(artifacts() / f"{name}-top.png"))
    page.click("#exercise-bench .btn-primary")
    page.locator("#exercise-bench .results:not([hidden]) .flow-ev").first.wait_for()
    page.focus("#exercise-bench .flow-scroll")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts() / f"{name}.png"), full_page=width <= 400)
    page.locator("#exercise-bench").screenshot(path=str(artifacts() / f"{name}-bench.png"))
    assert v.errors == []


# What a Chinese page's scripts write, outside code, data and example inputs.
VISIBLE_TEXT = r"""() => { const out = new Set();
  const skip = 'code,pre,script,style,kbd,svg,option,select,.cm-editor,.editor-host,[lang=en],'
    + '.details-data,.wire,.ws-messages,a[href^="http"],[hidden],'
    + '.run-error h4';  // Python's own exception text
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const el = w.currentNode.parentElement;
    if (!el || el.closest(skip)) continue;
    out.add(w.currentNode.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label],[title]')) {
    if (el.closest(skip)) continue;
    for (const name of ['aria-label', 'title']) out.add(el.getAttribute(name) || '');
  }
  return [...out]; }"""
NAMES = re.compile(r"WSGI|ASGI|PEP \d+|HTTP|JSON|WebSocket|wsgi-asgi-tour[\w. ]*|tour|"
                   r"\b(?:wsgi|asgi|http|websocket|lifespan|hello|state)\b|[a-z_]+\.[a-z_.]+|"
                   r"\b[a-z_]+\(\)|Ctrl|Enter|Esc|Tab|Home|End|Space|Alt|PageUp|PageDown|"
                   r"\b[A-Z]+\b|[A-Z][a-z]+-[A-Z][a-z]+")


def english_left(texts: list[str]) -> list[str]:
    return [t for t in texts if re.search(r"[A-Za-z]{3,}", NAMES.sub(" ", t))
            and not re.search(r"[\u4e00-\u9fff]", t)]


def test_scripts_write_chinese_on_chinese_pages(visit: Any, base: str) -> None:
    v = visit("zh-CN")
    page = v.page
    page.goto(base + "/zh/playground")
    page.wait_for_selector("#bench .cm-content")
    page.click("#bench .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text('def app(environ, start_response):\n    print("hi")\n'
                              '    start_response("200 OK", [])\n    return None\n')
    page.click("#bench .btn-primary")
    page.locator("#bench .flow-problems summary").wait_for()
    page.locator("#bench .flow-ev").nth(2).click()
    left = set(english_left(page.evaluate(VISIBLE_TEXT)))
    for tab in page.locator("#bench [role=tab]").all():
        tab.click()
        left |= set(english_left(page.evaluate(VISIBLE_TEXT)))
    page.click("#bench .request-panel summary")
    left |= set(english_left(page.evaluate(VISIBLE_TEXT)))
    for mode in ("websocket", "lifespan", "json"):
        page.click(f"#bench [data-mode={mode}]")
        left |= set(english_left(page.evaluate(VISIBLE_TEXT)))
    page.goto(base + "/zh/lessons")
    page.wait_for_load_state("networkidle")
    left |= set(english_left(page.evaluate(VISIBLE_TEXT)))
    # The engine's own words (what happened) come from sandbox/locale/zh/messages.toml.
    assert sorted(left) == []
    assert v.errors == []
