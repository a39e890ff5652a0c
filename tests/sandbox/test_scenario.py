"""Scenario parsing: only ScenarioError for bad input, precise places, valid input kept as is."""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.scenario import (
    MAX_BODY,
    MAX_REQUESTS,
    HttpRequest,
    ScenarioError,
    WebSocketRequest,
    parse,
)

# Arbitrary JSON, plus JSON that looks like a scenario (the right keys, wrong values),
# so the parser's deeper checks are reached too.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["http", "websocket", "lifespan", "GET", "/", "1.1", "ws", "\ud800"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)
KEYS = [
    "type", "method", "path", "headers", "body", "body_base64", "chunks", "chunks_base64",
    "disconnect_after", "http_version", "scheme", "root_path", "client", "server",
    "subprotocols", "actions", "requests", "lifespan", "send", "send_bytes", "receive",
    "close", "reason", "disconnect",
]  # fmt: skip
shaped = st.recursive(
    json_values,
    lambda children: (
        st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
        | st.lists(children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=500)
@given(shaped)
def test_parse_raises_only_scenario_error(raw: Any) -> None:
    try:
        parse(raw)
    except ScenarioError as exc:
        assert str(exc)  # always says something


def test_lone_surrogates_are_a_scenario_error() -> None:
    # json.loads accepts "\ud800"; encoding it to UTF-8 later must not crash the parser.
    raw = json.loads('{"body": "\\ud800"}')
    with pytest.raises(ScenarioError, match=r"scenario\.body"):
        parse(raw)
    ws = json.loads('{"type": "websocket", "actions": [{"close": 1000, "reason": "\\udc80"}]}')
    with pytest.raises(ScenarioError, match=r"actions\[0\]\.reason"):
        parse(ws)


token = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)
header_value = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=30)
path = st.text(alphabet=string.ascii_letters + string.digits + "/%?=&-._~", max_size=30).map(
    lambda s: "/" + s
)
addr = st.tuples(st.sampled_from(["127.0.0.1", "10.0.0.2", "::1"]), st.integers(0, 65535))


@st.composite
def http_requests(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = {"type": "http"}
    raw["method"] = draw(
        st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "M-SEARCH"])
    )
    raw["path"] = draw(path)
    raw["headers"] = [list(h) for h in draw(st.lists(st.tuples(token, header_value), max_size=5))]
    body = draw(
        st.one_of(
            st.none(),
            st.tuples(st.just("body"), st.text(max_size=50).filter(_utf8_ok)),
            st.tuples(st.just("body_base64"), st.binary(max_size=50)),
            st.tuples(
                st.just("chunks"), st.lists(st.text(max_size=10).filter(_utf8_ok), max_size=4)
            ),
            st.tuples(st.just("chunks_base64"), st.lists(st.binary(max_size=10), max_size=4)),
        )
    )
    if body is not None:
        key, value = body
        if key == "body_base64":
            value = _b64(value)
        elif key == "chunks_base64":
            value = [_b64(v) for v in value]
        raw[key] = value
    raw["http_version"] = draw(st.sampled_from(["1.0", "1.1", "2"]))
    raw["scheme"] = draw(st.sampled_from(["http", "https"]))
    raw["root_path"] = draw(st.sampled_from(["", "/api", "/a/b"]))
    raw["client"] = list(draw(addr))
    raw["server"] = list(draw(addr))
    raw["disconnect_after"] = draw(st.none() | st.integers(0, 10))
    return raw


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@given(http_requests())
def test_valid_http_requests_round_trip(raw: dict[str, Any]) -> None:
    scen = parse(raw)
    assert scen.lifespan is False
    [req] = scen.requests
    assert isinstance(req, HttpRequest)
    assert req.method == raw["method"].upper()
    assert req.path == raw["path"]
    assert req.headers == [tuple(h) for h in raw["headers"]]
    assert req.http_version == raw["http_version"]
    assert req.scheme == raw["scheme"]
    assert req.root_path == raw["root_path"]
    assert req.client == tuple(raw["client"])
    assert req.server == tuple(raw["server"])
    assert req.disconnect_after == raw["disconnect_after"]
    if "body" in raw:
        assert req.body == raw["body"].encode()
    elif "body_base64" in raw:
        assert req.body == base64.b64decode(raw["body_base64"])
    elif "chunks" in raw:
        assert req.chunks == [c.encode() for c in raw["chunks"]]
    elif "chunks_base64" in raw:
        assert req.chunks == [base64.b64decode(c) for c in raw["chunks_base64"]]
    else:
        assert req.body == b""


