"""The state of one WebSocket connection and what moves it: wire events of both parties.

``ConnectionState`` holds the phase (``connecting``, ``open``, ``denying``,
``closed``), the handshake's outcome and what has reached each side. Its
methods are the transport-level moves: a frame delivered to the client, the
server's refusal, a dropped TCP connection, and the client's own moves
(sending, closing, answering the app's close). ``sandbox.asgi_websocket_conn``
adds the app's ``receive()``/``send()`` on top; ``sandbox.asgi_websocket``
plays the client with the ``client_*`` methods, so both sides record their
events in the order they happen.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sandbox import asgi_websocket_wire as wsw
from sandbox.asgi_inbox import Inbox
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.wire import WireResponse, error_response, finish


class ConnectionState:
    def __init__(self, rec: Recorder, inbox: Inbox, offered: list[str]) -> None:
        self.rec = rec
        self.inbox = inbox
        self.offered = offered
        self.phase = "connecting"  # connecting | open | denying | closed
        self.outcome: str | None = None  # accepted | rejected | denied | failed
        self.got_connect = False
        self.got_disconnect = False
        self.last_received: str | None = None
        self.app_closed = False  # the app ended the connection (close, 403, denial)
        self.close_to_answer: dict[str, Any] | None = None  # app's close frame, unanswered
        self.transport_closed = False
        self.client_rejects = False  # the app chose a subprotocol the client never offered
        self.subprotocol: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.http: dict[str, Any] | None = None  # a refused handshake's HTTP response
        self.close: dict[str, Any] | None = None
        self.to_client: deque[dict[str, Any]] = deque()  # server messages not read yet
        self.messages: list[dict[str, Any]] = []
        self.message_count = 0
        self.raised: list[BaseException] = []  # exceptions the server raised into the app
        self._denial: tuple[int, list[tuple[str, str]], bytearray] | None = None
        self._warned_receive = False

    def _refused(self, resp: WireResponse, outcome: str) -> None:
        self.http = finish(resp)
        self.phase, self.outcome, self.app_closed = "closed", outcome, True
        self.rec.event("wire", {"what": "http_response", "status": resp.status})
        self.inbox.put({"type": "websocket.disconnect", "code": 1006, "reason": ""})

    def _deliver(self, kind: str, data: str | bytes) -> None:
        self.rec.event("wire", {"what": kind, kind: data})
        self.to_client.append({kind: data})
        self._keep("server", kind, data)

    def _keep(self, sender: str, kind: str, data: str | bytes) -> None:
        self.message_count += 1
        if len(self.messages) < wsw.MESSAGES_KEPT:
            self.messages.append(wsw.message_entry(sender, kind, data))

    # --- the server's own moves ----------------------------------------------------------

    def server_error(self) -> None:
        """The 500 uvicorn sends when the app fails before answering the handshake."""
        resp = WireResponse()
        error_response(resp)
        self._refused(resp, "failed")
        self.app_closed = False
        self.transport_closed = True

    def drop(self, by: str) -> None:
        """The TCP connection ends without a close frame: 1006 for whoever is left."""
        if self.transport_closed:
            return
        note = tr("connection closed without a close frame")
        self.rec.event("wire", {"what": "drop", "note": note})
        if self.close is None:
            self.close = {"code": 1006, "reason": "", "by": by, "clean": False}
        self.phase, self.transport_closed = "closed", True

    # --- the client's moves --------------------------------------------------------------

    def client_send(self, kind: str, data: str | bytes) -> None:
        self.rec.event("client", {"action": "send", kind: data})
        self._keep("client", kind, data)
        self.inbox.put({"type": "websocket.receive", kind: data})

    def client_close(self, code: int, reason: str, *, auto: bool = False) -> None:
        info: dict[str, Any] = {"action": "close", "code": code, "reason": reason}
        if auto:
            info["auto"] = True
        self.rec.event("client", info)
        self.rec.event("wire", {"what": "close", "code": code, "reason": reason, "echo": True})
        self.close = {"code": code, "reason": reason, "by": "client", "clean": True}
        self.inbox.put({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.phase, self.transport_closed = "closed", True

    def client_drop(self, why: str) -> None:
        self.rec.event("client", {"action": "disconnect", "note": why})
        self.close = self.close or {"code": 1006, "reason": "", "by": "client", "clean": False}
        self.inbox.put({"type": "websocket.disconnect", "code": 1006, "reason": ""})
        self.phase, self.transport_closed = "closed", True

    def client_answer_close(self) -> None:
        """The client echoes the app's close frame; then the TCP connection ends."""
        if self.close_to_answer is not None and not self.transport_closed:
            code = self.close_to_answer["code"]
            self.rec.event("client", {"action": "close", "code": code, "reply": True})
        elif self.outcome in ("rejected", "denied") and not self.transport_closed:
            status = (self.http or {}).get("status")
            self.rec.event("client", {"action": "handshake_failed", "status": status})
        self.close_to_answer = None
        self.transport_closed = True
