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
from sandbox.i18n import tr
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
            tr(
                "The 'headers' of your {where} is {headers} (a {headers_type}), not a list of "
                "[name, value] pairs.",
                where=where,
                headers=short_repr(headers, 80),
                headers_type=type(headers).__name__,
            ),
            event=seq,
        )
        return [], TypeError(f"{where} headers must be a list of [name, value] pairs")
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(headers):
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            rec.violate(
                "websocket.headers_not_list",
                tr(
                    "headers[{i}] of your {where} is {pair}, not a [name, value] pair.",
                    i=i,
                    where=where,
                    pair=short_repr(pair, 80),
                ),
                event=seq,
            )
            return out, TypeError(f"{where} headers[{i}] is not a [name, value] pair")
        name, value = pair
        if not isinstance(name, bytes) or not isinstance(value, bytes):
            rec.violate(
                "websocket.header_not_bytes",
                tr(
                    "headers[{i}] of your {where} is [{name}, {value}]: both parts must be bytes.",
                    i=i,
                    where=where,
                    name=short_repr(name, 40),
                    value=short_repr(value, 60),
                ),
                event=seq,
            )
            bad = name if not isinstance(name, bytes) else value
            return out, AttributeError(f"'{type(bad).__name__}' object has no attribute 'decode'")
        if name != name.lower():
            rec.violate(
                "websocket.header_name_uppercase",
                tr(
                    "Header name {name} in your {where} has upper-case letters.",
                    name=repr(name),
                    where=where,
                ),
                event=seq,
            )
        if not name or not set(name) <= TOKEN:
            rec.violate(
                "websocket.header_name_invalid",
                tr(
                    "Header name {name} in your {where} is not a valid HTTP header name.",
                    name=repr(name),
                    where=where,
                ),
                event=seq,
            )
            return out, ValueError(f"Invalid HTTP header name {name!r}")
        if any(c in value for c in b"\r\n\x00"):
            rec.violate(
                "websocket.header_value_invalid",
                tr(
                    "The value of header {name} in your {where} contains CR, LF or NUL: {value}.",
                    name=repr(name),
                    where=where,
                    value=repr(value),
                ),
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
            tr(
                "'bytes' is {data} (a {data_type}), not bytes.",
                data=short_repr(data, 80),
                data_type=type(data).__name__,
            ),
            event=seq,
        )
        return None, TypeError(f"'bytes' must be bytes, not {type(data).__name__}")
    if text is not None and not isinstance(text, str):
        hint = tr(" Use json.dumps(...) to send a dict as text.") if isinstance(text, dict) else ""
        rec.violate(
            "websocket.send_text_type",
            tr(
                "'text' is {text} (a {text_type}), not str.{hint}",
                text=short_repr(text, 80),
                text_type=type(text).__name__,
                hint=hint,
            ),
            event=seq,
        )
        return None, TypeError(f"'text' must be str, not {type(text).__name__}")
    if data is not None and text is not None:
        rec.violate(
            "websocket.send_both",
            tr(
                "Your websocket.send has both bytes={data} and text={text}; uvicorn sends the "
                "bytes and drops the text.",
                data=short_repr(data, 40),
                text=short_repr(text, 40),
            ),
            event=seq,
        )
        return ("bytes", bytes(data)), None
    if data is None and text is None:
        rec.violate(
            "websocket.send_neither",
            tr(
                "Your websocket.send {message} has neither 'bytes' nor 'text' (or both are None), "
                "so there is nothing to send; uvicorn sends nothing.",
                message=short_repr(message, 100),
            ),
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
            tr(
                "'code' is {code} (a {code_type}), not an int.",
                code=short_repr(code, 60),
                code_type=type(code).__name__,
            ),
            event=seq,
        )
        return 1000, "", TypeError(f"close code must be an int, not {type(code).__name__}")
    if not 1000 <= code <= 4999:
        rec.violate(
            "websocket.close_code_out_of_range",
            tr("Close code {code} is outside 1000-4999, the range of close codes.", code=code),
            event=seq,
        )
        return code, "", ProtocolError(f"invalid status code {code}")
    if code not in SENDABLE_CLOSE_CODES and not 3000 <= code <= 4999:
        rec.violate(
            "websocket.close_code_reserved",
            tr("Close code {code} may not be sent in a close frame.", code=code),
            event=seq,
        )
        return code, "", ProtocolError(f"invalid status code {code}")
    reason = message.get("reason")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        rec.violate(
            "websocket.close_reason_type",
            tr(
                "'reason' is {reason} (a {reason_type}), not str.",
                reason=short_repr(reason, 60),
                reason_type=type(reason).__name__,
            ),
            event=seq,
        )
        return code, "", TypeError(f"close reason must be str, not {type(reason).__name__}")
    size = len(reason.encode("utf-8", "surrogatepass"))
    if size > MAX_CLOSE_REASON:
        rec.violate(
            "websocket.close_reason_too_long",
            tr(
                "Your close reason is {size} bytes in UTF-8; at most {limit} fit in a "
                "close frame.",
                size=size,
                limit=MAX_CLOSE_REASON,
            ),
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
            tr(
                "'status' is {status} (a {status_type}); it must be an int such as 403.",
                status=short_repr(status, 60),
                status_type=type(status).__name__,
            ),
            event=seq,
        )
        return 500, [], TypeError("'status' must be an int")
    if not 100 <= status <= 599:
        rec.violate(
            "websocket.denial_status_invalid",
            tr("Status {status} is not an HTTP status code (100-599).", status=status),
            event=seq,
        )
        return 500, [], RuntimeError(f"Invalid HTTP status code '{status}' in response.")
    if status < 300:
        rec.violate(
            "websocket.denial_status_success",
            tr(
                "Your denial response has status {status}, which says success, yet the WebSocket "
                "handshake still fails for the client.",
                status=status,
            ),
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
            tr(
                "'more_body' is {more} (a {more_type}), not True or False; the server reads it as "
                "{as_bool}.",
                more=short_repr(more, 60),
                more_type=type(more).__name__,
                as_bool=bool(more),
            ),
            event=seq,
        )
    if not isinstance(body, bytes | bytearray | memoryview):
        rec.violate(
            "websocket.denial_body_type",
            tr(
                "'body' is {body} (a {body_type}), not bytes.",
                body=short_repr(body, 80),
                body_type=type(body).__name__,
            ),
            event=seq,
        )
        return b"", bool(more), TypeError(f"'body' must be bytes, not {type(body).__name__}")
    return bytes(body), bool(more), None


def unexpected(kind: str, rec: Recorder, seq: int, expected: str) -> None:
    """A type that is no WebSocket send message: say what it is instead."""
    if kind.startswith(("http.", "lifespan.")):
        rec.violate(
            "websocket.other_protocol_message",
            tr(
                "Your app sent {kind} on a WebSocket connection (scope type 'websocket'). Here "
                "the server expected {expected}.",
                kind=repr(kind),
                expected=expected,
            ),
            event=seq,
        )
    elif kind in WS_RECEIVE_TYPES:
        rec.violate(
            "websocket.receive_message_sent",
            tr(
                "Your app sent {kind}, a message the server sends to the app, never the other way "
                "round. Here the server expected {expected}.",
                kind=repr(kind),
                expected=expected,
            ),
            event=seq,
        )
    else:
        hint = did_you_mean(kind, WS_SEND_TYPES)
        rec.violate(
            "websocket.unknown_message_type",
            tr(
                "{kind} is not a WebSocket message type.{hint} Here the server expected "
                "{expected}.",
                kind=repr(kind),
                hint=hint,
                expected=expected,
            ),
            event=seq,
        )
