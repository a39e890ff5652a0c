"""The status string an app passes to start_response: what a careful server checks.

Fatal problems (not a str, no 'NNN ' prefix, control or non-latin-1 characters)
make the server raise AssertionError, as wsgiref does; an odd code or
reason phrase is reported and sent as given. ``Checked`` collects the outcome
of one start_response call (see ``wsgi_checks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder

_STATUS = re.compile(r"(\d{3}) ")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHRASES = {s.phrase.lower(): s.value for s in HTTPStatus}


def a_type(value: object) -> str:
    """'an int', 'a str': the value's type with its article, for messages."""
    name = type(value).__name__
    if name[:1].lower() in "aeiou":
        return tr("an {type}", type=name)
    return tr("a {type}", type=name)


def exc_text(exc: BaseException) -> str:
    """str(exc), even when a learner's exception class breaks __str__."""
    try:
        return str(exc)
    except Exception:
        return short_repr(exc, 200)


@dataclass
class Checked:
    """The outcome of one start_response call's checks."""

    code: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_length: int | None = None
    fatal: str | None = None  # the AssertionError message the server raises, if any

    def fail(self, message: str) -> None:
        if self.fatal is None:
            self.fatal = message


def check_status(status: Any, out: Checked, rec: Recorder, seq: int) -> None:
    if type(status) is not str:
        rec.violate(
            "wsgi.status.not_str",
            tr(
                "Your app passed the status {status} ({status_type}). WSGI wants a string such as "
                "'200 OK'.",
                status=short_repr(status, 60),
                status_type=a_type(status),
            ),
            event=seq,
        )
        out.fail(f"Status must be of type str (got {short_repr(status, 60)})")
        return
    if CONTROL.search(status):
        rec.violate(
            "wsgi.status.control_char",
            tr(
                "Your app's status {status} contains a control character; a CR or LF would split "
                "the status line.",
                status=repr(status),
            ),
            event=seq,
        )
        out.fail(f"Status contains a control character: {status!r}")
    if any(ord(c) > 255 for c in status):
        rec.violate(
            "wsgi.status.not_latin1",
            tr(
                "Your app's status {status} has characters outside latin-1; the server cannot "
                "encode it for the wire.",
                status=repr(status),
            ),
            event=seq,
        )
        out.fail(f"Status is not latin-1: {status!r}")
    match = _STATUS.match(status)
    if match is None:
        rec.violate(
            "wsgi.status.format",
            tr(
                "Your app passed the status {status}; it must start with a three-digit code and "
                "one space, like {suggest}.",
                status=repr(status),
                suggest=repr(_suggest(status)),
            ),
            event=seq,
        )
        out.fail(
            f"Status must be a 3-digit code, a space and a reason, like '200 OK' (got {status!r})"
        )
        return
    out.code = code = int(match[1])
    out.reason = reason = status[4:]
    if out.fatal is None and (reason != reason.strip() or status != status.strip()):
        rec.violate(
            "wsgi.status.format",
            tr(
                "Your app's status {status} has extra whitespace; the status is the code, one "
                "space, and the reason phrase, nothing around them.",
                status=repr(status),
            ),
            event=seq,
        )
    _status_code(code, reason.strip(), rec, seq)


def _suggest(status: str) -> str:
    """The status the app probably meant: '404' becomes '404 Not Found'."""
    digits = status.strip()[:3]
    if digits.isdigit() and len(digits) == 3:
        try:
            return f"{digits} {HTTPStatus(int(digits)).phrase}"
        except ValueError:
            pass
    return "200 OK"


def _status_code(code: int, reason: str, rec: Recorder, seq: int) -> None:
    if not 100 <= code <= 599:
        rec.violate(
            "wsgi.status.code_range",
            tr("Your app sent status code {code}; HTTP codes run from 100 to 599.", code=code),
            event=seq,
        )
        return
    if code < 200:
        rec.violate(
            "wsgi.status.informational",
            tr(
                "Your app sent {code} as its response status. A 1xx is interim, so the client "
                "keeps waiting for a final response that never comes.",
                code=code,
            ),
            event=seq,
        )
        return
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        rec.violate(
            "wsgi.status.unknown_code",
            tr(
                "Your app sent status code {code}, which is not registered; clients will treat it "
                "as a generic {klass}xx.",
                code=code,
                klass=code // 100,
            ),
            event=seq,
        )
        return
    other = _PHRASES.get(reason.lower())
    if other is not None and other != code:
        rec.violate(
            "wsgi.status.reason_mismatch",
            tr(
                "Your app sent '{code} {reason}', but '{reason}' is the phrase of {other}; "
                "clients act on the number, so this is a {code} ({phrase}).",
                code=code,
                reason=reason,
                other=other,
                phrase=phrase,
            ),
            event=seq,
        )
