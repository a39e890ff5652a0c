"""What response headers mean: framing fields the server owns, and HTTP's own MUSTs.

``check_semantics`` runs on headers that already passed ``parse_headers``.
Content-Length problems are fatal (h11 raises ``LocalProtocolError`` and
uvicorn passes it into the app), everything else is a warning: the response
still goes out, but a client or a proxy may misread it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.asgi_http_headers import HOP_BY_HOP, REDIRECTS, SINGLETONS, Headers, Invalid
from sandbox.i18n import tr
from sandbox.recorder import Recorder


@dataclass
class Framing:
    headers: Headers  # what goes on the wire (Transfer-Encoding from the app removed)
    content_length: int | None


def check_semantics(headers: Headers, status: int, rec: Recorder, seq: int) -> Framing:
    names = [k for k, _ in headers]
    kept: Headers = []
    for name, value in headers:
        if name == b"transfer-encoding":
            rec.violate(
                "http.transfer_encoding_set",
                tr(
                    "The app set transfer-encoding: {value}. The server ignores it and frames the "
                    "body itself.",
                    value=value.decode("latin-1"),
                ),
                event=seq,
            )
            continue
        if name in HOP_BY_HOP and not (name == b"connection" and value.lower() == b"close"):
            rec.violate(
                "http.header_hop_by_hop",
                tr(
                    "The app set {name}: {value}, a header about the connection itself, which the "
                    "server manages.",
                    name=name.decode(),
                    value=value.decode("latin-1"),
                ),
                event=seq,
            )
        kept.append((name, value))
    length = _content_length(headers, status, rec, seq)
    for single in SINGLETONS:
        if names.count(single) > 1:
            rec.violate(
                "http.header_duplicate",
                tr(
                    "The response has {count} {single} headers; a client keeps only one of them, "
                    "and which one is not defined.",
                    count=names.count(single),
                    single=single.decode(),
                ),
                event=seq,
            )
    _status_needs(headers, status, rec, seq)
    return Framing(kept, length)


def _content_length(headers: Headers, status: int, rec: Recorder, seq: int) -> int | None:
    values = {v.strip() for k, v in headers if k == b"content-length"}
    if not values:
        return None
    if len(values) > 1:
        shown = ", ".join(sorted(v.decode("latin-1") for v in values))
        rec.violate(
            "http.content_length_duplicate",
            tr("The response has several different content-length headers ({shown}).", shown=shown),
            event=seq,
        )
        raise Invalid("conflicting Content-Length headers")
    value = values.pop()
    if not value.isdigit():
        rec.violate(
            "http.content_length_invalid",
            tr(
                "content-length is {value}; it must be a whole number of bytes such as b'5'.",
                value=repr(value),
            ),
            event=seq,
        )
        raise Invalid(f"bad Content-Length {value!r}")
    if status < 200 or status == 204:
        rec.violate(
            "http.content_length_forbidden",
            tr(
                "A {status} response may not carry content-length (it has no body at all).",
                status=status,
            ),
            event=seq,
        )
    return int(value)


def _has(headers: Headers, name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _status_needs(headers: Headers, status: int, rec: Recorder, seq: int) -> None:
    if status in REDIRECTS and _has(headers, b"location") is None:
        rec.violate(
            "http.location_missing",
            tr(
                "The app answered {status} (a redirect) without a location header, so the browser "
                "has nowhere to go.",
                status=status,
            ),
            event=seq,
        )
    if status == 401 and _has(headers, b"www-authenticate") is None:
        rec.violate(
            "http.www_authenticate_missing",
            tr("The app answered 401 without a www-authenticate header."),
            event=seq,
        )
    if status == 405 and _has(headers, b"allow") is None:
        rec.violate(
            "http.allow_missing",
            tr("The app answered 405 without an allow header listing the methods it accepts."),
            event=seq,
        )
    origin = _has(headers, b"access-control-allow-origin")
    credentials = _has(headers, b"access-control-allow-credentials")
    if origin == b"*" and credentials is not None and credentials.lower() == b"true":
        rec.violate(
            "http.cors_wildcard_credentials",
            tr(
                "access-control-allow-origin is * while access-control-allow-credentials is true; "
                "browsers reject that combination.",
            ),
            event=seq,
        )
    for name, value in headers:
        if name == b"set-cookie" and _samesite_none_insecure(value):
            rec.violate(
                "http.cookie_samesite_none_insecure",
                tr(
                    "set-cookie: {value} has SameSite=None without Secure; browsers drop such a "
                    "cookie.",
                    value=value.decode("latin-1"),
                ),
                event=seq,
            )
        if any(byte >= 0x80 for byte in value):
            rec.violate(
                "http.header_value_non_ascii",
                tr(
                    "The {name} header's value {value} holds non-ASCII bytes; a browser reads "
                    "them as latin-1, so UTF-8 text shows garbled.",
                    name=name.decode("latin-1"),
                    value=repr(value),
                ),
                event=seq,
            )
    if _has(headers, b"cookie") is not None:
        rec.violate(
            "http.cookie_in_response",
            tr(
                "The response carries a cookie header, which only requests use; browsers ignore "
                "it in a response.",
            ),
            event=seq,
        )


def _samesite_none_insecure(value: bytes) -> bool:
    attrs = [a.strip().lower() for a in value.split(b";")[1:]]
    return b"samesite=none" in attrs and b"secure" not in attrs
