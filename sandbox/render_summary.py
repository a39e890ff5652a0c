"""One line per trace event: which way the arrow goes, its label, and the key fields.

The trace holds encoded values (``sandbox.encoding``): bytes as
``{"$bytes", "repr", "length"}``, tuples as ``{"$tuple": [...]}``. ``show``
turns them back into the Python notation a learner writes (``b'Hello'``,
``(b'content-type', b'text/plain')``), short enough for one terminal line.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sandbox.i18n import tr

# Which lane an event's arrow starts from and ends at. Unknown kinds are drawn
# as notes on the server lane, so new event kinds never break the diagram.
DIRECTION: dict[str, tuple[str, str]] = {
    "client": ("client", "server"),
    "wire": ("server", "client"),
    "call": ("server", "app"),
    "receive": ("server", "app"),  # the app awaited receive(); the server hands a message over
    "close": ("server", "app"),
    "input.read": ("server", "app"),  # the app read wsgi.input; the arrow carries the bytes
    "send": ("app", "server"),
    "return": ("app", "server"),
    "raise": ("app", "server"),
    "start_response": ("app", "server"),
    "write": ("app", "server"),
    "yield": ("app", "server"),
    "errors.write": ("app", "server"),
}

VALUE_LIMIT = 80


def show(value: Any, limit: int = VALUE_LIMIT) -> str:
    """Python-style text for an encoded trace value, cut to about ``limit`` characters."""
    text = _show(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any, depth: int) -> str:
    if depth > 6:
        return "…"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v, depth + 1) for v in value) + "]"
    if not isinstance(value, dict):
        return repr(value)
    # Tagged values (sandbox.encoding); a malformed tag falls through to a plain dict.
    tag = value.get("$bytes"), value.get("$tuple"), value.get("repr")
    if isinstance(tag[0], str) and isinstance(tag[2], str) and len(tag[2]) >= 3:
        text = tag[2]
        if value.get("truncated"):
            text = f"{text[:-1]}…{text[-1]} ({value.get('length')} bytes)"
        return text
    if isinstance(tag[1], list):
        items = [_show(v, depth + 1) for v in tag[1]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    for key, form in (("$repr", "{}"), ("$float", "float({!r})"), ("$str", "{!r}…")):
        if isinstance(value.get(key), str):
            return form.format(value[key])
    if "$more" in value and len(value) == 1:
        return f"…{value['$more']} more"
    return "{" + ", ".join(f"{k!r}: {_show(v, depth + 1)}" for k, v in value.items()) + "}"


def _text(value: Any) -> str:
    """Header names and values as text: bytes decoded as latin-1, the way HTTP carries them."""
    if isinstance(value, dict) and "$bytes" in value:
        try:
            return base64.b64decode(value["$bytes"]).decode("latin-1")
        except (binascii.Error, ValueError, TypeError):
            return str(value.get("repr", "?"))
    if isinstance(value, dict) and isinstance(value.get("$tuple"), list):
        return ", ".join(_text(v) for v in value["$tuple"])
    return value if isinstance(value, str) else show(value, 40)


def show_headers(value: Any) -> str:
    """``[name: value; ...]`` for a header list in any of the shapes apps send."""
    pairs = value.get("$tuple") if isinstance(value, dict) else value
    if not isinstance(pairs, list):
        return show(value)
    parts = []
    for pair in pairs:
        items = pair.get("$tuple") if isinstance(pair, dict) else pair
        if isinstance(items, list) and len(items) == 2:
            parts.append(f"{_text(items[0])}: {_text(items[1])}")
        else:
            parts.append(show(pair, 40))
    return "[" + "; ".join(parts) + "]"


def fields(data: dict[str, Any], skip: tuple[str, ...] = (), *, terse: bool = False) -> str:
    """``key=value`` pairs for every key not in ``skip``; header lists shown as headers.

    ``terse`` leaves out empty values: right for what the client and the wire do,
    wrong for app messages, where ``body=b''`` is worth seeing.
    """
    parts = []
    for key, value in data.items():
        if key in skip or (terse and _empty(value)):
            continue
        shown = show_headers(value) if key in ("headers", "trailers") else show(value)
        parts.append(f"{key}={shown}")
    return "  ".join(parts)


def _empty(value: Any) -> bool:
    if isinstance(value, dict) and "$bytes" in value:
        return value.get("length") == 0
    return value is None or value == "" or value == [] or value == {}


def summarize(event: dict[str, Any]) -> tuple[str, str]:
    """The arrow's label and the details written beside it."""
    kind = str(event.get("kind", "?"))
    data = event.get("data")
    data = data if isinstance(data, dict) else {}
    if kind == "call":
        return "call", _call(data)
    if kind in ("receive", "send"):
        return kind, f"{_plain(data.get('type', '?'))}  {fields(data, ('type',))}".rstrip()
    if kind == "return":
        if "value" in data:  # ASGI: what the coroutine returned
            return "return", tr("returned {value}", value=show(data["value"]))
        # WSGI: the iterable the app returned, described by the server
        return (
            "return",
            (
                tr("returned {value}", value=_plain(data.get("repr", "?")))
                + f"  {fields(data, ('repr', 'type'))}"
            ).rstrip(),
        )
    if kind == "raise":
        return (
            "raise",
            f"{_plain(data.get('type', 'Exception'))}: {_plain(data.get('message', ''))}",
        )
    if kind == "client":
        return _plain(data.get("action", "client")), _client(data)
    if kind == "wire":
        return _plain(data.get("what", "wire")), fields(data, ("what",), terse=True)
    if kind == "note":
        return "note", _plain(data.get("text", "")) or fields(data)
    return kind, fields(data)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else show(value)


def _call(scope: dict[str, Any]) -> str:
    if "REQUEST_METHOD" in scope:  # a WSGI environ
        path = _plain(scope.get("SCRIPT_NAME", "")) + _plain(scope.get("PATH_INFO", ""))
        query = _plain(scope.get("QUERY_STRING", ""))
        where = f"{path}?{query}" if query else path
        keys = tr("({n} keys)", n=len(scope))
        return f"environ  {_plain(scope['REQUEST_METHOD'])} {where}  {keys}"
    kind = _plain(scope.get("type", "?"))
    if kind == "http":
        query = _text(scope.get("query_string", ""))
        path = _plain(scope.get("path", "?")) + (f"?{query}" if query else "")
        return f"scope  http {_plain(scope.get('method', '?'))} {path}"
    if kind == "websocket":
        subprotocols = scope.get("subprotocols")
        extra = f"  subprotocols={show(subprotocols)}" if subprotocols else ""
        return f"scope  websocket {_plain(scope.get('path', '?'))}{extra}"
    return f"scope  {kind}"


def _client(data: dict[str, Any]) -> str:
    if "method" in data:
        rest = fields(data, ("action", "method", "path", "target"), terse=True)
        target = data.get("target", data.get("path", "/"))
        return f"{_plain(data['method'])} {_plain(target)}  {rest}".rstrip()
    return fields(data, ("action",), terse=True)
