"""Checks on the ``headers`` of an ``http.response.start`` message.

Two passes. ``parse_headers`` checks the form (a list of ``[bytes, bytes]``
pairs, valid names, no CR/LF) and raises ``Invalid`` where uvicorn's HTTP
library (h11) would raise into the app. ``check_semantics`` then looks at what
the headers mean (Content-Length, Transfer-Encoding, hop-by-hop names,
redirects without Location...); only a broken Content-Length is fatal there.

Where real servers differ, the check follows the main spec's "Error Handling"
(which names "Unicode strings for HTTP headers" as an invalid message the
server should raise on): str names and values raise, as uvicorn with httptools
(``uvicorn[standard]``) and hypercorn do, although plain uvicorn with h11
encodes them silently.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder

TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
# Connection-specific fields (RFC 9110 7.6.1): the server manages the connection.
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"upgrade"}
# Fields that make no sense twice in one response.
SINGLETONS = (b"content-type", b"location", b"etag", b"last-modified", b"content-range")
REDIRECTS = (301, 302, 303, 307, 308)

Headers = list[tuple[bytes, bytes]]


class Invalid(Exception):
    """The message cannot be sent; the text is the RuntimeError the app gets."""


def parse_headers(raw: Any, rec: Recorder, seq: int) -> Headers:
    """The headers as byte pairs, or Invalid (after recording the violation)."""
    if isinstance(raw, dict):
        rec.violate(
            "http.headers_dict",
            tr(
                "'headers' is a dict ({raw}); iterating a dict gives only its keys, so the server "
                "cannot read name/value pairs.",
                raw=short_repr(raw, 80),
            ),
            event=seq,
        )
        raise Invalid("'headers' must be a list of [name, value] pairs, not a dict.")
    if isinstance(raw, str | bytes) or not _iterable(raw):
        rec.violate(
            "http.headers_not_iterable",
            tr(
                "'headers' is {raw} (a {raw_type}), not a list of [name, value] pairs.",
                raw=short_repr(raw, 80),
                raw_type=type(raw).__name__,
            ),
            event=seq,
        )
        raise Invalid("'headers' must be a list of [name, value] pairs.")
    out: Headers = []
    for i, item in enumerate(raw):
        pair = [] if isinstance(item, str | bytes | dict) or not _iterable(item) else list(item)
        if len(pair) != 2:
            rec.violate(
                "http.header_not_pair",
                tr(
                    "headers[{i}] is {item}; each header must be a two-item [name, value] list.",
                    i=i,
                    item=short_repr(item, 80),
                ),
                event=seq,
            )
            raise Invalid(f"headers[{i}] is not a [name, value] pair.")
        name_raw, value_raw = pair
        name = _as_bytes(name_raw, "name", i, rec, seq)
        value = _as_bytes(value_raw, "value", i, rec, seq)
        out.append((_check_name(name, i, rec, seq), _check_value(name, value, i, rec, seq)))
    return out


def _iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def _as_bytes(value: Any, part: str, i: int, rec: Recorder, seq: int) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    part_text = tr("name") if part == "name" else tr("value")
    if isinstance(value, str):
        rec.violate(
            f"http.header_{part}_str",
            tr(
                "headers[{i}] has the {part} {value} as a str. uvicorn with httptools and "
                "hypercorn raise TypeError (plain uvicorn with h11 happens to encode it).",
                i=i,
                part=part_text,
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"header {part} {value!r} is a str; expected bytes such as {_b(value)}.")
    if part == "value" and isinstance(value, int) and not isinstance(value, bool):
        rec.violate(
            "http.header_value_int",
            tr(
                "headers[{i}] has the value {value}, an int; header values are bytes.",
                i=i,
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"header value {value!r} is an int; expected bytes.")
    rec.violate(
        "http.header_not_bytes",
        tr(
            "headers[{i}] has the {part} {value} (a {value_type}); header names and values are "
            "bytes.",
            i=i,
            part=part_text,
            value=short_repr(value, 60),
            value_type=type(value).__name__,
        ),
        event=seq,
    )
    raise Invalid(f"header {part} {short_repr(value, 60)} is not bytes.")


def _b(text: str) -> str:
    return repr(text.encode("utf-8"))


def _check_name(name: bytes, i: int, rec: Recorder, seq: int) -> bytes:
    if name.startswith(b":"):
        rec.violate(
            "http.header_pseudo",
            tr(
                "headers[{i}] is named {name}: a pseudo-header of HTTP/2, which the server writes "
                "itself.",
                i=i,
                name=repr(name),
            ),
            event=seq,
        )
        raise Invalid(f"Illegal header name {name!r}.")
    if not TOKEN.fullmatch(name):
        rec.violate(
            "http.header_name_invalid",
            tr(
                "headers[{i}] has the name {name}, which holds characters a header name may not "
                "contain (spaces, colons, control characters) or is empty.",
                i=i,
                name=repr(name),
            ),
            event=seq,
        )
        raise Invalid(f"Illegal header name {name!r}.")
    if name != name.lower():
        rec.violate(
            "http.header_name_uppercase",
            tr(
                "headers[{i}] is named {name}; ASGI header names must be lower-case ({lower}). "
                "Servers lower-case it for you.",
                i=i,
                name=repr(name),
                lower=repr(name.lower()),
            ),
            event=seq,
        )
    return name.lower()


def _check_value(name: bytes, value: bytes, i: int, rec: Recorder, seq: int) -> bytes:
    if b"\r" in value or b"\n" in value:
        rec.violate(
            "http.header_value_crlf",
            tr(
                "The {name} header's value {value} contains a line break; on the wire that would "
                "start a new header line the app never meant to send.",
                name=name.decode("latin-1"),
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"Illegal header value {value!r}.")
    if CONTROL.search(value):
        rec.violate(
            "http.header_value_control",
            tr(
                "The {name} header's value {value} contains a control character.",
                name=name.decode("latin-1"),
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"Illegal header value {value!r}.")
    if value != value.strip(b" \t"):
        rec.violate(
            "http.header_value_whitespace",
            tr(
                "The {name} header's value {value} starts or ends with whitespace; h11 (uvicorn's "
                "HTTP library) refuses it.",
                name=name.decode("latin-1"),
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"Illegal header value {value!r}.")
    return value
