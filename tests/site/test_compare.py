"""The side-by-side page (site/compare.py, templates/compare.html): presets read
from the lessons' own files, the page's data, and lesson links to a preset checked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from wsgi_asgi_tour import compare
from wsgi_asgi_tour.app import create_app
from wsgi_asgi_tour.lessons import default_root, link_problem

from tests.site.conftest import ORIGIN, TestClient, make_settings

PAGE_DATA = re.compile(r'<script type="application/json" id="page-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(make_settings()), base_url=ORIGIN)


def test_presets_are_the_lessons_own_files() -> None:
    found = compare.presets()
    assert [p["key"] for p in found] == list(compare.KEYS)
    for preset in found:
        for side in ("left", "right"):
            path = default_root() / preset[side]["file"]
            assert preset[side]["code"] == path.read_text(encoding="utf-8")
            assert preset[side]["interface"] in ("wsgi", "asgi")
    hello = found[0]
    assert (hello["left"]["interface"], hello["right"]["interface"]) == ("wsgi", "asgi")


def test_a_missing_preset_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="compare preset 'hello'"):
        compare.presets(tmp_path)


def test_the_page_carries_the_presets_and_lesson_titles(client: TestClient) -> None:
    response = client.get("/compare")
    assert response.status_code == 200
    data = json.loads(PAGE_DATA.search(response.text).group(1))  # type: ignore[union-attr]
    assert [p["key"] for p in data["presets"]] == list(compare.KEYS)
    assert data["lessons"]["choosing-wsgi-or-asgi"] == "Choosing WSGI or ASGI"
    assert data["run_url"] == "/api/run"
    assert 'id="run-both"' in response.text
    option = '<option value="same-endpoint">The same endpoint in both interfaces</option>'
    assert option in response.text


def test_lesson_links_to_a_preset_are_checked(client: TestClient) -> None:
    course = client.app.state.courses["en"]  # type: ignore[attr-defined]
    lesson = course.by_slug["first-asgi-app"]
    assert link_problem("/compare?preset=hello", lesson, course.by_slug) is None
    assert link_problem("/compare", lesson, course.by_slug) is None
    problem = link_problem("/compare?preset=helo", lesson, course.by_slug)
    assert problem is not None and "no side-by-side preset 'helo'" in problem
