"""The server's side of one WebSocket connection: ``receive()``, ``send()`` and the wire.

Modelled on uvicorn 0.54's default WebSocket backend
(protocols/websockets/websockets_sansio_impl.py): the phases ``connecting``
(waiting for the app to answer the handshake), ``open``, ``denying`` (a
``websocket.http.response`` is being sent) and ``closed``, the same
RuntimeError texts for messages in the wrong phase, a 403 for
``websocket.close`` before accept, and ``websocket.disconnect`` queued with
the app's own close code when the app closes. ``send()`` once the connection
is gone raises ``ClientDisconnected`` (an OSError, spec 2.4+).

The connection's state and the transport-level moves of both parties live in
``sandbox.asgi_websocket_state``.
"""

from __future__ import annotations

from typing import Any

from sandbox import asgi_websocket_checks as checks
from sandbox import asgi_websocket_wire as wsw
from sandbox.asgi_common import (
    ClientDisconnected,
    check_values,
    headers_as_lists,
    message_type,
)
from sandbox.asgi_inbox import Message
from sandbox.asgi_websocket_state import ConnectionState
from sandbox.i18n import tr
from sandbox.wire import WireResponse

HANDSHAKE_EXPECTED = "'websocket.accept', 'websocket.close' or 'websocket.http.response.start'"


def _allowed() -> str:
    """The messages a WebSocket app may send, for messages to the learner."""
    return tr("'websocket.accept', 'websocket.send' or 'websocket.close'")


def _handshake_expected() -> str:
    """What the server waits for during the handshake, for messages to the learner."""
    return tr("'websocket.accept', 'websocket.close' or 'websocket.http.response.start'")