actions = st.one_of(
    st.text(max_size=20).filter(_utf8_ok).map(lambda t: {"send": t}),
    st.binary(max_size=20).map(lambda b: {"send_bytes": _b64(b)}),
    st.just({"receive": True}),
    st.just({"disconnect": True}),
    st.tuples(st.integers(1000, 4999), st.text(max_size=10).filter(_utf8_ok)).map(
        lambda c: {"close": c[0], "reason": c[1]}
    ),
)


@given(path, st.lists(token, max_size=3), st.lists(actions, max_size=6), st.booleans())
def test_valid_websocket_scenarios_round_trip(
    ws_path: str, subprotocols: list[str], script: list[dict[str, Any]], lifespan: bool
) -> None:
    raw = {"type": "websocket", "path": ws_path, "subprotocols": subprotocols, "actions": script}
    scen = parse({"requests": [raw], "lifespan": lifespan})
    assert scen.lifespan is lifespan
    [req] = scen.requests
    assert isinstance(req, WebSocketRequest)
    assert (req.path, req.subprotocols, req.scheme) == (ws_path, subprotocols, "ws")
    assert len(req.actions) == len(script)
    for action, given_action in zip(req.actions, script, strict=True):
        verb = next(iter(given_action))
        assert action.kind == verb
        if verb == "send":
            assert action.text == given_action["send"]
        elif verb == "send_bytes":
            assert action.data == base64.b64decode(given_action["send_bytes"])
        elif verb == "close":
            assert (action.code, action.reason) == (given_action["close"], given_action["reason"])


def test_defaults() -> None:
    [req] = parse({}).requests
    assert req == HttpRequest()
    assert (req.method, req.path, req.http_version, req.body) == ("GET", "/", "1.1", b"")
    assert parse({"type": "lifespan"}).lifespan is True
    assert parse({"type": "lifespan"}).requests == []


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ([], "scenario: expected a JSON object"),
        ({"verb": "GET"}, "scenario: unknown key 'verb'"),
        ({"requests": [{}, {"headers": [["a"]]}]}, r"requests\[1\]\.headers\[0\]"),
        ({"method": "GE T"}, r"scenario\.method"),
        ({"path": "hello"}, r"scenario\.path"),
        ({"path": "/caf\u00e9\u20ac"}, "percent-encoded"),
        ({"body": "a", "chunks": ["b"]}, "give only one of body, chunks"),
        ({"body_base64": "!!"}, "not valid base64"),
        ({"body": "x" * (MAX_BODY + 1)}, "KiB limit"),
        ({"requests": [{}] * (MAX_REQUESTS + 1)}, "at most"),
        ({"requests": [{"type": "lifespan"}]}, '"lifespan": true'),
        ({"type": "websocket", "actions": [{"send": "a", "receive": True}]}, "exactly one of"),
        ({"type": "websocket", "actions": [{"close": 999}]}, "1000 to 4999"),
        ({"disconnect_after": -1}, "whole number"),
        ({"headers": [["x", "a\r\nb"]]}, "CR, LF"),
        ({"client": ["h", 70000]}, r'\["host", port\]'),
        ({"type": "ftp"}, r"scenario\.type"),
    ],
)
def test_errors_name_the_place(raw: Any, where: str) -> None:
    with pytest.raises(ScenarioError, match=where):
        parse(raw)


DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenario.md"


def allowed_keys(raw: dict[str, Any]) -> list[str]:
    """The keys the parser accepts in one place, read from its own unknown-key message."""
    with pytest.raises(ScenarioError) as info:
        parse(raw)
    return str(info.value).split("allowed here: ", 1)[1].split(", ")


@pytest.mark.parametrize(
    "raw",
    [
        {"zzz": 1},
        {"type": "websocket", "zzz": 1},
        {"requests": [], "zzz": 1},
        {"type": "websocket", "actions": [{"close": 1000, "zzz": 1}]},
    ],
)
def test_every_key_is_documented(raw: dict[str, Any]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for key in allowed_keys(raw):
        assert f"`{key}`" in text or f'"{key}"' in text, f"{key} is not in docs/scenario.md"
    for verb in ("send", "send_bytes", "receive", "close", "disconnect"):
        assert f'{{"{verb}"' in text
