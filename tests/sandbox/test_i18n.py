"""sandbox.i18n: the engine's messages in English and Simplified Chinese.

The English text must not move (the golden traces pin it); every template the code
passes to tr() needs a Chinese entry with the same placeholders, and no entry may
outlive its template; a run in Chinese says what happened, why and how to fix it in
Chinese; a run in English right after it is English again.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

import sandbox
from sandbox import i18n, rules
from sandbox.render_text import render
from sandbox.scenario import ScenarioError, parse

MESSAGES = i18n.LOCALE_DIR / "zh" / "messages.toml"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
GET = {"requests": [{"method": "GET", "path": "/"}]}

RETURNS_STR = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return "hello"
"""

ASGI_TWICE = """\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.start", "status": 200, "headers": []})
"""


def zh_catalog() -> dict[str, str]:
    with MESSAGES.open("rb") as fh:
        return tomllib.load(fh)


# --- tr, use_lang, normalize ----------------------------------------------------------


def test_tr_formats_english_by_default() -> None:
    assert i18n.current() == "en"
    assert i18n.tr("Close code {code} may not be sent in a close frame.", code=1005) == (
        "Close code 1005 may not be sent in a close frame."
    )


def test_tr_in_chinese_inside_use_lang_only() -> None:
    template = "Close code {code} may not be sent in a close frame."
    with i18n.use_lang("zh") as lang:
        assert lang == "zh"
        text = i18n.tr(template, code=1005)
    assert text == zh_catalog()[template].format(code=1005)
    assert "1005" in text and CJK.search(text)
    assert i18n.tr(template, code=1005).startswith("Close code 1005")


def test_a_missing_entry_falls_back_to_english() -> None:
    with i18n.use_lang("zh"):
        assert i18n.tr("No such template {n}.", n=3) == "No such template 3."


def test_a_broken_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "catalog", lambda lang: {"Got {n}.": "得到 {m}。"})
    with i18n.use_lang("zh"):
        assert i18n.tr("Got {n}.", n=1) == "Got 1."


def test_literal_braces_survive_in_both_languages() -> None:
    template = '{where}: expected an object such as {{"send": "hi"}}, got {kind}'
    english = i18n.tr(template, where="actions[0]", kind="a list")
    assert english == 'actions[0]: expected an object such as {"send": "hi"}, got a list'
    with i18n.use_lang("zh"):
        assert '{"send": "hi"}' in i18n.tr(template, where="actions[0]", kind="a list")


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh", "zh"), ("zh-CN", "zh"), ("zh_CN.UTF-8", "zh"), ("ZH_tw", "zh"), ("en_US.UTF-8", "en"),
     ("fr_FR", "en"), ("C.UTF-8", "en"), ("", "en"), (None, "en")],
)
def test_normalize(given: str | None, expected: str) -> None:
    assert i18n.normalize(given) == expected


# --- the catalogue ----------------------------------------------------------------------


def test_every_template_has_a_chinese_entry() -> None:
    catalog = zh_catalog()
    missing = sorted(t for t in i18n.templates() if t not in catalog)
    assert missing == []


def test_no_stale_entries() -> None:
    stale = sorted(set(zh_catalog()) - i18n.templates())
    assert stale == []


def test_placeholders_are_the_same_in_english_and_chinese() -> None:
    differ = [
        key for key, value in zh_catalog().items()
        if sorted(set(FIELD.findall(key))) != sorted(set(FIELD.findall(value)))
    ]
    assert differ == []


def test_every_chinese_template_formats() -> None:
    for key, value in zh_catalog().items():
        params = {name: "x" for name in FIELD.findall(key)}
        assert key.format(**params)
        value.format(**params)  # no stray brace, no unknown field


def test_chinese_entries_are_chinese() -> None:
    # JSON words and Python values stay as they are; everything else reads Chinese
    # (a Chinese character, or at least full-width punctuation around placeholders).
    wide = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
    not_chinese = [
        value for value in zh_catalog().values()
        if not wide.search(value) and value not in ("true/false", "int {value}")
    ]
    assert not_chinese == []


def test_templates_finds_every_tr_call_and_only_literals() -> None:
    """tr()'s first argument is always a literal: a variable would hide from the scan."""
    found = i18n.templates()
    assert "Close code {code} may not be sent in a close frame." in found
    assert " Did you mean {word}?" in found
    non_literal = []
    for path in sorted(i18n.SANDBOX_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "tr"
                and not (node.args and isinstance(node.args[0], ast.Constant))
            ):
                non_literal.append(f"{path.name}:{node.lineno}")
    assert non_literal == []


