"""Key-by-key checks of the messages a WebSocket app sends.

Each function records one violation per problem and returns what the server
can use, plus the exception to raise into the app when the server could not
go on (uvicorn fails on these too, usually with a bare TypeError or the
websockets library's ProtocolError); ``None`` means "carry on".
"""

from __future__ import annotations

from typing import Any

from sandbox.asgi_common import did_you_mean
from sandbox.encoding import short_repr
from sandbox.recorder import Recorder

# Close codes an endpoint may put in a close frame (RFC 6455 section 7.4 and the
# IANA registry): 1004 is reserved, 1005/1006/1015 only report what happened,
# 1016-2999 are unassigned; 3000-4999 are for libraries and applications.
SENDABLE_CLOSE_CODES = frozenset({1000, 1001, 1002, 1003, *range(1007, 1015)})
MAX_CLOSE_REASON = 123  # a control frame holds 125 bytes, 2 of them the code
TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
HANDSHAKE_HEADERS = frozenset(
    {"upgrade", "connection", "sec-websocket-accept", "sec-websocket-extensions"}
)

WS_SEND_TYPES = (
    "websocket.accept",
    "websocket.send",
    "websocket.close",
    "websocket.http.response.start",
    "websocket.http.response.body",
)
WS_RECEIVE_TYPES = ("websocket.connect", "websocket.receive", "websocket.disconnect")


class ProtocolError(Exception):
    """A frame the WebSocket library refuses to build (as websockets' ProtocolError)."""


def check_headers(
    headers: Any, rec: Recorder, seq: int, where: str, *, lower: bool
) -> tuple[list[tuple[str, str]], BaseException | None]:
    """``headers`` of websocket.accept or websocket.http.response.start, as str pairs."""
    if headers is None:
        return [], None
    if not isinstance(headers, list | tuple):
        rec.violate(
            "websocket.headers_not_list",
            f"The 'headers' of your {where} is {short_repr(headers, 80)} "
            f"(a {type(headers).__name__}), not a list of [name, value] pairs.",
            event=seq,
        )
        return [], TypeError(f"{where} headers must be a list of [name, value] pairs")
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(headers):
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            rec.violate(
                "websocket.headers_not_list",
                f"headers[{i}] of your {where} is {short_repr(pair, 80)}, not a "
                "[name, value] pair.",
                event=seq,
            )
            return out, TypeError(f"{where} headers[{i}] is not a [name, value] pair")
        name, value = pair
        if not isinstance(name, bytes) or not isinstance(value, bytes):
            rec.violate(
                "websocket.header_not_bytes",
                f"headers[{i}] of your {where} is [{short_repr(name, 40)}, "
                f"{short_repr(value, 60)}]: both parts must be bytes.",
                event=seq,
            )
            bad = name if not isinstance(name, bytes) else value
            return out, AttributeError(f"'{type(bad).__name__}' object has no attribute 'decode'")
        if name != name.lower():
            rec.violate(
                "websocket.header_name_uppercase",
                f"Header name {name!r} in your {where} has upper-case letters.",
                event=seq,
            )
        if not name or not set(name) <= TOKEN:
            rec.violate(
                "websocket.header_name_invalid",
                f"Header name {name!r} in your {where} is not a valid HTTP header name.",
                event=seq,
            )
            return out, ValueError(f"Invalid HTTP header name {name!r}")
        if any(c in value for c in b"\r\n\x00"):
            rec.violate(
                "websocket.header_value_invalid",
                f"The value of header {name!r} in your {where} contains CR, LF or NUL: {value!r}.",
                event=seq,
            )
            return out, ValueError(f"Invalid HTTP header value {value!r}")
        text = name.decode("latin-1")
        out.append((text.lower() if lower else text, value.decode("latin-1")))
    return out, None


def check_send(
    message: dict[str, Any], rec: Recorder, seq: int
) -> tuple[Any, BaseException | None]:
    """The frame a websocket.send makes: ("text", str), ("bytes", bytes) or None."""
    data, text = message.get("bytes"), message.get("text")
    if data is not None and not isinstance(data, bytes | bytearray | memoryview):
        rec.violate(
            "websocket.send_bytes_type",
            f"'bytes' is {short_repr(data, 80)} (a {type(data).__name__}), not bytes.",
            event=seq,
        )
        return None, TypeError(f"'bytes' must be bytes, not {type(data).__name__}")
    if text is not None and not isinstance(text, str):
        hint = " Use json.dumps(...) to send a dict as text." if isinstance(text, dict) else ""
        rec.violate(
            "websocket.send_text_type",
            f"'text' is {short_repr(text, 80)} (a {type(text).__name__}), not str.{hint}",
            event=seq,
        )
        return None, TypeError(f"'text' must be str, not {type(text).__name__}")
    if data is not None and text is not None:
        rec.violate(
            "websocket.send_both",
            f"Your websocket.send has both bytes={short_repr(data, 40)} and "
            f"text={short_repr(text, 40)}; uvicorn sends the bytes and drops the text.",
            event=seq,
        )
        return ("bytes", bytes(data)), None
    if data is None and text is None:
        rec.violate(
            "websocket.send_neither",
            f"Your websocket.send {short_repr(message, 100)} has neither 'bytes' nor 'text' "
            "(or both are None), so there is nothing to send; uvicorn sends nothing.",
            event=seq,
        )
        return None, None
    if text is not None:
        return ("text", text), None
    assert data is not None
    return ("bytes", bytes(data)), None