class Connection(ConnectionState):
    """The app's side: receive(), send(), and every check on what it sends."""

    # --- the app's receive() and send() -----------------------------------------------

    async def receive(self, line: int | None) -> Message:
        if not self.inbox.items and not self._warned_receive:
            if self.got_disconnect:
                self._receive_warning(
                    "websocket.receive_after_disconnect",
                    line,
                    tr(
                        "Your app called receive() again after it got websocket.disconnect. "
                        "Nothing can arrive on a closed connection: in uvicorn this waits forever.",
                    ),
                )
            elif self.phase == "connecting" and self.got_connect:
                self._receive_warning(
                    "websocket.receive_before_accept",
                    line,
                    tr(
                        "Your app called receive() again before answering the handshake. The "
                        "client cannot send anything until you accept, so this waits forever.",
                    ),
                )
        message = await self.inbox.get()
        kind = message["type"]
        self.got_connect |= kind == "websocket.connect"
        self.got_disconnect |= kind == "websocket.disconnect"
        self.last_received = kind
        self.rec.event("receive", message, line=line)
        return dict(message)

    def _receive_warning(self, rule: str, line: int | None, text: str) -> None:
        self._warned_receive = True
        note = tr("receive() called; nothing can arrive")
        seq = self.rec.event("note", {"text": note}, line=line)
        self.rec.violate(rule, text, event=seq)

    async def send(self, message: Any, line: int | None) -> None:
        data = message if isinstance(message, dict) else {"value": message}
        seq = self.rec.event("send", data, line=line)
        check_values(headers_as_lists(message), self.rec, seq)
        kind = message_type(message, self.rec, seq, _allowed())
        if kind is None:
            if isinstance(message, dict) and "type" not in message:
                raise self._raise(KeyError("type"))
            raise self._raise(TypeError("an ASGI message must be a dict with a str 'type'"))
        if self.transport_closed:
            self._send_when_gone(kind, seq)
        if self.phase == "connecting":
            self._handshake(kind, message, seq)
        elif self.phase == "open":
            self._open(kind, message, seq)
        elif self.phase == "denying":
            self._denying(kind, message, seq)
        else:
            self.rec.violate(
                "websocket.message_after_close",
                tr(
                    "Your app sent {kind} after it had ended the connection ({how_ended}).",
                    kind=repr(kind),
                    how_ended=self._how_ended(),
                ),
                event=seq,
            )
            raise self._raise(
                RuntimeError(f"Unexpected ASGI message '{kind}', after sending 'websocket.close'.")
            )

    def _raise(self, exc: BaseException) -> BaseException:
        self.raised.append(exc)
        return exc

    def _send_when_gone(self, kind: str, seq: int) -> None:
        if self.app_closed:
            self.rec.violate(
                "websocket.message_after_close",
                tr(
                    "Your app sent {kind} after it had ended the connection ({how_ended}).",
                    kind=repr(kind),
                    how_ended=self._how_ended(),
                ),
                event=seq,
            )
        elif self.got_disconnect:
            self.rec.violate(
                "websocket.send_after_disconnect",
                tr(
                    "Your app sent {kind} after receive() had given it websocket.disconnect.",
                    kind=repr(kind),
                ),
                event=seq,
            )
        else:
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "The client has already closed the connection (your app had not read the "
                        "websocket.disconnect yet), so send() raises ClientDisconnected, an "
                        "OSError.",
                    )
                },
            )
        raise self._raise(ClientDisconnected("the WebSocket connection is closed"))

    def _how_ended(self) -> str:
        if self.outcome == "rejected":
            return tr("websocket.close before accept, so HTTP 403")
        if self.outcome == "denied":
            return tr("a websocket.http.response")
        return "websocket.close"

    # --- phases -------------------------------------------------------------------------

    def _handshake(self, kind: str, message: dict[str, Any], seq: int) -> None:
        if kind == "websocket.accept":
            self._accept(message, seq)
        elif kind == "websocket.close":
            self._reject(message, seq)
        elif kind == "websocket.http.response.start":
            status, headers, exc = checks.check_denial_start(message, self.rec, seq)
            if exc is not None:
                raise self._raise(exc)
            self._denial = (status, headers, bytearray())
            self.phase = "denying"
        else:
            if kind == "websocket.send":
                self.rec.violate(
                    "websocket.send_before_accept",
                    tr("Your app sent websocket.send before accepting the connection."),
                    event=seq,
                )
            elif kind == "websocket.http.response.body":
                self.rec.violate(
                    "websocket.denial_body_before_start",
                    tr(
                        "Your app sent websocket.http.response.body without a "
                        "websocket.http.response.start first.",
                    ),
                    event=seq,
                )
            else:
                checks.unexpected(kind, self.rec, seq, _handshake_expected())
            raise self._raise(
                RuntimeError(f"Expected ASGI message {HANDSHAKE_EXPECTED} but got '{kind}'.")
            )

    def _accept(self, message: dict[str, Any], seq: int) -> None:
        sub = message.get("subprotocol")
        if sub is not None and not isinstance(sub, str):
            self.rec.violate(
                "websocket.subprotocol_not_str",
                tr(
                    "'subprotocol' is {sub} (a {sub_type}); it must be a str or None.",
                    sub=repr(sub),
                    sub_type=type(sub).__name__,
                ),
                event=seq,
            )
            raise self._raise(TypeError("'subprotocol' must be a str or None"))
        headers, exc = checks.check_headers(
            message.get("headers", []), self.rec, seq, "websocket.accept", lower=True
        )
        if exc is not None:
            raise self._raise(exc)
        for name, _ in headers:
            if name == "sec-websocket-protocol":
                self.rec.violate(
                    "websocket.subprotocol_header",
                    tr("Your websocket.accept sets a sec-websocket-protocol header."),
                    event=seq,
                )
            elif name in checks.HANDSHAKE_HEADERS:
                self.rec.violate(
                    "websocket.accept_handshake_header",
                    tr(
                        "Your websocket.accept sets {name}, a handshake header the server writes "
                        "itself; the client now gets it twice.",
                        name=repr(name),
                    ),
                    event=seq,
                )
        if sub and sub not in self.offered:
            offered = ", ".join(map(repr, self.offered)) or tr("none")
            self.rec.violate(
                "websocket.subprotocol_not_offered",
                tr(
                    "Your app accepted with subprotocol {sub}, but the client offered {offered} "
                    "(scope['subprotocols']).",
                    sub=repr(sub),
                    offered=offered,
                ),
                event=seq,
            )
            self.client_rejects = True
        if not self.got_connect:
            self.rec.violate(
                "websocket.accept_without_connect",
                tr(
                    "Your app accepted before calling receive() for websocket.connect; that "
                    "message is still waiting and will be the next thing receive() returns.",
                ),
                event=seq,
            )
        self.phase, self.outcome, self.subprotocol = "open", "accepted", sub or None
        self.headers = wsw.handshake_headers(headers, sub or None)
        self.rec.event("wire", {"what": "handshake", "status": 101, "subprotocol": sub or None})

    def _reject(self, message: dict[str, Any], seq: int) -> None:
        code, reason = message.get("code", 1000), message.get("reason") or ""
        if code not in (None, 1000) or reason:
            self.rec.violate(
                "websocket.close_before_accept_code",
                tr(
                    "Your app closed before accepting, with code={code} reason={reason}; the "
                    "client only gets HTTP 403, never this code or reason.",
                    code=repr(code),
                    reason=repr(reason),
                ),
                event=seq,
            )
        resp = WireResponse()
        # As the websockets library (uvicorn's default backend) rejects: an empty body.
        resp.start(403, [("content-type", "text/plain; charset=utf-8"), ("content-length", "0"),
                         ("connection", "close")])
        resp.complete = True
        self._refused(resp, "rejected")

    def _open(self, kind: str, message: dict[str, Any], seq: int) -> None:
        if kind == "websocket.send":
            frame, exc = checks.check_send(message, self.rec, seq)
            if exc is not None:
                raise self._raise(exc)
            if frame is not None:
                self._deliver(frame[0], frame[1])
            return
        if kind == "websocket.close":
            code, reason, exc = checks.check_close(message, self.rec, seq)
            if exc is not None:
                raise self._raise(exc)
            self.rec.event("wire", {"what": "close", "code": code, "reason": reason})
            self.phase, self.app_closed = "closed", True
            self.close = {"code": code, "reason": reason, "by": "server", "clean": True}
            self.close_to_answer = self.close
            self.inbox.put({"type": "websocket.disconnect", "code": code, "reason": reason})
            return
        if kind == "websocket.accept":
            self.rec.violate(
                "websocket.accept_twice",
                tr("Your app sent websocket.accept on a connection it had already accepted."),
                event=seq,
            )
        elif kind.startswith("websocket.http.response."):
            self.rec.violate(
                "websocket.denial_after_accept",
                tr(
                    "Your app sent {kind} after accepting: the handshake is over, so no HTTP "
                    "response can be sent any more.",
                    kind=repr(kind),
                ),
                event=seq,
            )
        else:
            checks.unexpected(kind, self.rec, seq, tr("'websocket.send' or 'websocket.close'"))
        raise self._raise(
            RuntimeError(
                f"Expected ASGI message 'websocket.send' or 'websocket.close', but got '{kind}'."
            )
        )

    def _denying(self, kind: str, message: dict[str, Any], seq: int) -> None:
        assert self._denial is not None
        if kind != "websocket.http.response.body":
            if kind == "websocket.http.response.start":
                self.rec.violate(
                    "websocket.denial_start_twice",
                    tr("Your app sent a second websocket.http.response.start."),
                    event=seq,
                )
            elif kind in checks.WS_SEND_TYPES:
                self.rec.violate(
                    "websocket.denial_other_message",
                    tr(
                        "Your app sent {kind} in the middle of its HTTP denial response.",
                        kind=repr(kind),
                    ),
                    event=seq,
                )
            else:
                checks.unexpected(kind, self.rec, seq, "'websocket.http.response.body'")
            raise self._raise(
                RuntimeError(
                    f"Expected ASGI message 'websocket.http.response.body' but got '{kind}'."
                )
            )
        body, more, exc = checks.check_denial_body(message, self.rec, seq)
        if exc is not None:
            raise self._raise(exc)
        status, headers, kept = self._denial
        kept += body
        if more:
            return
        names = {k.lower() for k, _ in headers}
        extra = [
            ("connection", "close"),
            ("content-length", str(len(kept))),
            ("content-type", "text/plain; charset=utf-8"),
        ]
        resp = WireResponse()
        resp.start(status, headers + [h for h in extra if h[0] not in names])
        resp.add_body(bytes(kept))
        resp.complete = True
        self._refused(resp, "denied")
