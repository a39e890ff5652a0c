"""What every ASGI protocol (HTTP, WebSocket, lifespan) shares: calling the app, value checks.

``call_app`` makes the one call an ASGI server makes per connection, records
``call`` (the scope), then ``return`` or ``raise``, and checks what the main
spec says about the call itself: the app is awaited, returns None, and legacy
ASGI 2 "double callables" still work but are explained.

``check_values`` applies the main spec's rule for every message in both
directions: only bytes, str, int, float (finite), list, dict with str keys,
bool and None may appear.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.encoding import short_repr
from sandbox.limits import EngineStop
from sandbox.recorder import Recorder

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ALLOWED = (bytes, str, int, float, list, dict, bool, type(None))


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
    recorded as ``raise`` but not as the trace's ``error``.
    """
    rec.event("call", scope)
    try:
        if legacy:
            rec.violate(
                "asgi.legacy_double_callable",
                "Your app takes only `scope` and returns a second callable that takes "
                "`receive` and `send`: the ASGI 2 style. The server wrapped it for you.",
            )
            instance = app(scope)
            result = await instance(receive, send)
        else:
            awaitable = app(scope, receive, send)
            if not inspect.isawaitable(awaitable):
                rec.violate(
                    "asgi.app_not_awaitable",
                    f"Calling your app returned {short_repr(awaitable, 80)}, which the "
                    "server cannot await, so nothing ran. Did you forget `async` "
                    "before `def`?",
                )
                rec.event("return", {"value": awaitable})
                return None
            result = await awaitable
    except (EngineStop, asyncio.CancelledError):
        raise
    except BaseException as exc:
        if server_raised and isinstance(exc, server_raised):
            rec.event("raise", {"type": type(exc).__name__, "message": str(exc), "expected": True})
            return exc
        rec.event("raise", {"type": type(exc).__name__, "message": str(exc)})
        rec.fail(exc)
        return exc
    rec.event("return", {"value": result})
    if result is not None:
        rec.violate(
            "asgi.return_value",
            f"Your app returned {short_repr(result, 80)}. An ASGI app answers through "
            "`send()`; what it returns is ignored (uvicorn logs a warning).",
        )
    return None


def check_values(message: Any, rec: Recorder, seq: int, who: str = "Your app") -> bool:
    """Check the main spec's value types; record violations and return False if any."""
    problems: list[tuple[str, str]] = []
    _walk(message, "message", problems, 0)
    for rule_id, detail in problems[:5]:
        rec.violate(rule_id, f"{who} sent a message whose {detail}", event=seq)
    return not problems


def _walk(value: Any, where: str, problems: list[tuple[str, str]], depth: int) -> None:
    if depth > 20:
        return
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(
            (
                "asgi.value_float_not_finite",
                f"{where} is {value!r}; ASGI messages may not hold NaN or infinity.",
            )
        )
    elif isinstance(value, tuple):
        problems.append(
            (
                "asgi.value_tuple",
                f"{where} is a tuple; the spec asks for lists "
                "(most servers accept tuples, but not all).",
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
                        f"{where} has the key {key!r}; dict keys in ASGI messages must be str.",
                    )
                )
            _walk(item, f"{where}[{key!r}]", problems, depth + 1)
    elif not isinstance(value, _ALLOWED):
        problems.append(
            (
                "asgi.value_type",
                f"{where} is a {type(value).__name__} "
                f"({short_repr(value, 60)}); ASGI messages may only hold bytes, str, "
                "int, float, list, dict, bool and None.",
            )
        )
