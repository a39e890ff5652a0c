"""POST /api/run and GET /api/health, through the app with the real Executor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from wsgi_asgi_tour.api import parse_run_request, summary

from tests.site.conftest import (
    AUTH,
    HELLO_ASGI,
    HELLO_WSGI,
    TestClient,
    run_body,
)


def post(client: TestClient, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/run", content=content, headers={**AUTH, **headers})


def error_of(response: Any) -> dict[str, str]:
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    error: dict[str, str] = response.json()["error"]
    assert set(error) == {"code", "message"}
    return error


# -- runs ---------------------------------------------------------------------------------------

def test_wsgi_hello_world(client: TestClient) -> None:
    response = post(client, run_body(HELLO_WSGI, interface="wsgi"))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    trace = response.json()
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["interface"] == "wsgi"
    assert trace["response"]["status"] == 200
    assert "call" in [event["kind"] for event in trace["events"]]


def test_asgi_hello_world_with_defaults(client: TestClient) -> None:
    trace = post(client, {"code": HELLO_ASGI}).json()  # interface auto, app "app", GET /
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["interface"] == "asgi"
    assert trace["response"]["status"] == 200


def test_the_app_name_is_configurable(client: TestClient) -> None:
    code = HELLO_WSGI.replace("def app(", "def application(")
    trace = post(client, run_body(code, app="application")).json()
    assert trace["outcome"] == "ok", trace["error"]


@pytest.mark.parametrize("code", [
    "def app(environ, start_response):\n    raise ValueError('boom')\n",
    "def app(:\n",
    "import sys\nsys.exit(3)\n",
])
def test_a_failing_app_is_still_200_and_the_outcome_says_so(client: TestClient, code: str) -> None:
    response = post(client, run_body(code))
    assert response.status_code == 200
    trace = response.json()
    assert trace["outcome"] == "error"
    assert trace["error"]["message"] is not None


def test_an_endless_loop_comes_back_as_an_outcome(client: TestClient) -> None:
    response = post(client, run_body("def app(environ, start_response):\n    while True: pass\n"))
    assert response.status_code == 200
    assert response.json()["outcome"] in ("timeout", "cpu_limit", "wall_killed")


def test_hostile_output_is_returned_as_inert_json(client: TestClient) -> None:
    code = ("print('<script>alert(1)</script>\\x1b[31m\\ud800')\n" + HELLO_WSGI)
    response = post(client, run_body(code))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" in response.json()["stdout"]


def test_non_finite_numbers_in_a_trace_do_not_break_the_answer(client: TestClient) -> None:
    code = ("async def app(scope, receive, send):\n"
            "    await send({'type': 'http.response.start', 'status': float('nan')})\n")
    response = post(client, run_body(code))
    assert response.status_code == 200
    json.loads(response.text, parse_constant=_refuse)  # strict JSON: no bare NaN


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


# -- bad requests: 4xx with a message for a learner ---------------------------------------------

@pytest.mark.parametrize(("body", "fragment"), [
    ({"code": HELLO_WSGI, "scenery": {}, "language": "py"}, "'language', 'scenery'"),
    ({"code": HELLO_WSGI, "lang": "py"}, '"lang" must be one of'),
    ({"scenario": {}}, 'no "code"'),
    ({"code": 42}, '"code" must be a string'),
    ({"code": "x", "interface": "cgi"}, '"interface" must be'),
    ({"code": "x", "interface": None}, '"interface" must be'),
    ({"code": "x", "app": "my app"}, '"app" must be the name'),
    ({"code": "x", "app": ["app"]}, '"app" must be the name'),
    ({"code": "x", "scenario": []}, '"scenario" must be a JSON object'),
    ([1, 2], "must be a JSON object"),
    ("code", "must be a JSON object"),
])
def test_malformed_requests_get_400_naming_the_problem(
    client: TestClient, body: Any, fragment: str
) -> None:
    response = post(client, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert fragment in error["message"]


@pytest.mark.parametrize("raw", [
    b"", b"{", b"{'code': 'x'}", b'{"code": NaN}', b'{"code": Infinity}', b"\xff\xfe\x00",
    b"[" * 100_000,
])
def test_invalid_json_gets_400(client: TestClient, raw: bytes) -> None:
    response = post(client, raw)
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_json"


def test_lone_surrogates_get_400(client: TestClient) -> None:
    response = post(client, b'{"code": "\\ud800"}')
    assert response.status_code == 400
    assert "surrogate" in error_of(response)["message"]


def test_a_bad_scenario_gets_400_with_the_engines_message(client: TestClient) -> None:
    response = post(client, run_body(HELLO_WSGI) | {"scenario": {"method": 5}})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_scenario"
    assert "method" in error["message"]


def test_too_large_bodies_get_413(client: TestClient) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    big = json.dumps(run_body("#" * limit)).encode()
    response = post(client, big)
    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"

    def chunks() -> Any:  # no Content-Length: the cap applies while reading
        for _ in range(limit // 1024 + 2):
            yield b" " * 1024

    response = client.post("/api/run", content=chunks(), headers=AUTH)
    assert response.status_code == 413


def test_a_body_just_under_the_limit_runs(client: TestClient) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    body = run_body(HELLO_WSGI)
    body["code"] += "#" * (limit - len(json.dumps(body)) - 10)
    assert post(client, body).status_code == 200


def test_wrong_method_and_unknown_endpoint_answer_json(client: TestClient) -> None:
    response = client.get("/api/run")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_of(response)["code"] == "method_not_allowed"
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert "/api/nothing" in error_of(response)["message"]


# -- health -------------------------------------------------------------------------------------

def test_health_reports_mode_isolation_and_pool(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    health = response.json()
    assert health["status"] == "ok"
    assert health["mode"] == "local"
    assert set(health["isolation"]) == {"strong", "mode", "missing", "protections"}
    assert isinstance(health["isolation"]["strong"], bool)
    assert {"slots", "running", "queued"} <= set(health["pool"])


def test_health_does_not_touch_the_sandbox(client: TestClient) -> None:
    executor = client.app.state.executor  # type: ignore[attr-defined]
    before = executor.stats()
    for _ in range(5):
        client.get("/api/health")
    assert executor.stats() == before


def test_summary_hides_details_from_strangers() -> None:
    caps = {"strong": True, "missing": [], "mode": "forkserver",
            "netns": {"active": True, "detail": "loopback down"}}
    assert summary(caps, detail=False)["protections"] == {"netns": True}
    assert summary(caps, detail=True)["protections"] == {
        "netns": {"active": True, "detail": "loopback down"}}


def test_parse_run_request_fills_the_defaults() -> None:
    job = parse_run_request(b'{"code": "x"}')
    assert (job.interface, job.app, job.scenario) == ("auto", "app", {})
