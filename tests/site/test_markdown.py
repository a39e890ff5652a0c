"""The lesson Markdown renderer, the highlighter's stylesheets and the UI string catalog."""

from __future__ import annotations

import json
import re

import pytest
from wsgi_asgi_tour import highlight_css, i18n
from wsgi_asgi_tour.lesson_model import Runnable
from wsgi_asgi_tour.markdown import (
    Fence,
    MarkdownError,
    RenderContext,
    parse_info,
    render,
    render_fragment,
)


def runnable_context() -> RenderContext:
    context = RenderContext()
    context.make_runnable = lambda fence, code, line: Runnable(
        fence.options.get("id", "r1"), code, {"path": "/<x>"}, "wsgi")
    context.read_file = lambda name, line: f"# from {name}\n"
    return context


def test_admonitions_with_default_and_own_titles() -> None:
    html = render("::: note\nPlain *text*.\n:::\n\n::: spec PEP 3333, environ\nQuote.\n:::\n",
                  RenderContext()).html
    assert '<div class="admonition note" role="note">\n<p class="admonition-title">Note</p>' in html
    assert ('<p class="admonition-title"><strong class="admonition-kind">What the spec says:'
            '</strong> PEP 3333, environ</p>') in html
    assert "<em>text</em>" in html


@pytest.mark.parametrize("name", ["warning", "simplification", "tip"])  # predict: test_predict.py
def test_every_admonition_has_a_catalog_title(name: str) -> None:
    html = render(f"::: {name}\nx\n:::\n", RenderContext()).html
    assert f'class="admonition {name}"' in html
    assert i18n.t(f"admonition.{name}") in html


def test_unknown_container_names_its_line() -> None:
    with pytest.raises(MarkdownError) as info:
        render("Text\n\n::: warn\nx\n:::\n", RenderContext())
    assert info.value.line == 3
    assert "unknown block '::: warn'" in str(info.value)


def test_containers_inside_code_are_code() -> None:
    html = render("```text\n::: whatever\n```\n", RenderContext()).html
    assert "::: whatever" in html


def test_heading_anchors_and_links() -> None:
    rendered = render("## The `start_response` callable\n\n### Sub\n\n[a](#sub) [b](/x)\n",
                      RenderContext())
    assert '<h2 id="the-start_response-callable">' in rendered.html
    assert [(h.level, h.id, h.text) for h in rendered.headings] == [
        (2, "the-start_response-callable", "The start_response callable"), (3, "sub", "Sub")]
    assert rendered.links == (("#sub", 5), ("/x", 5))


def test_translated_heading_keeps_an_explicit_english_anchor() -> None:
    rendered = render("## 最小的 `app` {#the-smallest-app}\n\n### 小节\n\n"
                      "## 不是锚点 {#Not An Id}\n", RenderContext(lang="zh"))
    assert '<h2 id="the-smallest-app">最小的 <code>app</code></h2>' in rendered.html
    assert [(h.id, h.text) for h in rendered.headings] == [
        ("the-smallest-app", "最小的 app"), ("小节", "小节"),
        ("不是锚点-not-an-id", "不是锚点 {#Not An Id}")]


def test_highlighting_uses_classes_only() -> None:
    html = render("```python\ndef app(environ, start_response):\n    pass\n```\n",
                  RenderContext()).html
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert "style=" not in html  # the CSP allows no inline styles


def test_unknown_language_is_escaped() -> None:
    html = render("```nosuchlang\n<b>&\n```\n", RenderContext()).html
    assert "&lt;b&gt;&amp;" in html


def test_runnable_block_becomes_a_mount_point() -> None:
    context = runnable_context()
    html = render('```python run id=greet\nprint("<hi>")\n```\n', context).html
    match = re.search(r'<div class="runnable" role="group" aria-label="([^"]+)" '
                      r'data-code-id="greet" data-interface="wsgi" data-app="app" '
                      r'data-scenario="([^"]+)">', html)
    assert match, html
    assert match.group(1) == "Runnable example: greet"
    assert json.loads(match.group(2).replace("&quot;", '"').replace("&lt;", "<")
                      .replace("&gt;", ">")) == {"path": "/<x>"}
    assert '<pre class="highlight">' in html  # the no-script fallback
    assert [r.code for r in context.runnables] == ['print("<hi>")\n']


