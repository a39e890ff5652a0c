"""One ASGI HTTP connection: the server's side of ``receive()`` and ``send()``.

Modelled on uvicorn's ``RequestResponseCycle`` (protocols/http/h11_impl.py):
explicit state flags (``started``, ``complete``, ``disconnected``), the same
RuntimeError texts for messages out of order, a 500 when the app fails before
starting its response, a dropped connection when it fails after. Differences,
each because a learner is watching:

- every message is checked key by key and each problem is a violation with a
  rule id (uvicorn only fails on the first one, often with a bare KeyError);
- the request body arrives in the scenario's chunks; after the last one a
  second ``receive()`` would block in a real server until the response is done
  or the client leaves. While another task the app started is still running
  (it may finish the response), the simulated client waits; when none is, it
  gives up (``http.disconnect``), so a run never hangs;
- ``send()`` after the client left raises ``ClientDisconnected`` (an OSError),
  as HTTP spec 2.4+ asks; uvicorn 0.54 silently drops the message instead;
- the client of ``disconnect_after: 0`` hangs up once it has sent the whole
  request body and before the response starts (when the app has read the body
  or first calls ``send()``); ``disconnect_after: N`` after the app's N-th
  ``http.response.body``.

Status and headers go on the wire with ``http.response.start`` (uvicorn writes
them at once); the server adds date/server and the framing (wire.finish).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox import asgi_http_body as body_checks
from sandbox.asgi_common import (
    AwaitTracker,
    ClientDisconnected,
    call_app,
    check_values,
    headers_as_lists,
    learner_line,
    message_type,
)
from sandbox.asgi_http_checks import Start, check_body, check_start, unexpected
from sandbox.asgi_http_end import after_app
from sandbox.asgi_http_headers import Invalid
from sandbox.asgi_scope import http_scope
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest
from sandbox.wire import WireResponse, finish

GRACE_S = 0.05  # how often a second receive() looks whether the app can still respond
START_EXAMPLE = "{'type': 'http.response.start', 'status': 200, 'headers': [...]}"
DISCONNECT = {"type": "http.disconnect"}


async def serve_one(
    app: Any, request: HttpRequest, rec: Recorder, state: dict[str, Any] | None, *, legacy: bool
) -> dict[str, Any] | None:
    """Serve one HTTP request to ``app``; return the response the client received."""
    from sandbox.asgi import HTTP_SPEC  # here: sandbox.asgi imports this module

    scope, added = http_scope(request, HTTP_SPEC, state)
    rec.event(
        "client",
        {
            "action": "request",
            "method": request.method,
            "target": request.path,
            "http_version": request.http_version,
            "headers": [[k, v] for k, v in request.headers],
            "added_headers": added,
            "body_length": len(request.body),
            "chunks": len(request.chunks),
        },
    )
    conn = HttpConnection(request, rec)
    before = asyncio.all_tasks()
    conn.server_tasks = before
    conn.main_task = asyncio.current_task()
    exc = await call_app(
        app, scope, conn.receive, conn.send, rec, legacy=legacy, server_raised=(ClientDisconnected,)
    )
    conn.returned = True
    await _let_tasks_run(asyncio.all_tasks() - before)
    conn.tracker.check(rec)
    after_app(conn, exc)
    return finish(conn.resp)


async def _let_tasks_run(tasks: set[asyncio.Task[Any]]) -> None:
    """Give tasks the app started and left running a moment, as a real server's loop would.

    Their late send() calls are then seen (asgi.send_after_return) instead of
    being cancelled silently when the run ends.
    """
    current = asyncio.current_task()
    if current is not None:
        tasks.discard(current)
    if tasks:
        await asyncio.wait(tasks, timeout=GRACE_S)


class HttpConnection:
    def __init__(self, request: HttpRequest, rec: Recorder) -> None:
        self.request = request
        self.rec = rec
        self.resp = WireResponse(method=request.method, http_version=request.http_version)
        self.is_head = request.method == "HEAD"
        self.tracker = AwaitTracker()
        # Request side: chunks still to hand to the app (an empty body is one b"" message).
        self.pending: list[bytes] = list(request.chunks) or [b""]
        # Response side, as in uvicorn's RequestResponseCycle.
        self.start: Start | None = None
        self.complete = False
        self.disconnected = False  # the client hung up
        self.closed = False  # the server dropped the connection after a protocol error
        self.returned = False  # the app's call has ended
        self.told_gone = False  # the app has seen http.disconnect or ClientDisconnected
        self.body_messages = 0
        self.sent_bytes = 0
        self.head_noted = False
        self.done = asyncio.Event()  # response complete or client gone
        # Tasks that were running before the app was called (the server's own).
        self.server_tasks: set[asyncio.Task[Any]] = set()
        # The task running the app's own coroutine (inside the server's task).
        self.main_task: asyncio.Task[Any] | None = None
        # RuntimeErrors this server raised into the app (already explained by a violation).
        self.own_errors: list[BaseException] = []

    @property
    def started(self) -> bool:
        return self.start is not None

    # --- the callables the app gets -------------------------------------------------

    def receive(self) -> Any:
        line = learner_line()
        return self.tracker.track(self._receive(line), "receive", line)

    def send(self, message: Any) -> Any:
        line = learner_line()
        return self.tracker.track(self._send(message, line), "send", line)

    # --- receive --------------------------------------------------------------------

    async def _receive(self, line: int | None) -> dict[str, Any]:
        if self.disconnected or self.complete or self.closed:
            message: dict[str, Any] = dict(DISCONNECT)
        elif self.pending:
            chunk = self.pending.pop(0)
            message = {"type": "http.request", "body": chunk, "more_body": bool(self.pending)}
        else:
            await self._wait_for_response(line)
            message = dict(DISCONNECT)
        self.rec.event("receive", message, line=line)
        if self.disconnected:
            self.told_gone = True
        last = message["type"] == "http.request" and not self.pending
        if last and self.request.disconnect_after == 0:
            self.hang_up(tr("it has sent the whole request; it will not wait for the response"))
        return message

    async def _wait_for_response(self, line: int | None) -> None:
        # Wait while another task of the app could still finish the response (Django
        # listens for the disconnect in one task while its view runs in another); give
        # up only when nothing the app started is left running, so a run never hangs.
        # asyncio.wait, not wait_for: in Python 3.11 wait_for swallows a cancel that
        # arrives as the event fires, and Django cancels this very receive().
        waiter = asyncio.ensure_future(self.done.wait())
        try:
            while not waiter.done():
                await asyncio.wait([waiter], timeout=GRACE_S)
                others = asyncio.all_tasks() - self.server_tasks - {asyncio.current_task(), waiter}
                # A task the app started may wait here while the app's own coroutine
                # streams the response (a disconnect watcher): that coroutine counts too.
                app_busy = not self.returned and asyncio.current_task() is not self.main_task
                if not app_busy and not any(not t.done() for t in others):
                    break
        finally:
            waiter.cancel()
        if not self.done.is_set():
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "receive() was called again after the whole request body had arrived. A "
                        "real server would wait here until the response is complete or the client "
                        "goes away; nothing else was running to finish the response, so the "
                        "simulated client gave up and disconnected.",
                    )
                },
                line=line,
            )
            self.hang_up(tr("it gave up waiting for a response"))

    def hang_up(self, why: str) -> None:
        if self.disconnected:
            return
        self.disconnected = True
        self.done.set()
        self.rec.event("client", {"action": "disconnect", "reason": why})

    # --- send -----------------------------------------------------------------------

    def error(self, text: str) -> RuntimeError:
        exc = RuntimeError(text)
        self.own_errors.append(exc)
        return exc

    async def _send(self, message: Any, line: int | None) -> None:
        data = message if isinstance(message, dict) else {"value": message}
        seq = self.rec.event("send", data, line=line)
        check_values(headers_as_lists(message), self.rec, seq)
        kind = message_type(message, self.rec, seq, START_EXAMPLE)
        if kind is None:
            raise self.error("ASGI messages are dicts with a str 'type' key.")
        if self.returned:
            self.rec.violate(
                "asgi.send_after_return",
                tr("{kind} was sent after the app's call had already ended.", kind=repr(kind)),
                event=seq,
            )
            raise self.error(f"Unexpected ASGI message '{kind}' sent, after the app returned.")
        if self.request.disconnect_after == 0 and not self.started:
            self.hang_up(tr("it gave up before the response started"))
        if self.disconnected:
            if self.told_gone:
                self.rec.violate(
                    "http.send_after_disconnect",
                    tr(
                        "The app sent {kind} although it had already been told the client left "
                        "(http.disconnect from receive(), or OSError from send()).",
                        kind=repr(kind),
                    ),
                    event=seq,
                )
            else:
                self.rec.event(
                    "note",
                    {
                        "text": tr(
                            "The client has gone, so send() raised ClientDisconnected (an "
                            "OSError), as HTTP spec 2.4+ asks.",
                        )
                    },
                )
            self.told_gone = True
            raise ClientDisconnected("The client has disconnected.")
        if self.closed:
            self.rec.event("note", {"text": tr("The server had already closed this connection.")})
            raise self.error("The connection was closed after the previous error.")
        if not self.started:
            if kind != "http.response.start":
                raise self.error(unexpected(kind, "http.response.start", self.rec, seq))
            self._start(message, seq)
        elif not self.complete:
            if kind != "http.response.body":
                raise self.error(unexpected(kind, "http.response.body", self.rec, seq))
            self._body(message, seq)
        elif kind not in ("http.response.start", "http.response.body"):
            raise self.error(unexpected(kind, "nothing more", self.rec, seq))
        else:
            self.rec.violate(
                "http.send_after_complete",
                tr(
                    "The app sent {kind} after the final body (more_body False) had completed the "
                    "response.",
                    kind=repr(kind),
                ),
                event=seq,
            )
            raise self.error(
                f"Unexpected ASGI message '{kind}' sent, after response already completed."
            )

    def _start(self, message: dict[str, Any], seq: int) -> None:
        try:
            start = check_start(message, self.rec, seq)
        except Invalid as exc:
            raise self.error(str(exc)) from None
        self.start = start
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.framing.headers]
        self.resp.start(start.status, headers)
        self.rec.event("wire", {"what": "headers", "status": start.status})

    def _body(self, message: dict[str, Any], seq: int) -> None:
        assert self.start is not None
        try:
            body, more = check_body(message, self.rec, seq)
        except Invalid as exc:
            raise self.error(str(exc)) from None
        body_checks.before_write(self, body, seq)
        self.body_messages += 1
        self.sent_bytes += len(body)
        self.resp.add_body(body)
        if body and self.is_head and not self.head_noted:
            self.head_noted = True
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "HEAD request: the server sends the status and headers but drops the body "
                        "bytes; the client asked for the headers only.",
                    )
                },
            )
        shown = bool(body) and not self.is_head
        if not more:
            try:
                body_checks.at_end(self, seq)
            except RuntimeError:
                if shown:
                    self.rec.event("wire", {"what": "body", "length": len(body)})
                raise
        if shown or not more:
            # One wire event per chunk; the last one also says the response is complete.
            wire: dict[str, Any] = {"what": "body", "length": len(body)} if shown else {}
            if not more:
                wire = {**wire, "what": "end", "body_length": self.sent_bytes}
            self.rec.event("wire", wire)
        if not more:
            self.complete = True
            self.resp.complete = True
            self.done.set()
            body_checks.content_type(self, seq)
        after = self.request.disconnect_after
        if after and self.body_messages >= after and not self.complete:
            self.hang_up(tr("it stopped reading after {after} body chunk(s)", after=after))
