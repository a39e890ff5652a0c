"""How a WebSocket app's call ended, what the server does about it, and the response object.

uvicorn's rules (protocols/websockets/websockets_sansio_impl.py, ``run_asgi``):
returning or raising before the handshake is answered gives HTTP 500;
returning or raising while the connection is open drops it without a close
frame (the client sees 1006); a ``ClientDisconnected`` the server raised itself
is swallowed quietly, as the spec asks. An app left waiting in ``receive()``
on a closed connection would wait forever; the server cancels it.
"""

from __future__ import annotations

from typing import Any

from sandbox import asgi_websocket_wire as wsw
from sandbox.asgi_common import ClientDisconnected
from sandbox.asgi_inbox import Inbox
from sandbox.asgi_websocket_conn import Connection
from sandbox.i18n import tr
from sandbox.recorder import Recorder


async def finish(conn: Connection, inbox: Inbox, rec: Recorder) -> None:
    """Wait for the app to end, then do what the server does about how it ended."""
    while not inbox.app_done:
        if conn.close_to_answer is not None:
            conn.client_answer_close()
        if await inbox.wait_until(lambda: conn.close_to_answer is not None):
            continue
        if inbox.app_done:
            break
        if not conn.transport_closed:
            conn.client_close(1000, "", auto=True)
            continue
        rec.event(
            "note",
            {
                "text": tr(
                    "Your app is waiting in receive() on a closed connection, where nothing can "
                    "arrive; the server cancels it.",
                )
            },
        )
        await inbox.cancel_app()
        return
    assert inbox.task is not None
    exc: BaseException | None = None if inbox.task.cancelled() else inbox.task.result()
    ours = exc is not None and any(exc is r for r in conn.raised)
    if isinstance(exc, ClientDisconnected) and ours:
        if rec.app_error is exc:
            rec.app_error = None
        rec.event(
            "note",
            {
                "text": tr(
                    "ClientDisconnected escaped your app; the server raised it itself, so it ends "
                    "the connection quietly (the spec asks servers not to log it as an error).",
                )
            },
        )
        exc = None
    if exc is not None and not ours and conn.last_received == "websocket.disconnect":
        rec.violate(
            "websocket.disconnect_not_handled",
            tr(
                "Your app got websocket.disconnect and then failed with {exc_type}: {exc}. It "
                "treated the disconnect like a data message.",
                exc_type=type(exc).__name__,
                exc=exc,
            ),
        )
    elif (
        isinstance(exc, KeyError)
        and exc.args
        and exc.args[0] in ("text", "bytes")
        and (conn.last_received == "websocket.receive")
    ):
        other = "bytes" if exc.args[0] == "text" else "text"
        rec.violate(
            "websocket.receive_key_assumed",
            tr(
                "Your app read message[{key}], but the client's message came as {other}, so the "
                "key is missing.",
                key=repr(exc.args[0]),
                other=other,
            ),
        )
    if conn.phase == "connecting" and not conn.transport_closed:
        if exc is None:
            rec.violate(
                "websocket.return_before_accept",
                tr(
                    "Your app returned without accepting or closing the connection; uvicorn logs "
                    "'ASGI callable returned without completing handshake.' and sends 500.",
                ),
            )
        elif not ours:
            rec.violate(
                "websocket.exception_before_accept",
                tr(
                    "{exc_type} escaped your app before it answered the handshake, so the server "
                    "answered HTTP 500.",
                    exc_type=type(exc).__name__,
                ),
            )
        conn.server_error()
    elif conn.phase == "denying":
        rec.violate(
            "websocket.denial_incomplete",
            tr(
                "Your app started a websocket.http.response but ended before the final body "
                "(more_body False); uvicorn sends nothing and closes the connection.",
            ),
        )
        conn.drop("server")
    elif conn.phase == "open" and not conn.transport_closed:
        if exc is None:
            rec.violate(
                "websocket.return_without_close",
                tr(
                    "Your app returned while the connection was still open, without "
                    "websocket.close; the server drops the connection and the client sees code "
                    "1006 (abnormal closure).",
                ),
            )
        elif not ours and conn.last_received != "websocket.disconnect":
            rec.violate(
                "websocket.exception_after_accept",
                tr(
                    "{exc_type} escaped your app while the connection was open; the server drops "
                    "the connection and the client sees code 1006.",
                    exc_type=type(exc).__name__,
                ),
            )
        conn.drop("server")
    elif conn.close_to_answer is not None:
        conn.client_answer_close()


def response(conn: Connection) -> dict[str, Any] | None:
    base: dict[str, Any] = {
        "type": "websocket",
        "accepted": conn.outcome == "accepted",
        "subprotocol": conn.subprotocol if conn.outcome == "accepted" else None,
    }
    if conn.http is not None:
        return {**conn.http, **base, "messages": [], "close": None}
    if conn.outcome != "accepted":
        return None
    out: dict[str, Any] = {
        **base,
        "status": 101,
        "reason": "Switching Protocols",
        "http_version": "1.1",
        "headers": [[k, v] for k, v in conn.headers],
        "messages": conn.messages,
        "close": conn.close,
        "wire": wsw.handshake_text(conn.headers),
    }
    if conn.message_count > len(conn.messages):
        out["messages_omitted"] = conn.message_count - len(conn.messages)
    return out
