"""What travels on the wire for a WebSocket: the handshake, and the trace's response object.

The client's handshake request carries the headers a browser sends
(``Host``, ``Upgrade``, ``Connection``, ``Sec-WebSocket-Key``/``-Version`` and,
when it offers subprotocols, ``Sec-WebSocket-Protocol``), with a fixed key so
traces are reproducible (RFC 6455's own example key).

The response object of a WebSocket request (one entry of ``responses``):

    {"type": "websocket",
     "status": 101 | 403 | 500 | <denial status>,
     "accepted": bool,                 # the handshake completed
     "subprotocol": str | None,        # what the app chose
     "headers": [[name, value], ...],  # handshake response headers as sent
     "messages": [{"from": "client"|"server", "text": str} or
                  {"from": ..., "bytes": {"$bytes", "repr", "length"}}, ...],
     "close": {"code": int, "reason": str, "by": "client"|"server", "clean": bool} | None,
     "wire": "HTTP/1.1 101 Switching Protocols\\r\\n..."}

When the handshake is refused (403 after ``websocket.close``, 500 after a crash,
or the app's own ``websocket.http.response``), the object is the HTTP response
of ``sandbox.wire.finish`` (``status``, ``headers``, ``body``, ``wire``, ...) plus
the keys above (``accepted`` false, no messages, ``close`` None).

Long messages are summarised: text beyond ``TEXT_KEPT`` characters is cut
(``length`` gives the full size), bytes are encoded with ``encode_bytes``, and
only the first ``MESSAGES_KEPT`` messages are listed (``messages_omitted``).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
from typing import Any

from sandbox.encoding import encode_bytes
from sandbox.scenario import WebSocketRequest
from sandbox.wire import SERVER_NAME

CLIENT_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 section 1.3
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT_KEPT = 500
MESSAGES_KEPT = 100


def accept_key(key: str = CLIENT_KEY) -> str:
    digest = hashlib.sha1((key + _GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def client_headers(request: WebSocketRequest) -> list[tuple[str, str]]:
    """The handshake headers; the scenario's own headers replace same-named defaults."""
    host, port = request.server
    default_port = 443 if request.scheme == "wss" else 80
    defaults = [
        ("host", host if port == default_port else f"{host}:{port}"),
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-key", CLIENT_KEY),
        ("sec-websocket-version", "13"),
    ]
    if request.subprotocols:
        defaults.append(("sec-websocket-protocol", ", ".join(request.subprotocols)))
    given = {k.lower() for k, _ in request.headers}
    return [h for h in defaults if h[0] not in given] + list(request.headers)


def request_text(request: WebSocketRequest, headers: list[tuple[str, str]]) -> str:
    lines = [f"GET {request.path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
    return "\r\n".join(lines) + "\r\n\r\n"


def handshake_headers(
    app_headers: list[tuple[str, str]], subprotocol: str | None
) -> list[tuple[str, str]]:
    """The 101 response headers, in the order uvicorn's websockets backend sends them."""
    headers = [
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-accept", accept_key()),
        ("date", email.utils.formatdate(usegmt=True)),
        ("server", SERVER_NAME),
        *app_headers,
    ]
    if subprotocol:
        headers.append(("sec-websocket-protocol", subprotocol))
    return headers


def handshake_text(headers: list[tuple[str, str]]) -> str:
    lines = ["HTTP/1.1 101 Switching Protocols"] + [f"{k}: {v}" for k, v in headers]
    return "\r\n".join(lines) + "\r\n\r\n"


def message_entry(sender: str, kind: str, data: str | bytes) -> dict[str, Any]:
    """One data message as listed in the response, summarised when long."""
    entry: dict[str, Any] = {"from": sender}
    if isinstance(data, bytes):
        entry["bytes"] = encode_bytes(data)
    elif len(data) > TEXT_KEPT:
        entry.update(text=data[:TEXT_KEPT], length=len(data), truncated=True)
    else:
        entry["text"] = data
    return entry
