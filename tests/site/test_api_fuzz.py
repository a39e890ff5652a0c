"""Property-based fuzzing of the run API: whatever the body, never a 500.

Runs go to the real Executor; most generated bodies stop at validation, the
rest run (random code is mostly a SyntaxError), so each example is cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.site.conftest import AUTH, HELLO_WSGI, TestClient, client_for, make_settings

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LIMIT = 16 * 1024  # a small cap, so "huge" bodies are quick to make


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    with client_for(make_settings(max_body_bytes=LIMIT)) as client:
        yield client


def check(response: Any) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if response.status_code != 200:
        assert isinstance(body["error"]["code"], str) and body["error"]["message"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
run_keys = st.sampled_from(["interface", "code", "app", "scenario", "extra", "Code"])
requests = st.dictionaries(run_keys, json_values, max_size=5)
wrongly_typed = st.fixed_dictionaries(
    {"code": st.text(max_size=50) | json_values},
    optional={"interface": st.sampled_from(["wsgi", "asgi", "auto"]) | json_values,
              "app": st.sampled_from(["app", "application"]) | json_values,
              "scenario": st.fixed_dictionaries(
                  {}, optional={"method": json_values, "path": json_values,
                                "headers": json_values, "body": json_values,
                                "type": st.sampled_from(["http", "websocket", "lifespan"])})},
)


def post(client: TestClient, content: bytes) -> Any:
    return client.post("/api/run", content=content, headers=AUTH)


@FUZZ
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(fuzz_client: TestClient, raw: bytes) -> None:
    check(post(fuzz_client, raw))


@FUZZ
@given(body=json_values)
def test_any_json_value(fuzz_client: TestClient, body: Any) -> None:
    check(post(fuzz_client, json.dumps(body).encode()))


@FUZZ
@given(body=requests)
def test_objects_with_run_keys_of_any_type(fuzz_client: TestClient, body: dict[str, Any]) -> None:
    check(post(fuzz_client, json.dumps(body).encode()))


@FUZZ
@given(body=wrongly_typed)
def test_almost_valid_requests(fuzz_client: TestClient, body: dict[str, Any]) -> None:
    check(post(fuzz_client, json.dumps(body).encode()))


@FUZZ
@given(text=st.text(max_size=300))
def test_truncated_and_mangled_json(fuzz_client: TestClient, text: str) -> None:
    valid = json.dumps({"code": HELLO_WSGI, "scenario": {"path": text}})
    cut = len(text) % len(valid)
    check(post(fuzz_client, valid[:cut].encode() + text.encode("utf-8", "surrogatepass")))


@settings(max_examples=20, deadline=None)
@given(size=st.integers(min_value=LIMIT + 1, max_value=LIMIT * 8), chunked=st.booleans())
def test_huge_bodies_get_413(fuzz_client: TestClient, size: int, chunked: bool) -> None:
    blob = b'{"code": "' + b"#" * size + b'"}'
    content: Any = iter([blob[i:i + 4096] for i in range(0, len(blob), 4096)]) if chunked else blob
    response = fuzz_client.post("/api/run", content=content, headers=AUTH)
    assert response.status_code == 413
    check(response)


@FUZZ
@given(escape=st.integers(min_value=0xD800, max_value=0xDFFF))
def test_surrogate_escapes(fuzz_client: TestClient, escape: int) -> None:
    check(post(fuzz_client, b'{"code": "x = \'\\u%04x\'\\n"}' % escape))


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)


@FUZZ
@given(host=header_text, origin=header_text, content_type=header_text, authorization=header_text,
       cookie=header_text, fetch_site=header_text)
def test_any_request_headers(fuzz_client: TestClient, host: str, origin: str,
                             content_type: str, authorization: str, cookie: str,
                             fetch_site: str) -> None:
    headers = {"host": host, "origin": origin, "content-type": content_type,
               "authorization": authorization, "cookie": cookie, "sec-fetch-site": fetch_site}
    response = fuzz_client.post("/api/run", content=b'{"code": ""}', headers=headers)
    check(response)
    assert response.status_code in (200, 401, 403, 415)
