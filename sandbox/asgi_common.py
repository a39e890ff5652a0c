"""What every ASGI protocol (HTTP, WebSocket, lifespan) shares: calling the app, value checks.

``call_app`` makes the one call an ASGI server makes per connection, records
``call`` (the scope), then ``return`` or ``raise``, and checks what the main
spec says about the call itself: the app is awaited, returns None, and legacy
ASGI 2 "double callables" still work but are explained.

``check_values`` applies the main spec's rule for every message in both
directions: only bytes, str, int, float (finite), list, dict with str keys,
bool and None may appear.

The rest is shared by the HTTP and WebSocket connections: ``ClientDisconnected``
(what send() raises once the client is gone), ``learner_line`` (the learner's
line for an event), ``AwaitTracker`` (send()/receive() called without await),
``message_type`` (a message's type, or why it has none) and ``caused_by``.
"""

from __future__ import annotations

import asyncio
import difflib
import inspect
import linecache
import math
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.limits import EngineStop
from sandbox.recorder import Recorder

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ALLOWED = (bytes, str, int, float, list, dict, bool, type(None))


def did_you_mean(
    word: str, choices: Sequence[str], *, cutoff: float = 0.6, prefer: str | None = None
) -> str:
    """The hint `` Did you mean 'x'?`` for a misspelt type or key; "" when nothing is close.

    ``prefer`` wins when it is among the close matches (the type the server waits for).
    """
    close = difflib.get_close_matches(word, choices, n=3, cutoff=cutoff)
    if prefer is not None and prefer in close:
        return tr(" Did you mean {word}?", word=repr(prefer))
    return tr(" Did you mean {word}?", word=repr(close[0])) if close else ""


