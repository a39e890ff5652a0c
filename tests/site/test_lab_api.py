"""POST /api/lab through the app with the real Executor, and once through a real uvicorn."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from wsgi_asgi_tour.lab_api import parse_lab_request

from tests.sandbox.lab.apps import ASGI_AWAIT, ASGI_BLOCKING, LOOP, THREADS_4, WSGI_SLEEP
from tests.site.conftest import AUTH, TOKEN, TestClient, live_server, make_settings


def post(client: TestClient, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/lab", content=content, headers={**AUTH, **headers})


def error_of(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    error: dict[str, str] = response.json()["error"]
    return error


def test_threads_lab(client: TestClient) -> None:
    response = post(client, {"code": WSGI_SLEEP, "lab": {"requests": 100, "server": THREADS_4}})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    result = response.json()
    assert result["outcome"] == "ok", result["error"]
    assert result["makespan_ms"] == 25000.0
    assert result["server"] == THREADS_4
    assert len(result["requests"]) == 100
    assert result["isolation"]["walls"]


def test_loop_lab_with_defaults(client: TestClient) -> None:
    result = post(client, {"code": ASGI_AWAIT}).json()  # 100 requests, the loop by interface
    assert result["outcome"] == "ok", result["error"]
    assert result["interface"] == "asgi"
    assert result["server"] == LOOP
    assert result["makespan_ms"] == 1000.0


def test_blocking_sleep_note_in_chinese_or_english(client: TestClient) -> None:
    body = {"code": ASGI_BLOCKING, "lab": {"requests": 5}, "lang": "zh"}
    result = post(client, body).json()
    assert result["makespan_ms"] == 5000.0
    assert len(result["notes"]) == 1


def test_a_model_mismatch_is_a_result_not_a_400(client: TestClient) -> None:
    result = post(client, {"code": WSGI_SLEEP, "lab": {"server": LOOP}}).json()
    assert result["outcome"] == "error"
    assert "threads model" in result["error"]["message"]


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"code": WSGI_SLEEP, "lab": {"requests": 1001}}, "bad_lab", "from 1 to 1000"),
    ({"code": WSGI_SLEEP, "lab": {"server": {"model": "threads", "threads": 0}}}, "bad_lab",
     '"server.threads"'),
    ({"code": WSGI_SLEEP, "lab": {"every_ms": 1e9}}, "bad_lab", "every_ms"),
    ({"code": WSGI_SLEEP, "lab": []}, "bad_request", '"lab" must be a JSON object'),
    ({"code": WSGI_SLEEP, "scenario": {}}, "bad_request", "Unknown key in the request: "
     "'scenario'"),
    ({"lab": {}}, "bad_request", 'needs "code"'),
    ({"code": WSGI_SLEEP, "interface": "cgi"}, "bad_request", '"interface"'),
    ({"code": WSGI_SLEEP, "app": "1x"}, "bad_request", '"app"'),
    ({"code": WSGI_SLEEP, "lang": "fr"}, "bad_request", '"lang"'),
    ([1], "bad_request", "must be a JSON object"),
])
def test_bad_requests_are_400s_a_learner_can_read(
        client: TestClient, body: Any, code: str, words: str) -> None:
    error = error_of(post(client, body), 400)
    assert error["code"] == code
    assert words in error["message"]


def test_bad_json_and_missing_token(client: TestClient) -> None:
    assert error_of(post(client, b"{"), 400)["code"] == "bad_json"
    response = client.post("/api/lab", content=b"{}",
                           headers={"content-type": "application/json"})
    assert error_of(response, 401)["code"] == "token_required"
    assert client.get("/api/lab").status_code == 405


def test_parse_lab_request_keeps_the_options_as_sent() -> None:
    job = parse_lab_request(json.dumps({"code": "x", "lab": {"requests": 3}}).encode(), "zh-CN")
    assert job.options == {"requests": 3}
    assert job.lang == "zh"  # from Accept-Language when the body does not say


def test_through_a_real_uvicorn() -> None:
    with live_server(make_settings()) as live:
        response = httpx.post(
            f"{live.url}/api/lab", timeout=30,
            headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
            json={"code": ASGI_AWAIT, "lab": {"requests": 100, "every_ms": 5}})
        health = httpx.get(f"{live.url}/api/health", timeout=10)
    assert response.status_code == 200
    result = response.json()
    assert result["outcome"] == "ok", result["error"]
    assert result["makespan_ms"] == 1495.0
    assert health.status_code == 200
