"""Checks on the response body as it is written: its length against Content-Length, and
statuses that have no body, as h11 (uvicorn's HTTP library) makes them.

A failed check marks the connection closed (h11 goes into its ERROR state and
uvicorn drops the connection once the exception leaves the app) and returns
the RuntimeError to raise into the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.i18n import tr

if TYPE_CHECKING:
    from sandbox.asgi_http import HttpConnection


def before_write(conn: HttpConnection, body: bytes, seq: int) -> None:
    """The Content-Length and no-body checks h11 makes before each body write."""
    assert conn.start is not None
    if conn.is_head:
        return
    status = conn.start.status
    if body and status in (204, 304):
        conn.closed = True
        conn.rec.violate(
            "http.body_forbidden_for_status",
            tr(
                "The app sent {body_len} body bytes with status {status}, which has no body.",
                body_len=len(body),
                status=status,
            ),
            event=seq,
        )
        raise conn.error("Too much data for declared Content-Length")
    expected = conn.start.framing.content_length
    if expected is None:
        return
    total = conn.sent_bytes + len(body)
    if total > expected:
        conn.closed = True
        conn.rec.violate(
            "http.body_longer_than_content_length",
            tr(
                "content-length said {expected} bytes, but the body reached {total}; the server "
                "refused the extra bytes and closed the connection.",
                expected=expected,
                total=total,
            ),
            event=seq,
        )
        raise conn.error("Response content longer than Content-Length")


def at_end(conn: HttpConnection, seq: int) -> None:
    """At the final body: fewer bytes than promised (h11 fails at end of message)."""
    assert conn.start is not None
    expected = conn.start.framing.content_length
    if conn.is_head or expected is None or conn.sent_bytes >= expected:
        return
    conn.closed = True
    conn.rec.violate(
        "http.body_shorter_than_content_length",
        tr(
            "content-length said {expected} bytes, but the body ended after {sent_bytes}; the "
            "client waits for the rest until the server closes the connection.",
            expected=expected,
            sent_bytes=conn.sent_bytes,
        ),
        event=seq,
    )
    raise conn.error("Response content shorter than Content-Length")


def content_type(conn: HttpConnection, seq: int) -> None:
    """A body without content-type leaves the browser guessing."""
    assert conn.start is not None
    status = conn.start.status
    if not 200 <= status < 300 or status == 204 or not conn.sent_bytes:
        return
    if any(k == b"content-type" for k, _ in conn.start.framing.headers):
        return
    conn.rec.violate(
        "http.content_type_missing",
        tr(
            "The {status} response has a {sent_bytes}-byte body but no content-type header, so "
            "the browser has to guess what it is.",
            status=status,
            sent_bytes=conn.sent_bytes,
        ),
        event=seq,
    )
