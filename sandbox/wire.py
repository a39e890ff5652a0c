"""The response as a real HTTP/1.1 server would put it on the wire.

Both simulated servers collect what the app produced (status, headers, body
chunks) in a ``WireResponse`` and call ``finish``; this module adds what the
server owns (``date``, ``server``, ``content-length`` or chunked framing, as
uvicorn and gunicorn do), drops the body for ``HEAD``, and builds the
``response`` object of the trace:

    {"status": 200, "reason": "OK", "http_version": "1.1",
     "headers": [["content-type", "text/plain"], ...],   # as sent, server's included
     "body": "Hello", "body_base64": "SGVsbG8=", "body_length": 5,
     "body_truncated": false, "framing": "content-length"|"chunked"|"close",
     "wire": "HTTP/1.1 200 OK\\r\\n...", "complete": true}

Bodies are kept only up to ``BODY_LIMIT`` bytes (``body_truncated`` says when),
so a 1 MB streamed body does not bloat the trace.
"""

from __future__ import annotations

import base64
import email.utils
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from sandbox.encoding import text_preview

BODY_LIMIT = 4096  # body bytes kept in the trace's response
WIRE_CHUNKS = 8  # chunked-encoding frames shown on the wire before "..."
SERVER_NAME = "wsgi-asgi-tour"


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass
class WireResponse:
    """What the client has received so far on one HTTP connection."""

    method: str = "GET"
    http_version: str = "1.1"
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_length: int = 0
    kept: bytearray = field(default_factory=bytearray)
    chunk_lengths: list[int] = field(default_factory=list)
    complete: bool = False
    # Set when the server had to answer for the app (it crashed before starting).
    server_generated: bool = False

    def start(self, status: int, headers: list[tuple[str, str]], reason: str = "") -> None:
        self.status = status
        self.reason = reason or reason_phrase(status)
        self.headers = list(headers)

    def add_body(self, data: bytes) -> None:
        if not data:
            return
        self.body_length += len(data)
        self.chunk_lengths.append(len(data))
        room = BODY_LIMIT - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    @property
    def is_head(self) -> bool:
        return self.method.upper() == "HEAD"

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def error_response(resp: WireResponse) -> None:
    """The plain 500 a server sends when the app fails before starting its response."""
    body = b"Internal Server Error"
    resp.start(
        500, [("content-type", "text/plain; charset=utf-8"), ("content-length", str(len(body)))]
    )
    resp.add_body(body)
    resp.complete = True
    resp.server_generated = True


def finish(resp: WireResponse) -> dict[str, Any] | None:
    """The trace's ``response`` object; None when nothing reached the client."""
    if resp.status is None:
        return None
    headers = [(k, v) for k, v in resp.headers]
    names = {k.lower() for k, _ in headers}
    framing = "content-length"
    if "content-length" in names:
        pass
    elif resp.status < 200 or resp.status in (204, 304) or resp.is_head:
        framing = "none"
    elif resp.http_version == "1.0":
        framing = "close"
        headers.append(("connection", "close"))
    else:
        # The server sends the headers before it knows the body's length, so without a
        # Content-Length from the app it must use chunked framing (uvicorn and gunicorn
        # do). A WSGI server that computes the length itself (PEP 3333's len() == 1
        # shortcut) adds content-length to resp.headers before calling finish().
        framing = "chunked"
        headers.append(("transfer-encoding", "chunked"))
    server_headers = [("date", email.utils.formatdate(usegmt=True)), ("server", SERVER_NAME)]
    headers = [h for h in server_headers if h[0] not in names] + headers
    body = b"" if resp.is_head else bytes(resp.kept)
    sent_length = 0 if resp.is_head else resp.body_length
    out: dict[str, Any] = {
        "status": resp.status,
        "reason": resp.reason,
        "http_version": resp.http_version,
        "headers": [[k, v] for k, v in headers],
        "body": text_preview(body, BODY_LIMIT),
        "body_base64": base64.b64encode(body).decode("ascii"),
        "body_length": sent_length,
        "body_truncated": sent_length > len(body),
        "framing": framing,
        "complete": resp.complete,
        "wire": _wire_text(resp, headers, body, framing),
    }
    if resp.is_head:
        out["head_dropped_bytes"] = resp.body_length
    if resp.server_generated:
        out["server_generated"] = True
    return out


def _wire_text(
    resp: WireResponse, headers: list[tuple[str, str]], body: bytes, framing: str
) -> str:
    version = "HTTP/1.0" if resp.http_version == "1.0" else "HTTP/1.1"
    lines = [f"{version} {resp.status} {resp.reason}".rstrip()]
    # repr-escape anything a terminal or browser would otherwise interpret.
    lines += [f"{k}: {_printable(v)}" for k, v in headers]
    head = "\r\n".join(lines) + "\r\n\r\n"
    if resp.is_head or not body:
        # An empty chunked body still ends with its last-chunk marker.
        return head + ("0\r\n\r\n" if framing == "chunked" and resp.complete else "")
    if framing != "chunked":
        return head + text_preview(body, BODY_LIMIT)
    parts: list[str] = []
    offset = 0
    for n in resp.chunk_lengths[:WIRE_CHUNKS]:
        piece = body[offset : offset + n]
        offset += n
        parts.append(f"{n:x}\r\n{text_preview(piece, 512)}\r\n")
    if len(resp.chunk_lengths) > WIRE_CHUNKS:
        parts.append(f"[... {len(resp.chunk_lengths) - WIRE_CHUNKS} more chunks]\r\n")
    if resp.complete:
        parts.append("0\r\n\r\n")
    return head + "".join(parts)


def _printable(value: str) -> str:
    if value.isprintable():
        return value
    return repr(value)[1:-1]