def test_locale_files_are_inside_the_package() -> None:
    assert MESSAGES.is_file()
    assert Path(i18n.__file__).parent / "locale" == i18n.LOCALE_DIR


# --- rules --------------------------------------------------------------------------------


def test_rule_text_in_english_is_the_catalogue() -> None:
    rule = rules.get("wsgi.return.str")
    assert i18n.rule_text(rule.id, "en") == {"title": rule.title, "why": rule.why,
                                               "fix": rule.fix}
    assert i18n.rule_text(rule.id, "fr") == i18n.rule_text(rule.id, "en")


def test_rule_text_in_chinese() -> None:
    text = i18n.rule_text("wsgi.return.str", "zh")
    assert set(text) == {"title", "why", "fix"}
    assert all(CJK.search(part) for part in text.values())
    with i18n.use_lang("zh"):  # no language given: the run's
        assert i18n.rule_text("wsgi.return.str") == text


def test_rule_text_falls_back_part_by_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "rule_catalog", lambda lang: {"wsgi.return.str": {"title": "标题"}})
    rule = rules.get("wsgi.return.str")
    assert i18n.rule_text(rule.id, "zh") == {"title": "标题", "why": rule.why, "fix": rule.fix}


# --- runs ---------------------------------------------------------------------------------


def test_a_chinese_run_explains_the_violation_in_chinese() -> None:
    trace = sandbox.run(RETURNS_STR, GET, lang="zh")
    (v,) = [v for v in trace["violations"] if v["rule"] == "wsgi.return.str"]
    assert v["message"] == zh_catalog()[
        "Your app returned the str {result}. The server iterates over it and gets one "
        "character (a str) at a time, not bytes."
    ].format(result="'hello'")
    assert {k: v[k] for k in ("title", "why", "fix")} == i18n.rule_text(v["rule"], "zh")
    assert all(CJK.search(v[k]) for k in ("title", "message", "why", "fix"))
    assert v["spec"] == rules.get("wsgi.return.str").spec  # links and ids stay
    notes = [e["data"]["text"] for e in trace["events"] if e["kind"] == "note"]
    assert notes and all(CJK.search(n) for n in notes)


def test_an_asgi_run_in_chinese() -> None:
    trace = sandbox.run(ASGI_TWICE, GET, lang="zh")
    (v,) = [v for v in trace["violations"] if v["rule"] == "http.start_twice"]
    assert CJK.search(v["message"]) and "http.response.start" in v["message"]
    assert CJK.search(v["title"])


def test_english_runs_are_unchanged_after_a_chinese_one() -> None:
    english = sandbox.run(RETURNS_STR, GET)
    sandbox.run(RETURNS_STR, GET, lang="zh")
    again = sandbox.run(RETURNS_STR, GET, lang="en")
    rule = rules.get("wsgi.return.str")
    for trace in (english, again):
        (v,) = [v for v in trace["violations"] if v["rule"] == rule.id]
        assert v["message"] == (
            "Your app returned the str 'hello'. The server iterates over it and gets one "
            "character (a str) at a time, not bytes."
        )
        assert (v["title"], v["why"], v["fix"]) == (rule.title, rule.why, rule.fix)
    assert [v["message"] for v in english["violations"]] == [
        v["message"] for v in again["violations"]
    ]
    assert i18n.current() == "en"


def test_load_errors_and_limits_in_chinese() -> None:
    missing = sandbox.run("x = 1\n", GET, lang="zh")
    assert missing["outcome"] == "error" and CJK.search(missing["error"]["message"])
    assert "'app'" in missing["error"]["message"]
    forever = sandbox.run("while True:\n    pass\n", GET, lang="zh", timeout_s=0.2)
    assert forever["outcome"] == "timeout"
    assert "0.2" in forever["error"]["message"] and CJK.search(forever["error"]["message"])


def test_scenario_errors_in_the_callers_language() -> None:
    with pytest.raises(ScenarioError, match=r"^scenario: expected a JSON object, got a list$"):
        parse([])
    with i18n.use_lang("zh"), pytest.raises(ScenarioError) as info:
        parse({"requests": [{"method": "GET", "path": "nope"}]})
    assert str(info.value).startswith("requests[0].path：") and CJK.search(str(info.value))


def test_the_terminal_report_in_chinese() -> None:
    trace = sandbox.run(RETURNS_STR, GET, lang="zh")
    with i18n.use_lang("zh"):
        text = render(trace, width=80)
    assert "原因：" in text and "修正：" in text and "规范：" in text
    assert "结果：error" in text and "WSGI 消息流" in text
    english = render(sandbox.run(RETURNS_STR, GET), width=80)
    assert "Why: " in english and "outcome: error" in english and "原因" not in english
