"""Pages per language (site/pages.py, page_lang.py, lang_choice.py), in process.

English keeps its URLs (/, /lessons, /lessons/<slug>, /playground, /rules); every other
language has the same pages under its prefix (/zh/...). Only the bare entry ``/``
chooses a language: ``?lang=``, then the ``wat_lang`` cookie, then Accept-Language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from wsgi_asgi_tour import i18n, lang_choice, page_lang
from wsgi_asgi_tour.app import create_app

from tests.site.conftest import ORIGIN, TestClient, make_settings

ZH = "zh-Hans"
HTML_LANG = re.compile(r'<html lang="([^"]+)"')
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SWITCH = re.compile(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+" data-lang-switch="(\w+)"'
                    r'( aria-current="true")?>([^<]+)</a>')
SITE_LINK = re.compile(r'<(?:a|link)\b[^>]*\bhref="(/[^"]*)"[^>]*>')


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(make_settings()), base_url=ORIGIN)


@pytest.fixture(autouse=True)
def no_cookies(client: TestClient) -> None:
    # The client keeps cookies like a browser; each test starts as a new visitor.
    client.cookies.clear()


def english_pages(client: TestClient) -> list[str]:
    courses = client.app.state.courses  # type: ignore[attr-defined]
    return ["/", "/lessons", "/playground", "/rules",
            *(f"/lessons/{lesson.slug}" for lesson in courses["en"].lessons)]


def html_lang(body: str) -> str:
    match = HTML_LANG.search(body)
    assert match, "every page starts with <html lang=...>"
    return match.group(1)


def test_zh_is_a_site_language() -> None:
    assert i18n.languages()[0] == "en"
    assert "zh" in i18n.languages()
    assert i18n.html_lang("zh") == ZH


def test_every_page_exists_in_every_language(client: TestClient) -> None:
    for path in english_pages(client):
        english = client.get(path)
        chinese = client.get(i18n.localize(path, "zh"))
        assert english.status_code == 200, path
        assert chinese.status_code == 200, f"no Chinese page for {path}"
        assert html_lang(english.text) == "en"
        assert html_lang(chinese.text) == ZH


def test_zh_urls() -> None:
    assert i18n.localize("/", "zh") == "/zh/"
    assert i18n.localize("/lessons/first-wsgi-app", "zh") == "/zh/lessons/first-wsgi-app"
    assert i18n.localize("/rules", "en") == "/rules"
    assert i18n.split("/zh/rules") == ("zh", "/rules")
    assert i18n.split("/zh") == ("zh", "/")
    assert i18n.split("/zhx") == ("en", "/zhx")  # only the whole segment is a prefix
    assert i18n.split("/lessons") == ("en", "/lessons")


def test_zh_home_with_and_without_slash(client: TestClient) -> None:
    for path in ("/zh", "/zh/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 200
        assert html_lang(response.text) == ZH
        assert "WSGI 与 ASGI 之旅" in response.text


def test_pages_added_by_others_get_a_zh_version(client: TestClient) -> None:
    pages = client.app.state.pages  # type: ignore[attr-defined]
    english = [p for p in pages.pages if not p.startswith("/zh")]
    for path in english:
        assert i18n.localize(path, "zh").rstrip("/") in pages.pages, path


def test_404_pages_say_their_language(client: TestClient) -> None:
    english = client.get("/nowhere")
    chinese = client.get("/zh/nowhere")
    assert english.status_code == chinese.status_code == 404
    assert html_lang(english.text) == "en"
    assert html_lang(chinese.text) == ZH
    assert "这里没有页面" in chinese.text
    # the suggestions of a misspelt lesson link to the Chinese lessons
    near = client.get("/zh/lessons/first-wsgi")
    assert near.status_code == 404
    assert 'href="/zh/lessons/first-wsgi-app"' in near.text
    assert 'href="/zh/lessons"' in near.text


def test_site_links_stay_in_the_page_language(client: TestClient) -> None:
    body = client.get("/zh/lessons/first-wsgi-app").text
    for match in SITE_LINK.finditer(body):
        tag, href = match.group(0), match.group(1)
        if "hreflang=" in tag or href.startswith(("/static/", "/api/")):
            continue
        assert href.startswith("/zh/"), f"{tag} leaves the Chinese pages"
    english = client.get("/lessons/first-wsgi-app").text
    for match in SITE_LINK.finditer(english):
        if "hreflang=" not in match.group(0):
            assert not match.group(1).startswith("/zh"), match.group(0)


def test_hreflang_alternates_on_every_page(client: TestClient) -> None:
    for path in ("/lessons/first-wsgi-app", "/rules", "/playground"):
        for lang in ("en", "zh"):
            body = client.get(i18n.localize(path, lang)).text
            alternates = dict(ALTERNATE.findall(body))
            assert alternates == {"en": path, ZH: i18n.localize(path, "zh")}, (path, lang)


def test_switch_goes_to_the_same_page_in_the_other_language(client: TestClient) -> None:
    body = client.get("/zh/rules").text
    links = {lang: (href, current, name) for href, _tag, lang, current, name in
             SWITCH.findall(body)}
    assert links["en"] == ("/rules", "", "English")
    assert links["zh"] == ("/zh/rules", ' aria-current="true"', "中文")
    body = client.get("/rules").text
    links = {lang: (href, current) for href, _tag, lang, current, _ in SWITCH.findall(body)}
    assert links == {"en": ("/rules", ' aria-current="true"'), "zh": ("/zh/rules", "")}


def test_home_is_the_contents_at_two_addresses(client: TestClient) -> None:
    # The switch on /zh/ names /lessons: "/" would send a Chinese browser back to /zh/.
    body = client.get("/zh/").text
    assert body == client.get("/zh/lessons").text
    assert '<a href="/lessons" hreflang="en"' in body
    assert client.get("/").text == client.get("/lessons").text


def test_lang_query_sets_the_choice(client: TestClient) -> None:
    response = client.get("/?lang=en", headers={"accept-language": "zh-CN"},
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{lang_choice.COOKIE}=en;")
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    assert "httponly" not in cookie.lower()  # the switch's script may read and set it


@pytest.mark.parametrize(("accept", "cookie", "expected"), [
    ("", None, None),
    ("en-US,en;q=0.9", None, None),
    ("zh-CN,zh;q=0.9,en;q=0.8", None, "/zh/"),
    ("zh-Hans", None, "/zh/"),
    ("zh-TW", None, "/zh/"),  # Simplified is the nearest we have for any Chinese reader
    ("en;q=0.5,zh;q=0.8", None, "/zh/"),  # q-values, not order, decide
    ("zh;q=0.2,en;q=0.8", None, None),
    ("fr-FR,fr;q=0.9,zh;q=0.5", None, "/zh/"),  # first language we have
    ("zh;q=0", None, None),  # q=0 means "not this one"
    ("*", None, None),
    ("zh-CN", "en", None),  # the switch's choice beats the browser's
    ("en-US", "zh", "/zh/"),
    ("en-US", "xx", None),  # an unknown cookie value is ignored
])
def test_entry_chooses_a_language(client: TestClient, accept: str, cookie: str | None,
                                  expected: str | None) -> None:
    headers = {"accept-language": accept} if accept else {}
    if cookie:
        headers["cookie"] = f"{lang_choice.COOKIE}={cookie}"
    response = client.get("/", headers=headers, follow_redirects=False)
    vary = response.headers["vary"].lower()
    assert "accept-language" in vary and "cookie" in vary
    if expected is None:
        assert response.status_code == 200
        assert html_lang(response.text) == "en"
    else:
        assert response.status_code == 303
        assert response.headers["location"] == expected


def test_only_the_bare_entry_redirects(client: TestClient) -> None:
    chinese = {"accept-language": "zh-CN", "cookie": f"{lang_choice.COOKIE}=zh"}
    for path in ("/lessons", "/rules", "/playground", "/lessons/first-wsgi-app"):
        response = client.get(path, headers=chinese, follow_redirects=False)
        assert response.status_code == 200, path
        assert html_lang(response.text) == "en"
        assert "accept-language" not in response.headers["vary"].lower()
    response = client.get("/zh/rules", headers={"accept-language": "en"})
    assert html_lang(response.text) == ZH


def test_query_lang_on_the_entry(client: TestClient) -> None:
    response = client.get("/?lang=zh", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/zh/"
    assert response.headers["set-cookie"].startswith(f"{lang_choice.COOKIE}=zh;")
    client.cookies.clear()
    odd = client.get("/?lang=<x>", follow_redirects=False)
    assert odd.status_code == 303 and odd.headers["location"] == "/"
    assert "set-cookie" not in odd.headers


def test_security_headers_on_both_languages_and_redirects(client: TestClient) -> None:
    for path in ("/zh/", "/zh/rules", "/zh/nowhere", "/?lang=zh"):
        response = client.get(path, follow_redirects=False)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]


def test_parse_accept_language() -> None:
    parse = lang_choice.parse_accept_language
    assert parse("zh-CN,zh;q=0.9,en;q=0.8") == [("zh-cn", 1.0), ("zh", 0.9), ("en", 0.8)]
    assert parse("en;q=0.5, fr") == [("fr", 1.0), ("en", 0.5)]
    assert parse("en;q=abc,zh;q=2,de;q=0,ja") == [("ja", 1.0)]
    assert parse("") == []
    assert parse(" ,;q=1, en ") == [("en", 1.0)]
    assert lang_choice.from_accept_language("ZH-hans-CN") == "zh"


def test_scripts_get_their_strings_as_json(client: TestClient) -> None:
    body = client.get("/zh/lessons/first-wsgi-app").text
    match = re.search(r'<script type="application/json" id="strings">(.*?)</script>', body, re.S)
    assert match, "the page hands its scripts their strings"
    data = json.loads(match.group(1))
    assert data["js.bench.run"] == "▶ 运行"
    assert all(key.startswith(i18n.JS_PREFIXES) for key in data)
    assert set(i18n.js_strings("en")) == set(data)  # every key, whatever the language


def test_check_messages_and_rules_page_in_chinese(client: TestClient) -> None:
    body = client.get("/zh/rules").text
    assert "服务器检查的全部规则" in body
    assert 'id="wsgi.return.none"' in body  # anchors are rule ids in every language


def test_alternates_helper() -> None:
    alts = page_lang.alternates("/rules", "zh")
    assert [(a.lang, a.hreflang, a.href, a.current) for a in alts] == [
        ("en", "en", "/rules", False), ("zh", "zh-Hans", "/zh/rules", True)]
    assert page_lang.localize_links('<a href="/rules#x">', "zh") == '<a href="/zh/rules#x">'
    kept = '<a href="/static/1/x.css"><a href="//evil.example/"><a href="/api/run">'
    assert page_lang.localize_links(kept, "zh") == kept
    assert page_lang.localize_links('<a hreflang="en" href="/">', "zh") == (
        '<a hreflang="en" href="/">')
    regex = page_lang.pattern("/zh/follow/{room}")
    assert regex is not None and regex.match("/zh/follow/abc")
    assert not regex.match("/zh/follow/a/b")
    assert page_lang.fill(b"/follow/{room}", {"room": '"><script>'}) == (
        b"/follow/%22%3E%3Cscript%3E")


class _Text(HTMLParser):
    """Visible text and labels of a page, outside code and English-tagged parts."""

    SKIP = frozenset({"code", "pre", "script", "style", "kbd", "option", "title"})
    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        # Links to the specs name their sections as the specs do (the style guide).
        external = tag == "a" and (named.get("href") or "").startswith("http")
        skip = (tag in self.SKIP or named.get("lang") == "en" or "hreflang" in named
                or external or bool(self.stack and self.stack[-1]))
        for name in ("aria-label", "title", "placeholder", "alt"):
            value = named.get(name)
            if value and not skip:
                self.found.append(value)
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.stack and self.stack[-1]):
            self.found.append(data.strip())


# Names that are the same in every language: protocols, specs, the product, rule ids and
# families (wsgi, http.status_not_int), key names.
NAMES = re.compile(r"WSGI|ASGI|PEP \d+|HTTP|JSON|WebSocket|wsgi-asgi-tour[\w. ]*|tour|"
                   r"\b(?:wsgi|asgi|http|websocket|lifespan)\b|[a-z_]+\.[a-z_.]+|"
                   r"Ctrl|Enter|Esc|Tab|Home|End|Space|Alt|[A-Z]")


def test_chinese_pages_have_no_english_ui_text(client: TestClient) -> None:
    """Every word a Chinese page shows comes from zh.toml (or a translated lesson):
    a template with hard-coded English fails here."""
    pages = client.app.state.pages  # type: ignore[attr-defined]
    paths = [p for p in pages.pages if p.startswith("/zh") and "/lessons/" not in p]
    paths += ["/zh/lessons/first-wsgi-app", "/zh/nowhere"]
    problems = []
    for path in paths:
        parser = _Text()
        parser.feed(client.get(path).text)
        for text in parser.found:
            if text.startswith(("PEP ", "ASGI ")):
                continue  # a "::: spec" box's title names the spec's section, as it is
            bare = NAMES.sub(" ", text)
            if re.search(r"[A-Za-z]{3,}", bare) and not re.search(r"[\u4e00-\u9fff]", text):
                problems.append(f"{path}: {text[:60]!r}")
    assert problems == []


def test_pages_with_parameters_in_both_languages(client: TestClient) -> None:
    pages = client.app.state.pages  # type: ignore[attr-defined]
    if not pages.patterns:
        pytest.skip("no page with a {parameter} in its path")
    body = client.get("/zh/follow/abc-123").text
    assert html_lang(body) == ZH
    assert dict(ALTERNATE.findall(body)) == {"en": "/follow/abc-123",
                                             ZH: "/zh/follow/abc-123"}
    assert '<a href="/follow/abc-123" hreflang="en"' in body
    # a value is percent-encoded into the page, never markup
    odd = client.get('/zh/follow/a"b<c').text
    assert 'a"b<c' not in odd and "a%22b%3Cc" in odd