def test_broken_flag_is_shown_to_the_page() -> None:
    context = runnable_context()
    context.make_runnable = lambda fence, code, line: Runnable(
        "b", code, {}, "wsgi", broken="broken" in fence.flags)
    html = render("```python run broken\nx = 1\n```\n", context).html
    assert 'data-broken="true"' in html


def test_file_block_takes_the_file_and_must_be_empty() -> None:
    context = runnable_context()
    render("```python file=example.py\n```\n", context)
    assert context.runnables[0].code == "# from example.py\n"
    with pytest.raises(MarkdownError, match="must be empty"):
        render("```python file=example.py\nx = 1\n```\n", runnable_context())


def test_plain_and_norun_blocks_are_not_runnable() -> None:
    context = runnable_context()
    render("```python\nx = 1\n```\n\n```python file=a.py norun\n```\n", context)
    assert context.runnables == []


@pytest.mark.parametrize(("info", "fence"), [
    ("python run", Fence("python", frozenset({"run"}), {})),
    ("python file=a.py scenario=s.json id=x app=application interface=auto nogolden",
     Fence("python", frozenset({"nogolden"}),
           {"file": "a.py", "scenario": "s.json", "id": "x", "app": "application",
            "interface": "auto"})),
    ("", Fence("", frozenset(), {})),
])
def test_parse_info(info: str, fence: Fence) -> None:
    assert parse_info(info, 1) == fence


def test_parse_info_refuses_unknown_options() -> None:
    with pytest.raises(MarkdownError, match="unknown code block option 'scenario'"):
        parse_info("python run scenario", 4)


def test_no_raw_html() -> None:
    html = render_fragment("<script>alert(1)</script> *ok*")
    assert "<script>" not in html and "<em>ok</em>" in html


# ---- highlight stylesheets -------------------------------------------------------------------

def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Token classes lesson code actually uses (Python and plain text); each must reach WCAG AA.
PYTHON_CLASSES = ("k", "kc", "nf", "n", "p", "o", "s2", "s1", "sa", "c1", "mi", "nb", "ow",
                  "bp", "si", "se", "kn", "nn")  # not .w: whitespace has no visible colour


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_stylesheet_is_scoped_and_readable(theme: str) -> None:
    css = highlight_css.stylesheet(theme)
    lines = css.splitlines()
    assert lines and all(line.startswith(f"[data-theme={theme}] .highlight") for line in lines)
    background = re.search(r"\.highlight \{ background: (#[0-9a-fA-F]+)", css)
    assert background
    for cls in PYTHON_CLASSES:
        rule = re.search(rf"\.highlight \.{cls} \{{[^}}]*color: (#[0-9a-fA-F]+)", css)
        if rule:  # classes without a colour inherit the page's text colour
            ratio = _contrast(rule.group(1), background.group(1))
            assert ratio >= 4.5, f"{theme} .{cls} {rule.group(1)}: contrast {ratio:.2f}"


def test_combined_has_both_themes() -> None:
    css = highlight_css.combined()
    assert "[data-theme=light] .highlight" in css and "[data-theme=dark] .highlight" in css


# ---- UI strings --------------------------------------------------------------------------------

def test_catalog_lookup_and_fallback() -> None:
    assert i18n.t("lesson.run") == "Run"
    assert i18n.t("lesson.part", number=2) == "Part 2"
    assert i18n.t("lesson.run", "xx") == "Run"  # no catalog: English
    assert i18n.t("lesson.run", "../en") == "Run"  # never a path
    assert i18n.languages()[0] == "en"
    assert i18n.strings("en", "admonition.")["admonition.note"] == "Note"
    with pytest.raises(KeyError):
        i18n.t("lesson.no_such_key")


def test_a_line_break_between_chinese_characters_is_dropped() -> None:
    # A browser shows a source line break as a space; Chinese has none between words.
    html = render_fragment("第一行\n第二行\nand\nEnglish", "zh")
    assert "第一行第二行\nand\nEnglish" in html
