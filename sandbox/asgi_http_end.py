"""What the server does with an HTTP connection once the app's call has ended.

uvicorn's ``run_asgi``: an exception before the response started means a
plain 500; after it started, the connection is dropped (the client sees a
truncated response); returning without starting also gives a 500, returning
mid-body drops the connection. ``ClientDisconnected`` escaping the app is the
server's own exception and is not an error ("should not log it as an error").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.asgi_common import ClientDisconnected, caused_by
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.wire import error_response

if TYPE_CHECKING:
    from sandbox.asgi_http import HttpConnection


def after_app(conn: HttpConnection, exc: BaseException | None) -> None:
    rec = conn.rec
    if exc is not None and caused_by(exc, (ClientDisconnected,)):
        name = type(exc).__name__
        via = "" if isinstance(exc, ClientDisconnected) else tr(" (as {name})", name=name)
        rec.event(
            "note",
            {
                "text": tr(
                    "The app let ClientDisconnected propagate{via}. That is fine: the server "
                    "raised it and expects it back, and does not log it as an error.",
                    via=via,
                )
            },
        )
        return
    if conn.disconnected:
        return  # nobody is listening any more: nothing to send, nothing to drop
    if exc is not None:
        _after_exception(conn, exc)
    elif not conn.started:
        rec.violate(
            "http.return_without_response",
            tr(
                "The app returned without sending http.response.start, so the server answered 500 "
                "Internal Server Error on its behalf.",
            ),
        )
        _send_500(conn)
    elif not conn.complete and not conn.closed:
        rec.violate(
            "http.return_incomplete",
            tr(
                "The app returned after {body_messages} body message(s) without a final one "
                "(more_body False); the server closed the connection and the client got a "
                "truncated response.",
                body_messages=conn.body_messages,
            ),
        )
        _drop(conn)
    elif conn.closed:
        _drop(conn)


def _after_exception(conn: HttpConnection, exc: BaseException) -> None:
    rec = conn.rec
    ours = any(exc is e for e in conn.own_errors)
    what = f"{type(exc).__name__}: {short_repr(str(exc), 120)}"
    if not conn.started:
        if not ours:
            rec.violate(
                "http.exception_before_start",
                tr(
                    "The app raised {what} before starting its response, so the server answered "
                    "500 Internal Server Error.",
                    what=what,
                ),
            )
        _send_500(conn)
    elif not conn.complete:
        if not ours:
            rec.violate(
                "http.exception_after_start",
                tr(
                    "The app raised {what} after the status and headers had gone out; the server "
                    "can only close the connection, and the client sees a cut-off response.",
                    what=what,
                ),
            )
        _drop(conn)
    else:
        rec.event(
            "note",
            {
                "text": tr(
                    "The app raised after its response was complete; the client already has the "
                    "whole response, the server only logs the error.",
                )
            },
        )


def _send_500(conn: HttpConnection) -> None:
    error_response(conn.resp)
    conn.rec.event(
        "note",
        {
            "text": tr(
                "The app failed before starting a response, so the server sent its own 500 "
                "Internal Server Error.",
            )
        },
    )
    conn.rec.event("wire", {"what": "headers", "status": 500, "server_generated": True})
    conn.rec.event("wire", {"what": "end", "body_length": conn.resp.body_length})


def _drop(conn: HttpConnection) -> None:
    conn.rec.event("wire", {"what": "close", "complete": False, "body_length": conn.sent_bytes})
