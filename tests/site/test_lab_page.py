"""The concurrency lab page (/lab) through the real app, in process: its form carries the
engine's caps, its scripts find every word they use in the catalog, and lessons link to
presets that exist. The page's behaviour is in tests/frontend/test_lab.py."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from wsgi_asgi_tour import i18n
from wsgi_asgi_tour.app import create_app

from sandbox.lab import options
from tests.site.conftest import ORIGIN, TestClient, make_settings

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"
LAB_SCRIPTS = ("lab-page.js", "timeline.js", "lab-format.js")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(make_settings()), base_url=ORIGIN)


def page_data(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert match, "the lab page hands its scripts their data as JSON"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_the_lab_renders_with_its_editor_controls_and_scripts(client: TestClient) -> None:
    response = client.get("/lab")
    assert response.status_code == 200
    html = response.text
    assert '<h1 id="lab-title">Concurrency lab</h1>' in html
    assert 'id="lab-editor"' in html and 'id="lab-form"' in html and 'id="lab-run"' in html
    for name in ("js/lab-page.js", "css/lab.css", "vendor/codemirror.js"):
        assert re.search(rf'(?:src|href)="/static/[0-9a-f]{{12}}/{name}"', html), name
    # The CSP allows no inline style or script: the page must not need one.
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
    assert '<a href="/lab" aria-current="page">' in html


def test_the_form_caps_are_the_engines(client: TestClient) -> None:
    html = client.get("/lab").text
    caps = {"lab-requests": (1, options.MAX_REQUESTS), "lab-every": (0, options.MAX_EVERY_MS),
            "a-workers": (1, options.MAX_WORKERS), "a-threads": (1, options.MAX_THREADS),
            "a-pool": (1, options.MAX_POOL), "b-pool": (1, options.MAX_POOL)}
    for field, (low, high) in caps.items():
        tag = re.search(rf'<input type="number" id="{field}"[^>]*>', html)
        assert tag, field
        assert f'min="{low}"' in tag.group(0) and f'max="{high}"' in tag.group(0), field
    # and the learner reads them before running
    assert f"1 to {options.MAX_REQUESTS}" in html
    limits = page_data(html)["limits"]
    assert limits == {"requests": [1, options.MAX_REQUESTS], "every_ms": [0, options.MAX_EVERY_MS],
                      "workers": [1, options.MAX_WORKERS], "threads": [1, options.MAX_THREADS],
                      "pool": [1, options.MAX_POOL]}


def test_every_word_the_scripts_use_is_in_the_catalog(client: TestClient) -> None:
    strings = page_data(client.get("/lab").text)["strings"]
    assert isinstance(strings, dict)
    used: set[str] = set()
    for name in LAB_SCRIPTS:
        source = (JS / name).read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("(\w+)"', source))
    presets = (JS / "lab-presets.js").read_text(encoding="utf-8")
    used |= set(re.findall(r'title: "(\w+)"', presets))
    # keys built at run time: a state's legend entry and short name
    used |= {f"{kind}_{state}" for kind in ("state", "short")
             for state in ("queued", "running", "waiting", "blocked")}
    assert len(used) > 40
    missing = sorted(key for key in used if f"lab.{key}" not in strings)
    assert missing == []
    english = tomllib.loads((ROOT / "site" / "strings" / "en.toml").read_text(encoding="utf-8"))
    assert set(strings) == {f"lab.{key}" for key in english["lab"]}


def test_lessons_link_to_presets_that_exist(client: TestClient) -> None:
    source = (JS / "lab-presets.js").read_text(encoding="utf-8")
    presets = set(re.findall(r'^  "([\w-]+)": \{', source, re.M))
    assert {"wsgi-sleep", "async-sleep", "blocking-sleep", "to-thread", "cpu-bound"} <= presets
    course = client.app.state.courses["en"]  # type: ignore[attr-defined]
    linked = [(lesson.slug, href) for lesson in course.lessons for href, _ in lesson.links
              if href.startswith("/lab")]
    assert ("sync-and-async-concurrency", "/lab?preset=blocking-sleep") in linked
    for slug, href in linked:
        match = re.fullmatch(r"/lab(?:\?preset=([\w-]+))?", href)
        assert match, (slug, href)
        assert match.group(1) is None or match.group(1) in presets, (slug, href)


@pytest.mark.parametrize("lang", i18n.languages()[1:])
def test_the_lab_exists_in_every_language(client: TestClient, lang: str) -> None:
    response = client.get(f"/{lang}/lab")
    assert response.status_code == 200
    assert 'id="lab-form"' in response.text
