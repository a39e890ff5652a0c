"""What a careful WSGI server checks when the app calls ``start_response``.

PEP 3333 asks servers to check headers "at the time start_response is called,
so that an error can be raised while the application is still running".
``check_start`` records a violation for every problem it finds and says which
one is fatal: for those the server raises ``AssertionError`` into the app, as
wsgiref does (a value it cannot put on the wire, or a hop-by-hop header). The
rest (no Content-Type, an unregistered code...) are reported and sent as given.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.wsgi_status import CONTROL, Checked, a_type, check_status

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Headers with a single value: a second copy is ambiguous (RFC 9110 section 5.3).
SINGLETONS = frozenset(
    {"content-type", "content-length", "location", "etag", "last-modified", "date", "expires"}
)
NO_BODY = frozenset({204, 304})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CRLF_NUL = re.compile(r"[\r\n\x00]")


def check_start(status: Any, headers: Any, rec: Recorder, seq: int) -> Checked:
    out = Checked()
    check_status(status, out, rec, seq)
    _headers(headers, out, rec, seq)
    names = {name.lower() for name, _ in out.headers}
    code = out.code
    if code is not None and out.fatal is None:
        if code >= 200 and code not in NO_BODY and "content-type" not in names:
            rec.violate(
                "wsgi.headers.no_content_type",
                tr(
                    "Your app sent a {code} response without a Content-Type header; the browser "
                    "has to guess what the body is.",
                    code=code,
                ),
                event=seq,
            )
        if code in NO_BODY and "content-type" in names:
            rec.violate(
                "wsgi.headers.content_type_no_body",
                tr(
                    "Your app sent Content-Type with a {code} response, which has no body.",
                    code=code,
                ),
                event=seq,
            )
        _semantics(code, names, rec, seq)
        if (code < 200 or code == 204) and "content-length" in names:
            rec.violate(
                "wsgi.body.not_allowed",
                tr(
                    "Your app sent Content-Length with a {code} response; HTTP forbids it there, "
                    "because such a response never has a body.",
                    code=code,
                ),
                event=seq,
            )
    return out


# Headers a status needs, per RFC 9110: the rule, and the header's name.
_NEEDS = {
    **dict.fromkeys((301, 302, 303, 307, 308), ("wsgi.headers.location_missing", "Location")),
    401: ("wsgi.headers.www_authenticate_missing", "WWW-Authenticate"),
    405: ("wsgi.headers.allow_missing", "Allow"),
}


def _semantics(code: int, names: set[str], rec: Recorder, seq: int) -> None:
    need = _NEEDS.get(code)
    if need is not None and need[1].lower() not in names:
        rule, header = need
        text = tr(
            "Your app sent a {code} response with no {header} header.", code=code, header=header
        )
        rec.violate(rule, text, event=seq)
    if "cookie" in names:
        rec.violate(
            "wsgi.headers.cookie_in_response",
            tr("Your app sent a Cookie header in its response; browsers only act on Set-Cookie."),
            event=seq,
        )


def _headers(headers: Any, out: Checked, rec: Recorder, seq: int) -> None:
    if type(headers) is not list:
        kind = type(headers).__name__
        rec.violate(
            "wsgi.headers.not_list",
            tr(
                "Your app passed the headers as a {kind} ({headers}); they must be a list of "
                "(name, value) tuples.",
                kind=kind,
                headers=short_repr(headers, 80),
            ),
            event=seq,
        )
        out.fail(f"Headers must be a list of (name, value) tuples, not a {kind}")
        return
    seen: set[str] = set()
    warned_tuple = False
    for item in headers:
        if not isinstance(item, tuple | list) or len(item) != 2:
            rec.violate(
                "wsgi.headers.item_shape",
                tr(
                    "Your app passed the header {item}; each header must be a (name, value) pair.",
                    item=short_repr(item, 80),
                ),
                event=seq,
            )
            out.fail(f"Header must be a (name, value) tuple: {short_repr(item, 80)}")
            continue
        if type(item) is not tuple and not warned_tuple:
            warned_tuple = True
            rec.violate(
                "wsgi.headers.item_not_tuple",
                tr(
                    "Your app passed the header {item} as a {item_type}; WSGI headers are tuples.",
                    item=short_repr(item, 80),
                    item_type=type(item).__name__,
                ),
                event=seq,
            )
        name, value = item
        if _header(name, value, out, rec, seq):
            lower = name.lower()
            if lower in SINGLETONS and lower in seen:
                rec.violate(
                    "wsgi.headers.duplicate",
                    tr(
                        "Your app sent {name} more than once; the client cannot know which value "
                        "holds.",
                        name=name,
                    ),
                    event=seq,
                )
            seen.add(lower)
            out.headers.append((name, value))


def _header(name: Any, value: Any, out: Checked, rec: Recorder, seq: int) -> bool:
    """Check one header; True if it can go on the wire."""
    pair = short_repr((name, value), 100)
    if type(name) is not str:
        rec.violate(
            "wsgi.headers.name_not_str",
            tr(
                "Your app passed the header {pair}: its name is {name_type}, not a str.",
                pair=pair,
                name_type=a_type(name),
            ),
            event=seq,
        )
        out.fail(f"Header name must be of type str (got {short_repr(name, 60)})")
        return False
    if type(value) is not str:
        rec.violate(
            "wsgi.headers.value_not_str",
            tr(
                "Your app passed the header {pair}: its value is {value_type}, not a str. wsgiref "
                "stops with 'Header value must be of type str'.",
                pair=pair,
                value_type=a_type(value),
            ),
            event=seq,
        )
        out.fail(f"Header value must be of type str (got {short_repr(value, 60)})")
        return False
    ok = True
    if any(ord(c) > 255 for c in name + value):
        rec.violate(
            "wsgi.headers.not_latin1",
            tr(
                "Your app passed the header {pair}, which has characters outside latin-1; wsgiref "
                "fails with UnicodeEncodeError when it sends it.",
                pair=pair,
            ),
            event=seq,
        )
        out.fail(f"Header is not latin-1: {pair}")
        ok = False
    elif not _TOKEN.fullmatch(name):
        rec.violate(
            "wsgi.headers.bad_name",
            tr(
                "Your app passed the header name {name}, which is not a valid HTTP field name (no "
                "spaces, colons or control characters).",
                name=repr(name),
            ),
            event=seq,
        )
        out.fail(f"Bad header name: {name!r}")
        ok = False
    if _CRLF_NUL.search(value):
        rec.violate(
            "wsgi.headers.value_crlf",
            tr(
                "Your app passed the header {pair}. Its CR/LF would end the header line and start "
                "a new one on the wire: header injection. This server refused it, as gunicorn "
                "does; wsgiref would have sent it as is.",
                pair=pair,
            ),
            event=seq,
        )
        out.fail(f"Header value contains CR, LF or NUL: {pair}")
        ok = False
    elif CONTROL.search(value):
        rec.violate(
            "wsgi.headers.value_control_char",
            tr(
                "Your app passed the header {pair}, whose value holds a control character.",
                pair=pair,
            ),
            event=seq,
        )
    if value != value.strip(" \t"):
        rec.violate(
            "wsgi.headers.value_whitespace",
            tr(
                "Your app passed the header {pair}, whose value starts or ends with whitespace; "
                "gunicorn strips it, stricter servers (h11) refuse the response.",
                pair=pair,
            ),
            event=seq,
        )
    return ok and _header_meaning(name, value, out, rec, seq)


def _header_meaning(name: str, value: str, out: Checked, rec: Recorder, seq: int) -> bool:
    lower = name.lower()
    if lower in HOP_BY_HOP:
        rec.violate(
            "wsgi.headers.hop_by_hop",
            tr(
                "Your app set '{name}: {value}'. {name} is a hop-by-hop header that only the "
                "server may send; wsgiref raises an AssertionError, gunicorn silently drops it.",
                name=name,
                value=value,
            ),
            event=seq,
        )
        out.fail(f"Hop-by-hop header, '{name}: {value}', not allowed")
        return False
    if lower == "status":
        rec.violate(
            "wsgi.headers.status_header",
            tr(
                "Your app sent a header 'Status: {value}'; WSGI takes the status only from "
                "start_response's first argument.",
                value=value,
            ),
            event=seq,
        )
    if lower == "content-length":
        stripped = value.strip()
        if not (stripped.isascii() and stripped.isdigit()):
            rec.violate(
                "wsgi.headers.bad_content_length",
                tr(
                    "Your app sent 'Content-Length: {value}'; it must be a whole number of bytes "
                    "such as '5'.",
                    value=value,
                ),
                event=seq,
            )
            out.fail(f"Invalid Content-Length: {value!r}")
            return False
        out.content_length = int(stripped)
    return True
