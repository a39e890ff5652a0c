"""Scenarios: what the simulated client does, parsed from JSON.

A scenario is one request object, or several under ``requests``:

    {"type": "http", "method": "GET", "path": "/hello?name=Ada",
     "headers": [["cookie", "visits=3"]], "body": "text"}
    {"type": "websocket", "path": "/ws", "subprotocols": ["chat"],
     "actions": [{"send": "hi"}, {"send_bytes": "aGk="}, {"receive": true},
                 {"close": 1000, "reason": "bye"}]}
    {"type": "lifespan"}
    {"requests": [ ...any of the first two... ], "lifespan": true}

Every key, its type and its default is listed in ``docs/scenario.md``. Bad input
raises ``ScenarioError`` whose message names the exact place (``requests[1].
headers[0]``) and what was expected, because learners and teachers write these
by hand.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.i18n import tr

MAX_BODY = 1024 * 1024  # bytes in one request body, after decoding
MAX_REQUESTS = 50
MAX_HEADERS = 100
MAX_HEADER_BYTES = 8192  # one header name + value
MAX_CHUNKS = 100
MAX_ACTIONS = 200
MAX_PATH = 8192
MAX_MESSAGE = 64 * 1024  # one WebSocket message the client sends

METHODS_WITH_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class ScenarioError(ValueError):
    """The scenario JSON is malformed; the message says where and how."""


@dataclass(frozen=True)
class HttpRequest:
    method: str = "GET"
    path: str = "/"  # as sent on the request line: percent-encoded, with ?query
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)  # the body as the client sends it
    http_version: str = "1.1"
    scheme: str = "http"
    root_path: str = ""
    client: tuple[str, int] = ("127.0.0.1", 51000)
    server: tuple[str, int] = ("127.0.0.1", 8000)
    # After how many response body chunks the client hangs up (None: it reads everything).
    disconnect_after: int | None = None
    type: Literal["http"] = "http"

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True)
class WsAction:
    kind: Literal["send", "send_bytes", "receive", "close", "disconnect"]
    text: str | None = None
    data: bytes | None = None
    code: int = 1000
    reason: str = ""


@dataclass(frozen=True)
class WebSocketRequest:
    path: str = "/"
    headers: list[tuple[str, str]] = field(default_factory=list)
    subprotocols: list[str] = field(default_factory=list)
    actions: list[WsAction] = field(default_factory=list)
    http_version: str = "1.1"
    scheme: str = "ws"
    root_path: str = ""
    client: tuple[str, int] = ("127.0.0.1", 51000)
    server: tuple[str, int] = ("127.0.0.1", 8000)
    type: Literal["websocket"] = "websocket"


Request = HttpRequest | WebSocketRequest


@dataclass(frozen=True)
class Scenario:
    requests: list[Request]
    lifespan: bool = False


def parse(raw: Any) -> Scenario:
    """Build a Scenario from decoded JSON, or raise ScenarioError saying where it is wrong."""
    if not isinstance(raw, dict):
        raise ScenarioError(tr("scenario: expected a JSON object, got {kind}", kind=_kind(raw)))
    if "requests" in raw:
        _only(raw, {"requests", "lifespan"}, "scenario")
        items = raw["requests"]
        if not isinstance(items, list):
            raise ScenarioError(tr(
                "scenario.requests: expected a list, got {kind}",
                kind=_kind(items),
            ))
        if len(items) > MAX_REQUESTS:
            raise ScenarioError(
                tr(
                    "scenario.requests: at most {limit} requests, got {count}",
                    limit=MAX_REQUESTS,
                    count=len(items),
                )
            )
        lifespan = raw.get("lifespan", False)
        if not isinstance(lifespan, bool):
            raise ScenarioError(tr(
                "scenario.lifespan: expected true or false, got {kind}",
                kind=_kind(lifespan),
            ))
        reqs: list[Request] = []
        for i, item in enumerate(items):
            where = f"requests[{i}]"
            if isinstance(item, dict) and item.get("type") == "lifespan":
                raise ScenarioError(tr(
                    "{where}: lifespan is not a request; use \"lifespan\": true",
                    where=where,
                ))
            req = _request(item, where)
            assert req is not None
            reqs.append(req)
        return Scenario(reqs, lifespan)
    req = _request(raw, "scenario")
    return Scenario([], True) if req is None else Scenario([req])


def _request(raw: Any, where: str) -> Request | None:
    if not isinstance(raw, dict):
        raise ScenarioError(tr(
            "{where}: expected a JSON object, got {kind}",
            where=where,
            kind=_kind(raw),
        ))
    kind = raw.get("type", "http")
    if kind == "http":
        return _http(raw, where)
    if kind == "websocket":
        return _websocket(raw, where)
    if kind == "lifespan":
        _only(raw, {"type"}, where)
        return None
    raise ScenarioError(tr(
        "{where}.type: expected \"http\", \"websocket\" or \"lifespan\", got {kind}",
        where=where,
        kind=repr(kind),
    ))


_COMMON = {"type", "path", "headers", "http_version", "root_path", "client", "server", "scheme"}


def _http(raw: dict[str, Any], where: str) -> HttpRequest:
    _only(
        raw,
        _COMMON | {"method", "body", "body_base64", "chunks", "chunks_base64", "disconnect_after"},
        where,
    )
    bodies = [k for k in ("body", "body_base64", "chunks", "chunks_base64") if k in raw]
    if len(bodies) > 1:
        raise ScenarioError(tr(
            "{where}: give only one of {keys}",
            where=where,
            keys=", ".join(bodies),
        ))
    chunks: list[bytes] = []
    if "body" in raw:
        chunks = [_str(raw, "body", where).encode("utf-8")]
    elif "body_base64" in raw:
        chunks = [_b64(raw["body_base64"], f"{where}.body_base64")]
    elif "chunks" in raw:
        chunks = [
            _as_str(c, f"{where}.chunks[{i}]").encode("utf-8")
            for i, c in enumerate(_list(raw, "chunks", where, MAX_CHUNKS))
        ]
    elif "chunks_base64" in raw:
        chunks = [
            _b64(c, f"{where}.chunks_base64[{i}]")
            for i, c in enumerate(_list(raw, "chunks_base64", where, MAX_CHUNKS))
        ]
    if sum(map(len, chunks)) > MAX_BODY:
        raise ScenarioError(tr(
            "{where}: the body is larger than the {kib} KiB limit",
            where=where,
            kib=MAX_BODY // 1024,
        ))
    method = raw.get("method", "GET")
    if not isinstance(method, str) or not method or not set(method) <= METHODS_WITH_TOKEN_CHARS:
        raise ScenarioError(
            tr(
                "{where}.method: expected an HTTP method such as \"GET\", got {method}",
                where=where,
                method=repr(method),
            )
        )
    disconnect = raw.get("disconnect_after")
    if disconnect is not None and (not _is_int(disconnect) or disconnect < 0):
        raise ScenarioError(
            tr(
                "{where}.disconnect_after: expected a whole number >= 0, got {disconnect}",
                where=where,
                disconnect=repr(disconnect),
            )
        )
    return HttpRequest(
        method=method.upper(),
        chunks=chunks,
        disconnect_after=disconnect,
        **_common(raw, where, default_scheme="http"),
    )


def _websocket(raw: dict[str, Any], where: str) -> WebSocketRequest:
    _only(raw, _COMMON | {"subprotocols", "actions"}, where)
    subprotocols = [
        _as_str(s, f"{where}.subprotocols[{i}]")
        for i, s in enumerate(_list(raw, "subprotocols", where, 20))
    ]
    actions = [
        _action(a, f"{where}.actions[{i}]")
        for i, a in enumerate(_list(raw, "actions", where, MAX_ACTIONS))
    ]
    return WebSocketRequest(
        subprotocols=subprotocols, actions=actions, **_common(raw, where, default_scheme="ws")
    )


def _action(raw: Any, where: str) -> WsAction:
    if not isinstance(raw, dict):
        raise ScenarioError(
            tr(
                "{where}: expected an object such as {{\"send\": \"hi\"}}, got {kind}",
                where=where,
                kind=_kind(raw),
            )
        )
    verbs = [k for k in ("send", "send_bytes", "receive", "close", "disconnect") if k in raw]
    if len(verbs) != 1:
        raise ScenarioError(
            tr(
                "{where}: expected exactly one of send, send_bytes, receive, close, disconnect; "
                "got {value}",
                where=where,
                value=sorted(raw) or tr("an empty object"),
            )
        )
    verb = verbs[0]
    if verb == "send":
        _only(raw, {"send"}, where)
        text = _str(raw, "send", where)
        if len(text.encode()) > MAX_MESSAGE:
            raise ScenarioError(tr(
                "{where}.send: longer than the {kib} KiB limit",
                where=where,
                kib=MAX_MESSAGE // 1024,
            ))
        return WsAction("send", text=text)
    if verb == "send_bytes":
        _only(raw, {"send_bytes"}, where)
        data = _b64(raw["send_bytes"], f"{where}.send_bytes")
        if len(data) > MAX_MESSAGE:
            raise ScenarioError(
                tr(
                    "{where}.send_bytes: longer than the {kib} KiB limit",
                    where=where,
                    kib=MAX_MESSAGE // 1024,
                )
            )
        return WsAction("send_bytes", data=data)
    if verb == "receive":
        _only(raw, {"receive"}, where)
        if raw["receive"] is not True:
            raise ScenarioError(tr(
                "{where}.receive: expected true, got {receive}",
                where=where,
                receive=repr(raw['receive']),
            ))
        return WsAction("receive")
    if verb == "disconnect":
        _only(raw, {"disconnect"}, where)
        if raw["disconnect"] is not True:
            raise ScenarioError(tr(
                "{where}.disconnect: expected true, got {disconnect}",
                where=where,
                disconnect=repr(raw['disconnect']),
            ))
        return WsAction("disconnect", code=1006)
    _only(raw, {"close", "reason"}, where)
    code = raw["close"]
    if code is True:
        code = 1000
    if not _is_int(code) or not (1000 <= code <= 4999):
        raise ScenarioError(tr(
            "{where}.close: expected a close code from 1000 to 4999, got {code}",
            where=where,
            code=repr(code),
        ))
    reason = _as_str(raw.get("reason", ""), f"{where}.reason")
    if len(reason.encode()) > 123:
        raise ScenarioError(tr("{where}.reason: expected text of at most 123 bytes", where=where))
    return WsAction("close", code=code, reason=reason)


def _common(raw: dict[str, Any], where: str, default_scheme: str) -> dict[str, Any]:
    path = raw.get("path", "/")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ScenarioError(tr(
            "{where}.path: expected a path starting with '/', got {path}",
            where=where,
            path=repr(path),
        ))
    if len(path) > MAX_PATH or any(c in path for c in " \r\n\t\x00"):
        raise ScenarioError(
            tr(
                "{where}.path: must be at most {limit} characters with no spaces or control "
                "characters (percent-encode them: %20)",
                where=where,
                limit=MAX_PATH,
            )
        )
    try:
        path.encode("latin-1")
    except UnicodeEncodeError:
        raise ScenarioError(
            tr(
                "{where}.path: non-ASCII characters must be percent-encoded (UTF-8), as a browser "
                "does: {path}",
                where=where,
                path=repr(path),
            )
        ) from None
    headers: list[tuple[str, str]] = []
    for i, pair in enumerate(_list(raw, "headers", where, MAX_HEADERS)):
        here = f"{where}.headers[{i}]"
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise ScenarioError(tr(
                "{here}: expected a [name, value] pair of strings, got {pair}",
                here=here,
                pair=repr(pair),
            ))
        name, value = pair
        if not name or not set(name) <= METHODS_WITH_TOKEN_CHARS | set(
            "abcdefghijklmnopqrstuvwxyz"
        ):
            raise ScenarioError(tr(
                "{here}: {name} is not a valid header name",
                here=here,
                name=repr(name),
            ))
        if any(c in value for c in "\r\n\x00"):
            raise ScenarioError(tr("{here}: header values cannot contain CR, LF or NUL", here=here))
        try:
            size = len(name.encode("latin-1")) + len(value.encode("latin-1"))
        except UnicodeEncodeError:
            raise ScenarioError(tr(
                "{here}: HTTP headers carry latin-1 text only",
                here=here,
            )) from None
        if size > MAX_HEADER_BYTES:
            raise ScenarioError(tr(
                "{here}: longer than {limit} bytes",
                here=here,
                limit=MAX_HEADER_BYTES,
            ))
        headers.append((name, value))
    version = raw.get("http_version", "1.1")
    if version not in ("1.0", "1.1", "2"):
        raise ScenarioError(tr(
            "{where}.http_version: expected \"1.0\", \"1.1\" or \"2\", got {version}",
            where=where,
            version=repr(version),
        ))
    scheme = raw.get("scheme", default_scheme)
    allowed = ("http", "https") if default_scheme == "http" else ("ws", "wss")
    if scheme not in allowed:
        raise ScenarioError(tr(
            "{where}.scheme: expected one of {allowed}, got {scheme}",
            where=where,
            allowed=allowed,
            scheme=repr(scheme),
        ))
    root_path = raw.get("root_path", "")
    if not isinstance(root_path, str) or (root_path and not root_path.startswith("/")):
        raise ScenarioError(tr(
            "{where}.root_path: expected '' or a path starting with '/'",
            where=where,
        ))
    return {
        "path": path,
        "headers": headers,
        "http_version": version,
        "scheme": scheme,
        "root_path": root_path.rstrip("/"),
        "client": _addr(raw, "client", where, ("127.0.0.1", 51000)),
        "server": _addr(raw, "server", where, ("127.0.0.1", 8000)),
    }


def _addr(raw: dict[str, Any], key: str, where: str, default: tuple[str, int]) -> tuple[str, int]:
    if key not in raw:
        return default
    value = raw[key]
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and _is_int(value[1])
        and 0 <= value[1] <= 65535
    ):
        return (value[0], value[1])
    raise ScenarioError(tr(
        "{where}.{key}: expected [\"host\", port], got {value}",
        where=where,
        key=key,
        value=repr(value),
    ))


def _only(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ScenarioError(
            tr(
                "{where}: unknown key {unknown}; allowed here: {keys}",
                where=where,
                unknown=repr(unknown[0]),
                keys=", ".join(sorted(allowed)),
            )
        )


def _list(raw: dict[str, Any], key: str, where: str, limit: int) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise ScenarioError(tr(
            "{where}.{key}: expected a list, got {kind}",
            where=where,
            key=key,
            kind=_kind(value),
        ))
    if len(value) > limit:
        raise ScenarioError(tr(
            "{where}.{key}: at most {limit} items, got {count}",
            where=where,
            key=key,
            limit=limit,
            count=len(value),
        ))
    return value


def _str(raw: dict[str, Any], key: str, where: str) -> str:
    return _as_str(raw[key], f"{where}.{key}")


def _as_str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(tr(
            "{where}: expected a string, got {kind}",
            where=where,
            kind=_kind(value),
        ))
    _check_unicode(value, where)
    return value


def _check_unicode(value: str, where: str) -> None:
    # JSON allows a lone surrogate ("\ud800"); it has no UTF-8 form, so the body or
    # message could never be sent. Say so here rather than fail when encoding it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(
            tr(
                "{where}: not valid Unicode text (it holds a lone surrogate such as \\ud800)",
                where=where,
            )
        ) from None


def _b64(value: Any, where: str) -> bytes:
    text = _as_str(value, where)
    if len(text) > MAX_BODY * 4 // 3 + 4:
        raise ScenarioError(tr(
            "{where}: larger than the {kib} KiB limit",
            where=where,
            kib=MAX_BODY // 1024,
        ))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(tr("{where}: not valid base64", where=where)) from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    names = {
        dict: tr("an object"),
        list: tr("a list"),
        str: tr("a string"),
        bool: tr("true/false"),
        int: tr("a number"),
        float: tr("a number"),
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
