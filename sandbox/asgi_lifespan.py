"""The ASGI lifespan protocol (spec 2.0), played the way uvicorn 0.54 plays it by default.

The server calls the app once with a ``lifespan`` scope (carrying the
``state`` dict that requests later get a shallow copy of), queues
``lifespan.startup`` and waits for ``lifespan.startup.complete`` (serve the
requests) or ``lifespan.startup.failed`` (exit without serving). After the
requests it queues ``lifespan.shutdown`` and waits for the shutdown reply.

Failure paths, following the spec and uvicorn's default ``--lifespan auto``:

- an exception before the app received anything means "this app does not do
  lifespan": the server goes on without it (a note, not an error);
- an exception after ``lifespan.startup`` arrived is also survived (the spec:
  "the server must continue but not send any lifespan events"), but it is an
  error the learner should see: ``lifespan.startup.failed`` is how to stop the
  server;
- messages out of order fail as uvicorn's assertions do (``AssertionError:
  Got invalid state transition on lifespan protocol.``);
- an app waiting in ``receive()`` when nothing can come (before answering
  startup, or after shutdown) would hang a real server forever; here the
  app is cancelled with a note.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from sandbox import asgi_lifespan_checks as lc
from sandbox.asgi_common import AwaitTracker, call_app, learner_line
from sandbox.asgi_inbox import Inbox, Message
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder


class Lifespan:
    def __init__(self, app: Any, rec: Recorder, state: dict[str, Any], *, legacy: bool) -> None:
        self.app, self.rec, self.state, self.legacy = app, rec, state, legacy
        self.supported = False  # requests get ``state`` only when lifespan really ran
        self.inbox: Inbox | None = None
        self.proto = lc.Protocol(rec)
        self.tracker = AwaitTracker()
        self.scope: dict[str, Any] = {}

    async def startup(self) -> bool:
        """Run startup; False when the server must exit without serving (uvicorn's rule)."""
        from sandbox.asgi import ASGI_VERSION, LIFESPAN_SPEC  # sandbox.asgi imports us

        self.scope = {
            "type": "lifespan",
            "asgi": {"version": ASGI_VERSION, "spec_version": LIFESPAN_SPEC},
            "state": self.state,
        }
        inbox = self.inbox = Inbox()
        proto = self.proto

        def receive() -> Awaitable[Message]:
            line = learner_line()
            return self.tracker.track(proto.receive(inbox, line), "receive", line)

        def send(message: Message) -> Awaitable[None]:
            line = learner_line()
            return self.tracker.track(proto.send(message, line), "send", line)

        self.rec.event(
            "note",
            {
                "text": tr(
                    "Server starting: it runs lifespan startup before accepting any connection."
                )
            },
        )
        inbox.put({"type": "lifespan.startup"})
        proto.phase = "startup"
        inbox.start(call_app(self.app, self.scope, receive, send, self.rec, legacy=self.legacy))
        answered = await inbox.wait_until(lambda: proto.startup is not None)
        await inbox.settle()
        if not answered and not inbox.app_done:
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "Your app is waiting in receive() without having answered "
                        "lifespan.startup; a real server would wait here forever and never serve. "
                        "The server gives up.",
                    )
                },
            )
            await inbox.cancel_app()
            return False
        if inbox.app_done:
            return self._ended_during_startup()
        if proto.startup == "failed":
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "Startup failed, so the server exits without serving (uvicorn: "
                        "'Application startup failed. Exiting.').",
                    )
                },
            )
            await inbox.cancel_app()
            return False
        self.supported = True
        if self.scope.get("state") is not self.state:
            self.rec.violate(
                "lifespan.state_replaced",
                tr(
                    "Your app replaced scope['state'] with a new object during startup; the "
                    "server copies the dict it created, so requests never see what you put in the "
                    "new one.",
                ),
            )
        return True

    def _ended_during_startup(self) -> bool:
        exc = self._app_exception()
        if exc is not None and not self.proto.got_startup:
            if self.rec.app_error is exc:
                self.rec.app_error = None  # not supporting lifespan is allowed
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "Your app raised {exc_type} on the lifespan scope before receiving "
                        "anything: the server takes it that the app does not support lifespan and "
                        "carries on without it (uvicorn: \"ASGI 'lifespan' protocol appears "
                        "unsupported.\").",
                        exc_type=type(exc).__name__,
                    )
                },
            )
            return True
        if exc is not None:
            if not self.proto.raised_by_server(exc):
                self.rec.violate(
                    "lifespan.startup_exception",
                    tr(
                        "{exc_type} escaped your app during startup. The spec makes the server "
                        "carry on without lifespan (uvicorn's default does; with --lifespan on it "
                        "exits).",
                        exc_type=type(exc).__name__,
                    ),
                )
            return True
        if self.proto.startup is None:
            if self.proto.got_startup:
                self.rec.violate(
                    "lifespan.startup_returned",
                    tr(
                        "Your app returned after receiving lifespan.startup without answering it; "
                        "uvicorn then carries on as if startup had completed.",
                    ),
                )
            else:
                self.rec.event(
                    "note",
                    {
                        "text": tr(
                            "Your app returned without taking part in lifespan; the server "
                            "carries on without it.",
                        )
                    },
                )
            self.supported = True  # uvicorn still hands the (empty) state to requests
            return True
        if self.proto.startup == "failed":
            note = tr("Startup failed, so the server exits without serving.")
            self.rec.event("note", {"text": note})
            return False
        self.supported = True
        self.rec.violate(
            "lifespan.returned_before_shutdown",
            tr(
                "Your app's lifespan call ended right after startup; the code that should run at "
                "shutdown never will (the server skips the shutdown step).",
            ),
        )
        return True

    async def shutdown(self) -> None:
        inbox, proto = self.inbox, self.proto
        if inbox is None:
            return
        if inbox.app_done:
            exc = self._app_exception()
            if exc is not None and proto.startup == "complete" and not proto.raised_by_server(exc):
                self.rec.violate(
                    "lifespan.exception_before_shutdown",
                    tr(
                        "{exc_type} escaped your lifespan code after startup; the server skips "
                        "the shutdown step, so your cleanup never runs.",
                        exc_type=type(exc).__name__,
                    ),
                )
            self.tracker.check(self.rec)
            return
        self.rec.event("note", {"text": tr("Server shutting down: no more connections.")})
        proto.phase = "shutdown"
        inbox.put({"type": "lifespan.shutdown"})
        answered = await inbox.wait_until(lambda: proto.shutdown is not None)
        await inbox.settle()
        if not answered and not inbox.app_done:
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "Your app is waiting in receive() after lifespan.shutdown; a real server "
                        "would wait forever. The server gives up.",
                    )
                },
            )
            await inbox.cancel_app()
        elif inbox.app_done and proto.shutdown is None:
            exc = self._app_exception()
            if exc is not None and not proto.raised_by_server(exc):
                self.rec.violate(
                    "lifespan.shutdown_exception",
                    tr(
                        "{exc_type} escaped your app during shutdown instead of "
                        "lifespan.shutdown.failed.",
                        exc_type=type(exc).__name__,
                    ),
                )
            elif exc is None and proto.got_shutdown:
                self.rec.violate(
                    "lifespan.shutdown_returned",
                    tr(
                        "Your app returned after receiving lifespan.shutdown without sending "
                        "lifespan.shutdown.complete.",
                    ),
                )
        elif not inbox.app_done:
            # The reply came; the server exits now and cancels whatever the app still runs.
            await inbox.cancel_app()
        if proto.shutdown == "failed":
            self.rec.event(
                "note", {"text": tr("Shutdown failed: the server logs your message and exits.")}
            )
        self.tracker.check(self.rec)

    def check_request_state(self, scope_state: dict[str, Any]) -> None:
        """After a request: top-level changes to its copy of the state are not shared."""
        if not self.supported:
            return
        changed = [
            k for k in scope_state if k not in self.state or scope_state[k] is not self.state[k]
        ]
        removed = [k for k in self.state if k not in scope_state]
        if changed or removed:
            parts = [f"scope['state'][{k!r}] = {short_repr(scope_state[k], 40)}" for k in changed]
            parts += [f"del scope['state'][{k!r}]" for k in removed]
            keys = "; ".join(parts[:3])
            self.rec.violate(
                "lifespan.state_request_write",
                tr(
                    "This request changed the top level of scope['state'] ({keys}); each request "
                    "gets a shallow copy, so the next request will not see that change.",
                    keys=keys,
                ),
            )

    def _app_exception(self) -> BaseException | None:
        task = self.inbox.task if self.inbox else None
        if task is None or not task.done() or task.cancelled():
            return None
        result = task.result()
        return result if isinstance(result, BaseException) else None
