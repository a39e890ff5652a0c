"""The language of a run through the API: ``"lang"`` in the JSON body, else the
request's Accept-Language, else English (site/api.py, check_api.py -> sandbox.i18n)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.conftest import AUTH, TestClient, client_for, make_settings

RETURNS_NONE = "def app(environ, start_response):\n    return None\n"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for(make_settings()) as c:
        yield c


def run(client: TestClient, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/api/run", content=json.dumps(body).encode(),
                           headers={**AUTH, **headers})
    assert response.status_code == 200, response.text
    trace: dict[str, Any] = response.json()
    return trace


def violation(trace: dict[str, Any]) -> dict[str, Any]:
    found = [v for v in trace["violations"] if v["rule"] == "wsgi.return.none"]
    assert found, trace["violations"]
    return found[0]


def test_lang_zh_explains_in_chinese(client: TestClient) -> None:
    v = violation(run(client, {"code": RETURNS_NONE, "lang": "zh"}))
    assert v["title"] == "应用返回了 None"
    assert "可迭代对象" in v["why"]


def test_english_by_default(client: TestClient) -> None:
    v = violation(run(client, {"code": RETURNS_NONE}))
    assert v["title"] == "The app returned None"


def test_accept_language_when_the_body_says_nothing(client: TestClient) -> None:
    v = violation(run(client, {"code": RETURNS_NONE}, **{"accept-language": "zh-CN,zh;q=0.9"}))
    assert v["title"] == "应用返回了 None"
    # the body's choice wins over the header's
    v = violation(run(client, {"code": RETURNS_NONE, "lang": "en"},
                      **{"accept-language": "zh-CN"}))
    assert v["title"] == "The app returned None"


def test_unknown_lang_is_a_400(client: TestClient) -> None:
    response = client.post("/api/run", content=json.dumps({"code": "x", "lang": "xx"}).encode(),
                           headers=AUTH)
    assert response.status_code == 400
    assert '"lang" must be one of' in response.json()["error"]["message"]


def test_check_answers_in_the_page_language(client: TestClient) -> None:
    body = {"lesson": "first-wsgi-app", "code": RETURNS_NONE, "lang": "zh"}
    response = client.post("/api/check", content=json.dumps(body).encode(), headers=AUTH)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert not answer["passed"]
    assert "项检查中有" in answer["summary"]
    assert violation(answer["trace"])["title"] == "应用返回了 None"


def test_a_bad_scenario_is_refused_in_the_run_language(client: TestClient) -> None:
    body = {"code": RETURNS_NONE, "scenario": {"method": 5}, "lang": "zh"}
    response = client.post("/api/run", content=json.dumps(body).encode(), headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("场景无效：")
