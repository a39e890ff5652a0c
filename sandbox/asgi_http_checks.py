"""Checks on the messages an app sends on an HTTP connection, key by key.

``check_start`` and ``check_body`` record every problem of one message and
return what the server will use, or raise ``Invalid`` where uvicorn raises
into the app. ``unexpected`` explains a message of the wrong type for the
connection's state, in uvicorn's words plus the rule that names the mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.asgi_common import did_you_mean
from sandbox.asgi_http_headers import Invalid, parse_headers
from sandbox.asgi_http_semantics import Framing, check_semantics
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder

START_KEYS = ("type", "status", "headers", "trailers")
BODY_KEYS = ("type", "body", "more_body")
# Message types of ASGI extensions this server does not offer in scope["extensions"].
EXTENSIONS = (
    "http.response.trailers",
    "http.response.push",
    "http.response.zerocopysend",
    "http.response.pathsend",
    "http.response.early_hint",
    "http.response.debug",
)
RECEIVE_ONLY = ("http.request", "http.disconnect")


@dataclass
class Start:
    status: int
    framing: Framing
    trailers: bool


def check_start(msg: dict[str, Any], rec: Recorder, seq: int) -> Start:
    _unknown_keys(msg, START_KEYS, rec, seq)
    status = _status(msg, rec, seq)
    framing = check_semantics(parse_headers(msg.get("headers", []), rec, seq), status, rec, seq)
    trailers = msg.get("trailers", False)
    if not isinstance(trailers, bool):
        rec.violate(
            "http.trailers_not_bool",
            tr(
                "'trailers' is {trailers}; it must be True or False.",
                trailers=short_repr(trailers, 60),
            ),
            event=seq,
        )
    elif trailers:
        rec.violate(
            "http.trailers_not_offered",
            tr(
                "The app set trailers=True, but this server does not offer the "
                "http.response.trailers extension (scope['extensions'] has no such key), so it "
                "ignores the flag, as uvicorn does.",
            ),
            event=seq,
        )
    return Start(status, framing, bool(trailers))


def _status(msg: dict[str, Any], rec: Recorder, seq: int) -> int:
    if "status" not in msg:
        rec.violate(
            "http.status_missing",
            tr("The http.response.start message has no 'status'."),
            event=seq,
        )
        raise Invalid("http.response.start needs a 'status' such as 200.")
    status = msg["status"]
    if isinstance(status, bool) or not isinstance(status, int):
        hint = ""
        if isinstance(status, str):
            hint = tr(" (a str: WSGI's '200 OK' habit)")
        rec.violate(
            "http.status_not_int",
            tr(
                "'status' is {status}{hint}; it must be an int such as 200.",
                status=short_repr(status, 60),
                hint=hint,
            ),
            event=seq,
        )
        raise Invalid(f"'status' must be an int, got {short_repr(status, 60)}.")
    if not 100 <= status <= 599:
        rec.violate(
            "http.status_out_of_range",
            tr("'status' is {status}; HTTP status codes go from 100 to 599.", status=status),
            event=seq,
        )
        raise Invalid(f"Invalid HTTP status code {status}.")
    if status < 200:
        rec.violate(
            "http.status_informational",
            tr(
                "'status' is {status}, an informational (1xx) status, which cannot be a final "
                "response.",
                status=status,
            ),
            event=seq,
        )
        raise Invalid(f"Response status_code should be in range [200, 999], got {status}.")
    return status


def check_body(msg: dict[str, Any], rec: Recorder, seq: int) -> tuple[bytes, bool]:
    _unknown_keys(msg, BODY_KEYS, rec, seq)
    body = msg.get("body", b"")
    more = msg.get("more_body", False)
    if not isinstance(more, bool):
        rec.violate(
            "http.more_body_not_bool",
            tr(
                "'more_body' is {more}; it must be True or False. The server reads it as "
                "{as_bool}.",
                more=short_repr(more, 60),
                as_bool=bool(more),
            ),
            event=seq,
        )
    if isinstance(body, str):
        rec.violate(
            "http.body_str",
            tr("'body' is the str {body}; the body must be bytes.", body=short_repr(body, 60)),
            event=seq,
        )
        raise Invalid("'body' must be bytes, not str: use b'...' or text.encode().")
    if not isinstance(body, bytes | bytearray | memoryview):
        rec.violate(
            "http.body_not_bytes",
            tr(
                "'body' is {body} (a {body_type}); it must be bytes.",
                body=short_repr(body, 60),
                body_type=type(body).__name__,
            ),
            event=seq,
        )
        raise Invalid(f"'body' must be bytes, got {type(body).__name__}.")
    return bytes(body), bool(more)


def _unknown_keys(msg: dict[str, Any], known: tuple[str, ...], rec: Recorder, seq: int) -> None:
    for key in msg:
        if key in known or not isinstance(key, str):
            continue
        hint = did_you_mean(key, known, cutoff=0.5)
        rec.violate(
            "http.unknown_key",
            tr(
                "The {type} message has the key {key}, which the spec does not define (keys: "
                "{keys}); the server ignores it.{hint}",
                type=msg["type"],
                key=repr(key),
                keys=", ".join(known),
                hint=hint,
            ),
            event=seq,
        )


def unexpected(kind: str, expected: str, rec: Recorder, seq: int) -> str:
    """Record why ``kind`` is wrong here; return the RuntimeError text (uvicorn's)."""
    text = f"Expected ASGI message '{expected}', but got '{kind}'."
    if kind in EXTENSIONS:
        rec.violate(
            "http.extension_not_offered",
            tr(
                "The app sent {kind}, a message of an ASGI extension this server does not offer "
                "(it is not in scope['extensions']).",
                kind=repr(kind),
            ),
            event=seq,
        )
    elif kind in RECEIVE_ONLY:
        rec.violate(
            "http.receive_type_sent",
            tr(
                "The app sent {kind}, a message only the server sends (you get it from receive()).",
                kind=repr(kind),
            ),
            event=seq,
        )
    elif kind.split(".", 1)[0] in ("websocket", "lifespan"):
        rec.violate(
            "http.wrong_protocol_message",
            tr(
                "The app sent {kind} on an HTTP connection (scope['type'] is 'http').",
                kind=repr(kind),
            ),
            event=seq,
        )
    elif kind == "http.response.body" and expected == "http.response.start":
        rec.violate(
            "http.body_before_start",
            tr(
                "The app sent http.response.body before http.response.start: the server has no "
                "status or headers to send yet.",
            ),
            event=seq,
        )
    elif kind == "http.response.start" and expected == "http.response.body":
        rec.violate(
            "http.start_twice",
            tr(
                "The app sent http.response.start a second time; the status line and headers have "
                "already been given.",
            ),
            event=seq,
        )
    elif kind not in ("http.response.start", "http.response.body"):
        # Both are close to a typo; the one the server waits for wins.
        hint = did_you_mean(kind, ["http.response.start", "http.response.body"], prefer=expected)
        rec.violate(
            "http.unknown_message_type",
            tr(
                "The app sent a message of type {kind}, which HTTP does not define.{hint}",
                kind=repr(kind),
                hint=hint,
            ),
            event=seq,
        )
    return text
