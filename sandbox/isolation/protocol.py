"""The bytes exchanged between the Executor, the zygote and a run's child.

A frame is ``>II`` (header length, body length), a UTF-8 JSON object header,
then a raw body. Headers are small and always JSON; bodies carry the bulky
parts as raw bytes (a job's JSON, a child's trace) so that the zygote never
has to decode, re-escape or even look at what a learner sent or produced.

Everything a child wrote is untrusted: it is parsed here with strict JSON
(no NaN/Infinity, a size cap, a depth guard through RecursionError) and never
with pickle, and a trace must have the trace's shape before anyone uses it.
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
from collections import deque
from typing import Any

PREFIX = struct.Struct(">II")
MAX_HEADER = 64 * 1024
# A job body holds the learner's code and the scenario (1 MiB of request body at most).
MAX_JOB_BYTES = 4 * 1024 * 1024
PROBE_BYTES = 256 * 1024

# Keys every trace has and the types their values must have (docs/trace.md).
TRACE_KEYS: dict[str, tuple[type, ...]] = {
    "interface": (str, type(None)),
    "outcome": (str,),
    "response": (dict, type(None)),
    "responses": (list,),
    "events": (list,),
    "violations": (list,),
    "error": (dict, type(None)),
    "stdout": (str,),
    "duration_ms": (int, float),
    "engine": (dict,),
}


class ProtocolError(Exception):
    """A frame or a child's result is not what the protocol allows."""


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"{name} is not JSON")


def loads_strict(raw: bytes | bytearray | memoryview | str, cap: int) -> Any:
    """Parse JSON text of at most ``cap`` bytes; anything else raises ProtocolError."""
    if len(raw) > cap:
        raise ProtocolError(f"{len(raw)} bytes is more than the {cap} allowed")
    try:
        text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise ProtocolError(f"not valid JSON: {exc}") from None


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("utf-8")


def encode_frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = dumps(header)
    return PREFIX.pack(len(head), len(body)) + head + body


def split_prefix(prefix: bytes | bytearray | memoryview, max_body: int) -> tuple[int, int]:
    """The header and body lengths a prefix announces, checked against the caps."""
    head_len, body_len = PREFIX.unpack(prefix)
    if not 2 <= head_len <= MAX_HEADER or body_len > max_body:
        raise ProtocolError(f"frame too large: header {head_len} bytes, body {body_len} bytes")
    return head_len, body_len


def decode_header(raw: bytes | bytearray | memoryview) -> dict[str, Any]:
    header = loads_strict(raw, MAX_HEADER)
    if not isinstance(header, dict):
        raise ProtocolError("a frame header must be a JSON object")
    return header


async def read_frame(
    reader: asyncio.StreamReader, max_body: int
) -> tuple[dict[str, Any], bytes] | None:
    """The next frame from ``reader``; None at a clean end of stream."""
    try:
        prefix = await reader.readexactly(PREFIX.size)
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise ProtocolError("stream ended inside a frame prefix") from None
        return None
    head_len, body_len = split_prefix(prefix, max_body)
    try:
        head = await reader.readexactly(head_len)
        body = await reader.readexactly(body_len) if body_len else b""
    except asyncio.IncompleteReadError:
        raise ProtocolError("stream ended inside a frame") from None
    return decode_header(head), body


def parse_trace(raw: bytes | bytearray | memoryview, cap: int) -> dict[str, Any]:
    """A child's trace, parsed strictly and checked for the trace's shape."""
    trace = loads_strict(raw, cap)
    if not isinstance(trace, dict):
        raise ProtocolError(f"the result is a JSON {type(trace).__name__}, not an object")
    for key, types in TRACE_KEYS.items():
        if key not in trace:
            raise ProtocolError(f"the result has no {key!r} key")
        value = trace[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ProtocolError(f"the result's {key!r} is a {type(value).__name__}")
    return trace


def zero(buf: bytearray) -> None:
    buf[:] = bytes(len(buf))  # same length: overwritten in place, not reallocated


class Outbox:
    """Frames waiting for a non-blocking fd (the zygote's answers to the parent).

    Bodies are queued as views of the bytearrays that hold them, not copied; each
    bytearray is zeroed once written, so a learner's output does not linger.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.items: deque[tuple[memoryview, bytearray | None]] = deque()

    def add(self, header: dict[str, Any], chunks: list[bytearray] | None, size: int) -> None:
        head = dumps(header)
        size = size if chunks else 0
        self.items.append((memoryview(PREFIX.pack(len(head), size) + head), None))
        left = size
        for chunk in chunks or ():
            part = min(left, len(chunk))
            self.items.append((memoryview(chunk)[:part], chunk))
            left -= part

    def flush(self) -> bool:
        """Write what the fd takes now; True when nothing is left (BrokenPipeError passes)."""
        while self.items:
            view, owner = self.items[0]
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                return False
            if n < len(view):
                self.items[0] = (view[n:], owner)
                continue
            self.items.popleft()
            if owner is not None:
                zero(owner)
        return True

    def owners(self) -> list[bytearray]:
        """The bytearrays still queued (a forked child wipes its copies)."""
        return [owner for _, owner in self.items if owner is not None]
