"""One ASGI WebSocket connection: the scope, the client's script, and how the app ended.

The app runs as a task; this module plays the client. The client connects
(the server queues ``websocket.connect``), waits until the app answers the
handshake, then performs the scenario's actions in order, letting the app
react after each one:

- ``send``/``send_bytes``: the app's next ``receive()`` gets ``websocket.receive``
  with one key, ``text`` or ``bytes``, as uvicorn sends it;
- ``receive``: the client reads the next message the server sent, waiting for
  one if needed. When the app cannot send (it waits in ``receive()`` itself,
  or has ended), a real client would wait forever; this one notes it and
  moves on;
- ``close`` (code, reason): the server echoes the close frame and the app gets
  ``websocket.disconnect`` with that code and reason;
- ``disconnect``: the TCP connection just ends; the app gets code 1006
  (uvicorn reports 1005 here, 1006 is what RFC 6455 calls an abnormal closure).

When the app closes, the client answers the close frame and skips the rest of
its script. When the script ends with the connection still open, the client
closes it with code 1000 (normal closure), as a browser tab does when the page
is left, so that an app waiting in ``receive()`` gets ``websocket.disconnect``.

How the app ends decides what the client saw (uvicorn's behaviour): returning
or raising before answering the handshake gives HTTP 500; raising or returning
while the connection is open drops it (the client sees 1006); a
``ClientDisconnected`` raised by ``send()`` that escapes is the server's own
exception, which it swallows without calling it an error, as the spec asks.
The response object is described in ``sandbox.asgi_websocket_wire``.

Not modelled: ping/pong and fragmentation (the spec leaves them to the server),
permessage-deflate, and WebSockets over HTTP/2 (a scenario's ``http_version``
"2" reaches the scope, but the handshake shown is HTTP/1.1's).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from sandbox import asgi_websocket_wire as wsw
from sandbox.asgi_common import AwaitTracker, call_app, learner_line
from sandbox.asgi_inbox import Inbox, Message
from sandbox.asgi_scope import base_scope
from sandbox.asgi_websocket_conn import Connection
from sandbox.asgi_websocket_end import finish, response
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import WebSocketRequest, WsAction


async def serve_one(
    app: Any,
    request: WebSocketRequest,
    rec: Recorder,
    state: dict[str, Any] | None,
    *,
    legacy: bool,
) -> dict[str, Any] | None:
    """Serve one WebSocket connection; return its response object (None if nothing came)."""
    from sandbox.asgi import WEBSOCKET_SPEC  # here: sandbox.asgi imports this module

    headers = wsw.client_headers(request)
    if request.http_version == "1.0":
        rec.event("note", {"text": tr("WebSockets need HTTP/1.1; the client uses 1.1.")})
        request = _replace_version(request)
    scope = base_scope("websocket", request, headers, WEBSOCKET_SPEC, state)
    scope["subprotocols"] = list(request.subprotocols)
    scope["extensions"] = {"websocket.http.response": {}}
    inbox = Inbox()
    conn = Connection(rec, inbox, list(request.subprotocols))
    tracker = AwaitTracker()

    def receive() -> Awaitable[Message]:
        line = learner_line()
        return tracker.track(conn.receive(line), "receive", line)

    def send(message: Message) -> Awaitable[None]:
        line = learner_line()
        return tracker.track(conn.send(message, line), "send", line)

    rec.event(
        "client",
        {
            "action": "connect",
            "path": request.path,
            "subprotocols": list(request.subprotocols),
            "request": wsw.request_text(request, headers),
        },
    )
    inbox.put({"type": "websocket.connect"})
    inbox.start(call_app(app, scope, receive, send, rec, legacy=legacy))
    await _play(conn, inbox, request.actions, rec)
    await finish(conn, inbox, rec)
    tracker.check(rec)
    return response(conn)


def _replace_version(request: WebSocketRequest) -> WebSocketRequest:
    from dataclasses import replace

    return replace(request, http_version="1.1")


async def _play(conn: Connection, inbox: Inbox, actions: list[WsAction], rec: Recorder) -> None:
    """The client's side: handshake, then the script, then a normal close."""
    answered = await inbox.wait_until(lambda: conn.outcome is not None)
    await inbox.settle()
    if not answered:
        if inbox.stalled:
            conn.client_drop(tr("gave up waiting for the handshake answer"))
            rec.event(
                "note",
                {
                    "text": tr(
                        "The client got no answer to its handshake, so it gave up (a real one "
                        "waits until its own timeout).",
                    )
                },
            )
        return
    if conn.outcome != "accepted":
        conn.client_answer_close()
        if actions:
            rec.event(
                "note",
                {
                    "text": tr(
                        "The handshake failed, so the client's {actions_len} action(s) never "
                        "happened.",
                        actions_len=len(actions),
                    )
                },
            )
        return
    if conn.client_rejects:
        conn.close = None  # whatever the app did next, the client failed the connection first
        conn.client_drop(tr("the server chose a subprotocol the client did not offer"))
        return
    for done, action in enumerate(actions):
        if action.kind == "receive" and conn.to_client:
            # Frames arrive in order: what the app sent before closing is read first.
            rec.event("client", {"action": "receive", **conn.to_client.popleft()})
            continue
        if _closed_by_app(conn, rec, len(actions) - done) or conn.transport_closed:
            return
        if inbox.app_done:
            # The server ends the connection at once (asgi_websocket_end); the client stops.
            rec.event(
                "note",
                {
                    "text": tr(
                        "Your app has ended, so the client's last {left} action(s) never "
                        "happened.",
                        left=len(actions) - done,
                    )
                },
            )
            return
        await _act(conn, inbox, action, rec)
        await inbox.settle()
    if _closed_by_app(conn, rec, 0) or conn.transport_closed or inbox.app_done:
        return
    rec.event(
        "note",
        {
            "text": tr(
                "The client's script has ended, so it closes the connection normally (code 1000)."
            )
        },
    )
    conn.client_close(1000, "", auto=True)


def _closed_by_app(conn: Connection, rec: Recorder, left: int) -> bool:
    if conn.close_to_answer is None:
        return False
    conn.client_answer_close()
    if left:
        rec.event(
            "note",
            {
                "text": tr(
                    "Your app closed the connection, so the client's last {left} action(s) never "
                    "happened.",
                    left=left,
                )
            },
        )
    return True


async def _act(conn: Connection, inbox: Inbox, action: WsAction, rec: Recorder) -> None:
    if action.kind == "send":
        conn.client_send("text", action.text or "")
    elif action.kind == "send_bytes":
        conn.client_send("bytes", action.data or b"")
    elif action.kind == "close":
        conn.client_close(action.code, action.reason)
    elif action.kind == "disconnect":
        conn.client_drop(tr("the client vanished without a close frame"))
    else:
        got = await inbox.wait_until(
            lambda: (
                bool(conn.to_client) or conn.close_to_answer is not None or conn.transport_closed
            )
        )
        if got and conn.to_client:
            rec.event("client", {"action": "receive", **conn.to_client.popleft()})
            return
        if conn.close_to_answer is None and not conn.transport_closed:
            why = (
                tr("your app had ended")
                if inbox.app_done
                else tr("your app was itself waiting in receive()")
            )
            rec.event(
                "note",
                {
                    "text": tr(
                        "The client waited for a message, but none came: {why}. A real client "
                        "would wait forever; this one moves on.",
                        why=why,
                    )
                },
            )
