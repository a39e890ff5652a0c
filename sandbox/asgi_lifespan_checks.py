"""The lifespan protocol's state machine: what the app may send when, checked key by key.

uvicorn (lifespan/on.py) asserts each transition: startup.complete/failed only
once and before shutdown; shutdown.complete/failed only after startup was
answered and only once. A failed assertion is raised into the app as
``AssertionError: Got invalid state transition on lifespan protocol.``; the
simulated server raises the same, after recording which rule was broken.
"""

from __future__ import annotations

from typing import Any

from sandbox.asgi_common import check_values, did_you_mean, message_type
from sandbox.asgi_inbox import Inbox, Message
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder

SEND_TYPES = (
    "lifespan.startup.complete",
    "lifespan.startup.failed",
    "lifespan.shutdown.complete",
    "lifespan.shutdown.failed",
)
TRANSITION = "Got invalid state transition on lifespan protocol."


def _allowed() -> str:
    """The messages the app may send on the lifespan scope, for messages to the learner."""
    return tr("'lifespan.startup.complete' or 'lifespan.shutdown.complete'")


class Protocol:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.phase = "startup"  # startup | shutdown: what the server last asked for
        self.startup: str | None = None  # "complete" | "failed": the app's answer
        self.shutdown: str | None = None
        self.got_startup = False
        self.got_shutdown = False
        self._raised: list[BaseException] = []
        self._warned = False

    def raised_by_server(self, exc: BaseException) -> bool:
        return any(exc is r for r in self._raised)

    def _raise(self, exc: BaseException) -> BaseException:
        self._raised.append(exc)
        return exc

    async def receive(self, inbox: Inbox, line: int | None) -> Message:
        if not inbox.items and not self._warned:
            rule = None
            if self.got_shutdown:
                rule, text = (
                    "lifespan.receive_after_shutdown",
                    tr(
                        "Your app called receive() again after lifespan.shutdown; "
                        "nothing else will come, so it would wait forever."
                    ),
                )
            elif self.got_startup and self.startup is None:
                rule, text = (
                    "lifespan.receive_before_startup_reply",
                    tr(
                        "Your app called receive() again before answering "
                        "lifespan.startup; the server waits for your answer and you "
                        "wait for the server, so neither moves."
                    ),
                )
            if rule is not None:
                self._warned = True
                seq = self.rec.event(
                    "note", {"text": tr("receive() called; nothing can arrive")}, line=line
                )
                self.rec.violate(rule, text, event=seq)
        message = await inbox.get()
        self.got_startup |= message["type"] == "lifespan.startup"
        self.got_shutdown |= message["type"] == "lifespan.shutdown"
        self.rec.event("receive", message, line=line)
        return dict(message)

    async def send(self, message: Any, line: int | None) -> None:
        data = message if isinstance(message, dict) else {"value": message}
        seq = self.rec.event("send", data, line=line)
        check_values(message, self.rec, seq)
        kind = message_type(message, self.rec, seq, _allowed())
        if kind is None:
            raise self._raise(AssertionError("a lifespan message must be a dict with a 'type'"))
        if kind not in SEND_TYPES:
            self._unknown(kind, seq)
            raise self._raise(AssertionError(f"unexpected lifespan message {kind!r}"))
        if kind.endswith(".failed"):
            self._check_failed(kind, message, seq)
        if kind.startswith("lifespan.startup."):
            self._startup(kind, seq)
        else:
            self._shutdown(kind, seq)

    def _startup(self, kind: str, seq: int) -> None:
        answer = kind.rsplit(".", 1)[1]
        if self.startup is not None:
            rule = (
                "lifespan.startup_complete_twice"
                if answer == self.startup == "complete"
                else "lifespan.startup_complete_and_failed"
            )
            self.rec.violate(
                rule,
                tr(
                    "Your app sent {kind} after it had already sent 'lifespan.startup.{startup}'.",
                    kind=repr(kind),
                    startup=self.startup,
                ),
                event=seq,
            )
            raise self._raise(AssertionError(TRANSITION))
        if not self.got_startup:
            self.rec.violate(
                "lifespan.startup_reply_unrequested",
                tr(
                    "Your app sent {kind} before receiving lifespan.startup; that message is "
                    "still waiting, so your next receive() gets it instead of lifespan.shutdown.",
                    kind=repr(kind),
                ),
                event=seq,
            )
        self.startup = answer

    def _shutdown(self, kind: str, seq: int) -> None:
        answer = kind.rsplit(".", 1)[1]
        if self.startup is None:
            self.rec.violate(
                "lifespan.shutdown_reply_before_startup",
                tr("Your app sent {kind} before answering lifespan.startup.", kind=repr(kind)),
                event=seq,
            )
            raise self._raise(AssertionError(TRANSITION))
        if self.shutdown is not None:
            rule = (
                "lifespan.shutdown_complete_twice"
                if answer == self.shutdown == "complete"
                else "lifespan.shutdown_complete_and_failed"
            )
            self.rec.violate(
                rule,
                tr(
                    "Your app sent {kind} after it had already sent "
                    "'lifespan.shutdown.{shutdown}'.",
                    kind=repr(kind),
                    shutdown=self.shutdown,
                ),
                event=seq,
            )
            raise self._raise(AssertionError(TRANSITION))
        if self.phase != "shutdown":
            self.rec.violate(
                "lifespan.shutdown_reply_unrequested",
                tr(
                    "Your app sent {kind} while the server was still running, before it sent "
                    "lifespan.shutdown.",
                    kind=repr(kind),
                ),
                event=seq,
            )
        self.shutdown = answer

    def _check_failed(self, kind: str, message: dict[str, Any], seq: int) -> None:
        text = message.get("message", "")
        if not isinstance(text, str):
            self.rec.violate(
                "lifespan.failed_message_not_str",
                tr(
                    "'message' of your {kind} is {text} (a {text_type}), not str.",
                    kind=kind,
                    text=short_repr(text, 60),
                    text_type=type(text).__name__,
                ),
                event=seq,
            )
        elif not text:
            self.rec.violate(
                "lifespan.failed_without_message",
                tr(
                    "Your {kind} has no 'message', so the server's log will only say that "
                    "something failed.",
                    kind=kind,
                ),
                event=seq,
            )

    def _unknown(self, kind: str, seq: int) -> None:
        if kind.startswith(("http.", "websocket.")):
            self.rec.violate(
                "lifespan.other_protocol_message",
                tr(
                    "Your app sent {kind} on the lifespan scope: it answered the server's startup "
                    "call as if it were a request.",
                    kind=repr(kind),
                ),
                event=seq,
            )
        elif kind in ("lifespan.startup", "lifespan.shutdown"):
            self.rec.violate(
                "lifespan.receive_message_sent",
                tr(
                    "Your app sent {kind}, which the server sends to the app; answer it with "
                    "'{name}.complete'.",
                    kind=repr(kind),
                    name=kind,
                ),
                event=seq,
            )
        else:
            hint = did_you_mean(kind, SEND_TYPES)
            self.rec.violate(
                "lifespan.unknown_message_type",
                tr("{kind} is not a lifespan message type.{hint}", kind=repr(kind), hint=hint),
                event=seq,
            )