def as_coroutine_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` marked as a coroutine function, as a real server's ``async def`` send is.

    The engine's receive/send return awaitables it can watch (to tell when one is
    never awaited), so they are plain functions; libraries that check the mark
    (asgiref's AsyncToSync in WsgiToAsgi warns without it) must still see an
    ``async def``. This is asgiref's own ``markcoroutinefunction``.
    """

    def marked(*args: Any) -> Any:
        return fn(*args)

    if sys.version_info >= (3, 12):
        return inspect.markcoroutinefunction(marked)  # type: ignore[attr-defined,no-any-return]
    marked._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
    return marked


async def call_app(
    app: Any,
    scope: dict[str, Any],
    receive: Receive,
    send: Send,
    rec: Recorder,
    *,
    legacy: bool,
    server_raised: tuple[type[BaseException], ...] = (),
) -> BaseException | None:
    """Call the app once for ``scope``; return the exception that escaped it, if any.

    EngineStop (timeouts, limits) and cancellation pass through untouched:
    they are the engine's, not the learner's. ``server_raised`` lists exceptions
    the server itself raised into the app (``ClientDisconnected``): the spec says
    servers catch those without treating them as the app's error, so they are
    recorded as ``raise`` but not as the trace's ``error``. An exception raised
    because of one (Starlette turns the OSError into its own ClientDisconnect)
    counts as one.
    """
    rec.event("call", scope)
    receive, send = as_coroutine_function(receive), as_coroutine_function(send)
    try:
        if legacy:
            rec.violate(
                "asgi.legacy_double_callable",
                tr(
                    "Your app takes only `scope` and returns a second callable that takes "
                    "`receive` and `send`: the ASGI 2 style. The server wrapped it for you.",
                ),
            )
            instance = app(scope)
            result = await instance(receive, send)
        else:
            awaitable = app(scope, receive, send)
            if not inspect.isawaitable(awaitable):
                rec.violate(
                    "asgi.app_not_awaitable",
                    tr(
                        "Calling your app returned {awaitable}, which the server cannot await, so "
                        "nothing ran. Did you forget `async` before `def`?",
                        awaitable=short_repr(awaitable, 80),
                    ),
                )
                rec.event("return", {"value": awaitable})
                return None
            result = await awaitable
    except (EngineStop, asyncio.CancelledError):
        raise
    except BaseException as exc:
        if server_raised and caused_by(exc, server_raised):
            rec.event("raise", {"type": type(exc).__name__, "message": str(exc), "expected": True})
            return exc
        rec.event("raise", {"type": type(exc).__name__, "message": str(exc)})
        rec.fail(exc)
        return exc
    rec.event("return", {"value": result})
    if result is not None:
        rec.violate(
            "asgi.return_value",
            tr(
                "Your app returned {result}. An ASGI app answers through `send()`; what it "
                "returns is ignored (uvicorn logs a warning).",
                result=short_repr(result, 80),
            ),
        )
    return None


def caused_by(exc: BaseException, types: tuple[type[BaseException], ...]) -> bool:
    """Whether ``exc`` or an exception it was raised from or while handling is of ``types``."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, types):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def headers_as_lists(message: Any) -> Any:
    """The message with tuple header pairs shown to check_values as lists.

    The HTTP & WebSocket spec types headers (of http.response.start, websocket.accept,
    websocket.http.response.start) as ``Iterable[[byte string, byte string]]``, so
    tuples there are allowed (uvicorn's own types use them, Starlette sends them);
    only tuples elsewhere are asgi.value_tuple.
    """
    if not isinstance(message, dict) or not isinstance(message.get("headers"), list | tuple):
        return message
    pairs = [list(h) if isinstance(h, tuple) else h for h in message["headers"]]
    return {**message, "headers": pairs}


def check_values(message: Any, rec: Recorder, seq: int, who: str | None = None) -> bool:
    """Check the main spec's value types; record violations and return False if any."""
    problems: list[tuple[str, str]] = []
    _walk(message, "message", problems, 0)
    sender = who if who is not None else tr("Your app")
    for rule_id, detail in problems[:5]:
        message_text = tr("{who} sent a message whose {detail}", who=sender, detail=detail)
        rec.violate(rule_id, message_text, event=seq)
    return not problems


def _walk(value: Any, where: str, problems: list[tuple[str, str]], depth: int) -> None:
    if depth > 20:
        return
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(
            (
                "asgi.value_float_not_finite",
                tr(
                    "{where} is {value}; ASGI messages may not hold NaN or infinity.",
                    where=where,
                    value=repr(value),
                ),
            )
        )
    elif isinstance(value, tuple):
        problems.append(
            (
                "asgi.value_tuple",
                tr(
                    "{where} is a tuple; the spec asks for lists "
                    "(most servers accept tuples, but not all).",
                    where=where,
                ),
            )
        )
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", problems, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", problems, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(
                    (
                        "asgi.value_dict_key",
                        tr(
                            "{where} has the key {key}; dict keys in ASGI messages must be str.",
                            where=where,
                            key=repr(key),
                        ),
                    )
                )
            _walk(item, f"{where}[{key!r}]", problems, depth + 1)
    elif not isinstance(value, _ALLOWED):
        problems.append(
            (
                "asgi.value_type",
                tr(
                    "{where} is a {value_type} ({value}); ASGI messages may only hold bytes, "
                    "str, int, float, list, dict, bool and None.",
                    where=where,
                    value_type=type(value).__name__,
                    value=short_repr(value, 60),
                ),
            )
        )


# --- Helpers shared by the HTTP and WebSocket connections -------------------------------


class ClientDisconnected(OSError):
    """What ``send()`` raises once the client has gone (HTTP/WebSocket spec 2.4+).

    The spec asks for "a server-specific subclass of OSError"; uvicorn's
    WebSocket code has one of this name. Apps may catch it to clean up.
    """


def learner_line() -> int | None:
    """The line of learner code that is calling into the server right now, if any.

    Learner source is compiled under a made-up file name ("app.py") whose lines
    the loader puts in ``linecache`` with no modification time; installed
    libraries (Starlette, ...) are real files, so the first such frame up the
    stack is the learner's own line.
    """
    frame = sys._getframe(1)
    while frame is not None:
        entry = linecache.cache.get(frame.f_code.co_filename)
        if entry is not None and len(entry) == 4 and entry[1] is None:
            return frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return None


class AwaitTracker:
    """Spots ``send(...)``/``receive()`` calls the app never awaited.

    Without ``await`` the call only creates a coroutine: the message never
    reaches the server and Python later warns "coroutine was never awaited".
    The tracker keeps the coroutines it handed out; ``check`` reports those
    still unstarted when the app has finished, and closes them (no warning).
    """

    def __init__(self) -> None:
        self._handed: list[tuple[Coroutine[Any, Any, Any], str, int | None]] = []

    def track(
        self, coro: Coroutine[Any, Any, Any], what: str, line: int | None
    ) -> Coroutine[Any, Any, Any]:
        if len(self._handed) >= 64:
            # Forget the ones already awaited, so a long stream stays cheap.
            self._handed = [h for h in self._handed if _unstarted(h[0])]
        self._handed.append((coro, what, line))
        return coro

    def check(self, rec: Recorder) -> None:
        for coro, what, line in self._handed:
            if not _unstarted(coro):
                continue
            coro.close()
            note = tr("{what}() was called but never awaited, so it did nothing.", what=what)
            seq = rec.event("note", {"text": note}, line=line)
            where = tr(" on line {line}", line=line) if line else ""
            if what == "send":
                rec.violate(
                    "asgi.send_not_awaited",
                    tr(
                        "`send(...)`{where} was called without `await`: it only created a "
                        "coroutine, so the server never saw that message.",
                        where=where,
                    ),
                    event=seq,
                )
            else:
                rec.violate(
                    "asgi.receive_not_awaited",
                    tr(
                        "`receive()`{where} was called without `await`: you got a coroutine "
                        "object instead of the message dict.",
                        where=where,
                    ),
                    event=seq,
                )
        self._handed = []


def _unstarted(coro: Coroutine[Any, Any, Any]) -> bool:
    return inspect.getcoroutinestate(coro) == inspect.CORO_CREATED


def message_type(message: Any, rec: Recorder, seq: int, allowed: str) -> str | None:
    """The message's ``type`` if it is a dict with a str type; else record why not.

    ``allowed`` names the types the app could have meant, for the message.
    Returns None when the message is unusable; the caller then raises into the
    app, as uvicorn does (it fails with a KeyError or TypeError of its own).
    """
    if not isinstance(message, dict):
        rec.violate(
            "asgi.message_not_dict",
            tr(
                "You passed {message} (a {message_type}) to send(); it takes a dict such as "
                "{allowed}.",
                message=short_repr(message, 80),
                message_type=type(message).__name__,
                allowed=allowed,
            ),
            event=seq,
        )
        return None
    if "type" not in message:
        rec.violate(
            "asgi.message_type_missing",
            tr(
                "The message {message} has no 'type' key, so the server cannot tell what it is. "
                "Expected a type such as {allowed}.",
                message=short_repr(message, 80),
                allowed=allowed,
            ),
            event=seq,
        )
        return None
    kind = message["type"]
    if not isinstance(kind, str):
        rec.violate(
            "asgi.message_type_not_str",
            tr(
                "The message's 'type' is {kind} (a {kind_type}); it must be a str such as "
                "{allowed}.",
                kind=short_repr(kind, 60),
                kind_type=type(kind).__name__,
                allowed=allowed,
            ),
            event=seq,
        )
        return None
    return kind
