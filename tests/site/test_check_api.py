"""``POST /api/check`` and ``POST /api/solution`` (site/check_api.py) through the real app:
the security middleware, then the learner's code in the real Executor.
"""

from __future__ import annotations

from typing import Any

import pytest
from wsgi_asgi_tour.lessons import load_course

from tests.site.conftest import AUTH, TestClient

COURSE = load_course()
EXERCISES = [lesson.slug for lesson in COURSE.lessons if lesson.exercise is not None]


def check(client: TestClient, body: Any, **headers: str) -> Any:
    return client.post("/api/check", json=body, headers={**AUTH, **headers})


def test_every_slice_lesson_has_an_exercise() -> None:
    assert {"first-wsgi-app", "first-asgi-app", "websocket-echo"} <= set(EXERCISES)


@pytest.mark.parametrize("slug", EXERCISES)
def test_the_solution_passes_every_check(client: TestClient, slug: str) -> None:
    exercise = COURSE.by_slug[slug].exercise
    assert exercise is not None
    response = check(client, {"lesson": slug, "code": exercise.solution})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert answer["lesson"] == slug and answer["passed"] is True
    assert len(answer["checks"]) == len(exercise.checks)
    assert all(c["passed"] for c in answer["checks"])
    assert answer["trace"]["outcome"] == "ok"
    assert answer["summary"]


@pytest.mark.parametrize("slug", EXERCISES)
def test_the_starter_fails_with_a_message(client: TestClient, slug: str) -> None:
    exercise = COURSE.by_slug[slug].exercise
    assert exercise is not None
    answer = check(client, {"lesson": slug, "code": exercise.starter}).json()
    assert answer["passed"] is False
    failed = [c for c in answer["checks"] if not c["passed"]]
    assert failed and all(c["message"].strip() for c in failed)
    # The trace is there so the page can draw what happened.
    assert answer["trace"]["events"]


def test_code_that_raises_fails_the_checks_not_the_api(client: TestClient) -> None:
    code = "def app(environ, start_response):\n    raise KeyError('PATH_INFO')\n"
    response = check(client, {"lesson": "first-wsgi-app", "code": code})
    assert response.status_code == 200
    answer = response.json()
    assert answer["passed"] is False and answer["trace"]["outcome"] == "error"
    assert answer["trace"]["error"]["type"] == "KeyError"


def test_the_learner_cannot_change_what_is_checked(client: TestClient) -> None:
    # The exercise's own scenario is used: a "scenario" key is refused, not obeyed.
    exercise = COURSE.by_slug["first-wsgi-app"].exercise
    assert exercise is not None
    response = check(client, {"lesson": "first-wsgi-app", "code": exercise.starter,
                              "scenario": {"path": "/world"}})
    assert response.status_code == 400
    assert "scenario" in response.json()["error"]["message"]


@pytest.mark.parametrize(("body", "words"), [
    ({"lesson": "first-wsgi-app"}, '"code"'),
    ({"lesson": "first-wsgi-app", "code": 42}, '"code"'),
    ({"lesson": "first-wsgi-app", "code": "x", "lang": "xx"}, '"lang"'),
    ({"lesson": "first-wsgi-app", "code": "x", "lang": 3}, '"lang"'),
    ([1, 2], "JSON object"),
    ("just a string", "JSON object"),
])
def test_malformed_checks_are_400_with_a_message(client: TestClient, body: Any,
                                                  words: str) -> None:
    response = check(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and words in error["message"]


def test_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    response = client.post("/api/check", content=b"{lesson:", headers=AUTH)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]


def test_a_huge_body_is_413_before_it_runs(client: TestClient) -> None:
    response = check(client, {"lesson": "first-wsgi-app", "code": "#" * 300_000})
    assert response.status_code == 413


@pytest.mark.parametrize("endpoint", ["/api/check", "/api/solution"])
@pytest.mark.parametrize("slug", ["no-such-lesson", None, 7])
def test_an_unknown_lesson_is_404(client: TestClient, endpoint: str, slug: Any) -> None:
    response = client.post(endpoint, json={"lesson": slug, "code": "x"} if "check" in endpoint
                           else {"lesson": slug}, headers=AUTH)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "no_such_lesson" and repr(slug) in error["message"]


@pytest.mark.parametrize("slug", EXERCISES)
def test_the_solution_endpoint_sends_the_solution(client: TestClient, slug: str) -> None:
    response = client.post("/api/solution", json={"lesson": slug}, headers=AUTH)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    exercise = COURSE.by_slug[slug].exercise
    assert exercise is not None
    assert response.json() == {"lesson": slug, "solution": exercise.solution}


def test_the_solution_endpoint_refuses_extra_keys(client: TestClient) -> None:
    response = client.post("/api/solution", json={"lesson": "first-wsgi-app", "code": "x"},
                           headers=AUTH)
    assert response.status_code == 400


@pytest.mark.parametrize("endpoint", ["/api/check", "/api/solution"])
def test_both_need_the_token_and_json(client: TestClient, endpoint: str) -> None:
    body = {"lesson": "first-wsgi-app"}
    assert client.post(endpoint, json=body).status_code == 401
    assert client.post(endpoint, content=b"lesson=first-wsgi-app",
                       headers={"authorization": AUTH["authorization"],
                                "content-type": "application/x-www-form-urlencoded"},
                       ).status_code == 415
    assert client.post(endpoint, json=body, headers={
        **AUTH, "origin": "http://evil.example"}).status_code == 403
    assert client.get(endpoint).status_code == 405