def check_close(
    message: dict[str, Any], rec: Recorder, seq: int
) -> tuple[int, str, BaseException | None]:
    """Code and reason of a websocket.close after the handshake."""
    code = message.get("code", 1000)
    if not isinstance(code, int) or isinstance(code, bool):
        rec.violate(
            "websocket.close_code_type",
            f"'code' is {short_repr(code, 60)} (a {type(code).__name__}), not an int.",
            event=seq,
        )
        return 1000, "", TypeError(f"close code must be an int, not {type(code).__name__}")
    if not 1000 <= code <= 4999:
        rec.violate(
            "websocket.close_code_out_of_range",
            f"Close code {code} is outside 1000-4999, the range of close codes.",
            event=seq,
        )
        return code, "", ProtocolError(f"invalid status code {code}")
    if code not in SENDABLE_CLOSE_CODES and not 3000 <= code <= 4999:
        rec.violate(
            "websocket.close_code_reserved",
            f"Close code {code} may not be sent in a close frame.",
            event=seq,
        )
        return code, "", ProtocolError(f"invalid status code {code}")
    reason = message.get("reason")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        rec.violate(
            "websocket.close_reason_type",
            f"'reason' is {short_repr(reason, 60)} (a {type(reason).__name__}), not str.",
            event=seq,
        )
        return code, "", TypeError(f"close reason must be str, not {type(reason).__name__}")
    size = len(reason.encode("utf-8", "surrogatepass"))
    if size > MAX_CLOSE_REASON:
        rec.violate(
            "websocket.close_reason_too_long",
            f"Your close reason is {size} bytes in UTF-8; at most {MAX_CLOSE_REASON} fit "
            "in a close frame.",
            event=seq,
        )
        return code, reason, ProtocolError("control frame too long")
    return code, reason, None


def check_denial_start(
    message: dict[str, Any], rec: Recorder, seq: int
) -> tuple[int, list[tuple[str, str]], BaseException | None]:
    status = message.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        rec.violate(
            "websocket.denial_status_type",
            f"'status' is {short_repr(status, 60)} (a {type(status).__name__}); it must be "
            "an int such as 403.",
            event=seq,
        )
        return 500, [], TypeError("'status' must be an int")
    if not 100 <= status <= 599:
        rec.violate(
            "websocket.denial_status_invalid",
            f"Status {status} is not an HTTP status code (100-599).",
            event=seq,
        )
        return 500, [], RuntimeError(f"Invalid HTTP status code '{status}' in response.")
    if status < 300:
        rec.violate(
            "websocket.denial_status_success",
            f"Your denial response has status {status}, which says success, yet the "
            "WebSocket handshake still fails for the client.",
            event=seq,
        )
    headers, exc = check_headers(
        message.get("headers", []), rec, seq, "websocket.http.response.start", lower=False
    )
    return status, headers, exc


def check_denial_body(
    message: dict[str, Any], rec: Recorder, seq: int
) -> tuple[bytes, bool, BaseException | None]:
    body = message.get("body", b"")
    more = message.get("more_body", False)
    if not isinstance(more, bool):
        rec.violate(
            "websocket.denial_more_body_type",
            f"'more_body' is {short_repr(more, 60)} (a {type(more).__name__}), not True or "
            "False; the server reads it as " + str(bool(more)) + ".",
            event=seq,
        )
    if not isinstance(body, bytes | bytearray | memoryview):
        rec.violate(
            "websocket.denial_body_type",
            f"'body' is {short_repr(body, 80)} (a {type(body).__name__}), not bytes.",
            event=seq,
        )
        return b"", bool(more), TypeError(f"'body' must be bytes, not {type(body).__name__}")
    return bytes(body), bool(more), None


def unexpected(kind: str, rec: Recorder, seq: int, expected: str) -> None:
    """A type that is no WebSocket send message: say what it is instead."""
    if kind.startswith(("http.", "lifespan.")):
        rec.violate(
            "websocket.other_protocol_message",
            f"Your app sent {kind!r} on a WebSocket connection (scope type 'websocket'). "
            f"Here the server expected {expected}.",
            event=seq,
        )
    elif kind in WS_RECEIVE_TYPES:
        rec.violate(
            "websocket.receive_message_sent",
            f"Your app sent {kind!r}, a message the server sends to the app, never the "
            f"other way round. Here the server expected {expected}.",
            event=seq,
        )
    else:
        hint = did_you_mean(kind, WS_SEND_TYPES)
        rec.violate(
            "websocket.unknown_message_type",
            f"{kind!r} is not a WebSocket message type.{hint} Here the server expected {expected}.",
            event=seq,
        )
