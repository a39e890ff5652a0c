"""Turn anything an app hands the server into JSON a browser can show.

The trace must be JSON, but apps deal in bytes, tuples and arbitrary objects.
Bytes are encoded as an object carrying two forms at once:

    {"$bytes": "aGk=", "repr": "b'hi'", "length": 2}

``repr`` is Python's own ``b'...'`` form, for display; ``$bytes`` is base64, the
lossless form. Big values are summarised rather than copied: only the first
``limit`` bytes are kept, ``truncated`` is true and ``length`` tells the full
size, so a 1 MB streamed body costs the trace a few hundred bytes per chunk.

Other non-JSON values become ``{"$repr": "...", "type": "..."}`` (and tuples
become ``{"$tuple": [...]}`` so a learner can still see that a header was a
tuple, which WSGI requires). ``decode`` reverses the lossless forms.
"""

from __future__ import annotations

import base64
import itertools
import math
from typing import Any

# What one bytes value may keep in the trace before it is summarised.
BYTES_LIMIT = 256
# Longest text kept for one str value or one repr.
TEXT_LIMIT = 2000
# How deep nested containers are followed (learner objects can be cyclic).
MAX_DEPTH = 12
# How many items of one list or dict are kept.
MAX_ITEMS = 200
# Containers followed in one encode() call: 200 references to one list, nested
# MAX_DEPTH deep, would otherwise be 200**12 visits (a cyclic list does that).
MAX_NODES = 5000

JSON = Any


def encode_bytes(value: bytes | bytearray | memoryview, limit: int = BYTES_LIMIT) -> JSON:
    """Both forms of a bytes value, cut to ``limit`` bytes when it is longer."""
    data = bytes(value)
    kept = data[:limit]
    out: dict[str, JSON] = {
        "$bytes": base64.b64encode(kept).decode("ascii"),
        "repr": repr(kept),
        "length": len(data),
    }
    if len(data) > limit:
        out["truncated"] = True
    if not isinstance(value, bytes):
        out["type"] = type(value).__name__
    return out


def short_repr(value: object, limit: int = 200) -> str:
    """repr() that never raises and never floods the trace."""
    try:
        text = repr(value)
    except Exception as exc:  # a learner's __repr__ may be broken
        text = f"<{type(value).__name__} object (repr failed: {type(exc).__name__})>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def encode(value: object, *, depth: int = 0, limit: int = BYTES_LIMIT) -> JSON:
    """JSON-ready form of ``value``: exact for JSON types, tagged for the rest.

    Dict keys starting with ``$`` get one more ``$`` (``"$bytes"`` is sent as
    ``"$$bytes"``) so a learner's dict is never mistaken for a tagged value.
    """
    return _encode(value, depth, limit, [MAX_NODES])


# Values JSON takes as they are; checked by exact type first because encode()
# runs for every event of every run (the hot path of a hello-world run).
_AS_IS = frozenset({int, bool, type(None)})


def _encode(value: object, depth: int, limit: int, budget: list[int]) -> JSON:
    if type(value) is str:
        if len(value) <= TEXT_LIMIT:
            return value
    elif type(value) in _AS_IS:
        return value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if isinstance(value, str):
        if len(value) > TEXT_LIMIT:
            return {"$str": value[:TEXT_LIMIT], "length": len(value), "truncated": True}
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return encode_bytes(value, limit)
    budget[0] -= 1
    if depth >= MAX_DEPTH or budget[0] < 0:
        return {"$repr": _describe(value), "type": type(value).__name__}
    depth += 1
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, depth, limit, budget) for v in value[:MAX_ITEMS]]}
    if isinstance(value, list):
        items = [_encode(v, depth, limit, budget) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            items.append({"$more": len(value) - MAX_ITEMS})
        return items
    if isinstance(value, dict):
        out: dict[str, JSON] = {}
        pairs = value.items()
        for k, v in pairs if len(value) <= MAX_ITEMS else itertools.islice(pairs, MAX_ITEMS):
            if isinstance(k, str):
                key = "$" + k if k[:1] == "$" else k
            else:
                key = f"$key:{short_repr(k)}"
            out[key] = _encode(v, depth, limit, budget)
        if len(value) > MAX_ITEMS:
            out["$more"] = len(value) - MAX_ITEMS
        return out
    return {"$repr": short_repr(value), "type": type(value).__name__}


def _describe(value: object) -> str:
    """A container too deep to follow, without repr(): that could be as slow as encoding it."""
    if isinstance(value, list | tuple | dict | set | frozenset):
        return f"<{type(value).__name__} of {len(value)} items>"
    return short_repr(value)


def decode(value: JSON) -> object:
    """Undo ``encode`` for the lossless forms (bytes, tuples, floats, lists, dicts)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
        if "$tuple" in value:
            return tuple(decode(v) for v in value["$tuple"])
        if "$float" in value:
            return float(value["$float"])
        return {k[1:] if k.startswith("$$") else k: decode(v) for k, v in value.items()}
    return value


def text_preview(data: bytes, limit: int = TEXT_LIMIT) -> str:
    """Bytes shown as text the way a browser would (UTF-8, bad bytes replaced).

    Binary data (an image, gzip) is not UTF-8 at all: showing it as text would
    fill the trace with replacement characters, so it gets a short label and
    the first bytes in Python's b'...' form instead. A stray bad byte in
    text is still shown replaced, as a browser does.
    """
    text = data[:limit].decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(1, len(text) // 10):
        more = "\u2026" if len(data) > 64 else ""
        return f"[binary data, {len(data)} bytes] {data[:64]!r}{more}"
    if len(data) > limit:
        text += f"\u2026 [{len(data) - limit} more bytes]"
    return text
