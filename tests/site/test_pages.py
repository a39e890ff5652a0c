"""Pages and static files through the real app, in process (site/pages.py, static_files.py).

The client below skips the lifespan (no ``with``): pages never touch the sandbox.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from wsgi_asgi_tour.app import create_app
from wsgi_asgi_tour.security import CSP
from wsgi_asgi_tour.static_files import LONG_CACHE, SHORT_CACHE

from tests.site.conftest import ORIGIN, TOKEN, TestClient, make_settings

ROOT = Path(__file__).resolve().parents[2]
STATIC_URL = re.compile(r'(?:src|href)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def pages() -> Iterator[TestClient]:
    yield TestClient(create_app(make_settings()), base_url=ORIGIN)


def slugs(client: TestClient) -> list[str]:
    return [lesson.slug for lesson in client.app.state.courses["en"].lessons]  # type: ignore[attr-defined]


def every_page(client: TestClient) -> list[str]:
    return ["/", "/lessons", "/playground", "/lab", "/rules",
            *(f"/lessons/{slug}" for slug in slugs(client))]


def test_every_page_renders(pages: TestClient) -> None:
    for path in every_page(pages):
        response = pages.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        html = response.text
        assert html.lstrip().startswith("<!doctype html>"), path
        assert html.rstrip().endswith("</html>"), path
        # No inline script (JSON page data is not executed), no inline style, no token,
        # nothing from another site: the CSP would refuse them and offline would break.
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), path
        assert "style=" not in html and "<style" not in html, path
        assert TOKEN not in html
        assert not re.search(r'(?:src|href)="(?:https?:)?//[^"]*\.(?:js|css|png|svg|woff2?)"',
                             html), path


def test_a_lesson_page_holds_its_prose_and_exercise(pages: TestClient) -> None:
    html = pages.get("/lessons/first-wsgi-app").text
    assert '<h1 id="lesson-title">Your first WSGI app</h1>' in html
    assert 'id="exercise-bench"' in html and 'id="page-data"' in html
    lesson = pages.app.state.courses["en"].by_slug["first-wsgi-app"]  # type: ignore[attr-defined]
    assert f'<link rel="next" href="/lessons/{lesson.next}">' in html
    assert "environ[\"PATH_INFO\"].lstrip" not in html  # the solution is not spoiled


def test_a_trailing_slash_finds_the_page(pages: TestClient) -> None:
    assert pages.get("/lessons/first-wsgi-app/").text == pages.get("/lessons/first-wsgi-app").text


@pytest.mark.parametrize(("path", "suggestion"), [
    ("/lessons/first-wsgi", "/lessons/first-wsgi-app"),
    ("/lessons/websocket-echoo", "/lessons/websocket-echo"),
    ("/lessons/first_asgi_app", "/lessons/first-asgi-app"),
])
def test_an_unknown_lesson_suggests_the_nearest(pages: TestClient, path: str,
                                                suggestion: str) -> None:
    response = pages.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert f"<code>{path}</code>" in html
    first = re.search(r'Did you mean</h2>\s*<ul><li><a href="([^"]+)"', html)
    assert first is not None and first.group(1) == suggestion
    assert 'href="/lessons"' in html  # and the way to all of them


def test_a_404_without_a_near_lesson_still_helps(pages: TestClient) -> None:
    response = pages.get("/lessons/zzzzzzzz")
    assert response.status_code == 404
    assert "Did you mean" not in response.text
    assert 'href="/lessons"' in response.text and 'href="/playground"' in response.text


def test_the_404_page_escapes_the_path(pages: TestClient) -> None:
    html = pages.get("/lessons/%3Cscript%3Ealert(1)%3C%2Fscript%3E").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_static_urls_are_fingerprinted_immutable_and_gzipped(pages: TestClient) -> None:
    static = pages.app.state.pages.static  # type: ignore[attr-defined]
    seen: set[str] = set()
    for path in every_page(pages):
        seen.update(STATIC_URL.findall(pages.get(path).text))
    assert any(u.endswith("/vendor/codemirror.js") for u in seen)
    assert any(u.endswith("/css/tour.css") for u in seen)
    for url in sorted(seen):
        _, _, version, rel = url.split("/", 3)
        assert version == static.tree_hash and len(version) == 12
        response = pages.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == LONG_CACHE
        assert response.headers["vary"] == "accept-encoding"
        assert response.headers["content-encoding"] == "gzip", url
        # httpx undid the gzip: the bytes are the file's.
        assert response.content == (ROOT / "static" / rel).read_bytes()
        plain = pages.get(url, headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == response.content


def test_module_types_are_what_browsers_require(pages: TestClient) -> None:
    static = pages.app.state.pages.static  # type: ignore[attr-defined]
    js = pages.get(static.url("js/lesson-page.js"))
    assert js.headers["content-type"] == "text/javascript; charset=utf-8"
    css = pages.get(static.url("css/tour.css"))
    assert css.headers["content-type"] == "text/css; charset=utf-8"


def test_a_stale_fingerprint_still_answers_with_a_short_cache(pages: TestClient) -> None:
    response = pages.get("/static/000000000000/js/site.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == SHORT_CACHE
    assert response.content == (ROOT / "static" / "js" / "site.js").read_bytes()


@pytest.mark.parametrize("rel", ["js/nothing.js", "editor-src/editor.js", "../pyproject.toml"])
def test_files_outside_the_served_tree_are_404(pages: TestClient, rel: str) -> None:
    static = pages.app.state.pages.static  # type: ignore[attr-defined]
    assert pages.get(f"/static/{static.tree_hash}/{rel}").status_code == 404


def test_pages_are_gzipped_when_asked(pages: TestClient) -> None:
    raw = pages.get("/rules", headers={"accept-encoding": "identity"})
    packed = pages.get("/rules", headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in raw.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "accept-encoding"
    assert packed.content == raw.content
    assert int(packed.headers["content-length"]) < len(raw.content) / 3


@pytest.mark.parametrize("path", ["/", "/lessons/first-asgi-app", "/nowhere", "static"])
def test_head_answers_like_get_without_a_body(pages: TestClient, path: str) -> None:
    if path == "static":
        path = pages.app.state.pages.static.url("css/tour.css")  # type: ignore[attr-defined]
    got = pages.get(path, headers={"accept-encoding": "gzip"})
    head = pages.head(path, headers={"accept-encoding": "gzip"})
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "content-encoding", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name


@pytest.mark.parametrize(
    "path", ["/", "/lessons/first-wsgi-app", "/nowhere", "/static/x/js/site.js"])
def test_security_headers_on_every_answer(pages: TestClient, path: str) -> None:
    headers = pages.get(path).headers
    assert headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP and "script-src 'self'" in CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_start_up_keeps_every_page_and_its_gzip_in_memory(pages: TestClient) -> None:
    kept = pages.app.state.pages.pages  # type: ignore[attr-defined]
    assert set(every_page(pages)) <= set(kept)
    for page in kept.values():
        assert gzip.decompress(page.gzipped) == page.body
