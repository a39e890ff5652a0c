"""wsgi family: the status string passed to start_response (imported by rules.wsgi)."""

from __future__ import annotations

from sandbox.rules import PEP3333, define

START = PEP3333 + "#the-start-response-callable"
RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"

define(
    "wsgi.status.not_str",
    "error",
    "The status is not a str",
    why="WSGI passes the status as a native string such as '200 OK' (code, space, reason "
    "phrase), not a number or bytes. wsgiref rejects anything else with 'Status must be "
    "of type str'.",
    fix="Pass a string: `start_response('200 OK', headers)`; from a number, "
    "`f'{code} {http.HTTPStatus(code).phrase}'`.",
    spec=START,
)
define(
    "wsgi.status.format",
    "error",
    "The status is not 'NNN Reason'",
    why="The status must be a three-digit code, one space and a reason phrase, with no "
    "surrounding whitespace: it is copied into the response's first line "
    "(`HTTP/1.1 200 OK`). wsgiref refuses a status that does not start with three digits "
    "and a space.",
    fix="Write it like `'200 OK'` or `'404 Not Found'`.",
    spec=START,
)
define(
    "wsgi.status.control_char",
    "error",
    "The status contains a control character (CR, LF...)",
    why="The status must not contain control characters, above all no CR or LF: they "
    "would end the status line early and let the rest be read as headers (response "
    "splitting).",
    fix="Use a plain reason phrase; never build the status from request data.",
    spec=START,
)
define(
    "wsgi.status.not_latin1",
    "error",
    "The status has characters outside latin-1",
    why="Statuses and headers are native strings that must hold only code points "
    "U+0000-U+00FF, because the server encodes them with ISO-8859-1 to put them on the "
    "wire; any other character is a fatal error.",
    fix="Use an ASCII reason phrase such as 'OK'.",
    spec=PEP3333 + "#unicode-issues",
)
define(
    "wsgi.status.code_range",
    "error",
    "The status code is outside 100-599",
    why="HTTP status codes are three-digit numbers from 100 to 599. Clients reject "
    "anything else or treat the response as broken.",
    fix="Pick a real status code: 200, 201, 204, 301, 302, 400, 404, 500...",
    spec=RFC9110 + "#section-15",
)
define(
    "wsgi.status.informational",
    "error",
    "The app sent a 1xx status as its response",
    why="1xx responses are interim: the client keeps waiting for the final response. A "
    "WSGI app gets exactly one status per request, so a 1xx leaves the client hanging; "
    "100 Continue is the server's business (PEP 3333, Expect/Continue).",
    fix="Send a final status (2xx-5xx).",
    spec=RFC9110 + "#section-15.2",
)
define(
    "wsgi.status.unknown_code",
    "warning",
    "The status code is not a registered HTTP status",
    why="HTTP allows unregistered codes, but clients only know their class: a 299 is "
    "treated like a 200, a 420 like a 400. A registered code says what you mean.",
    fix="Use the closest registered code (see the list in http.HTTPStatus).",
    spec=RFC9110 + "#section-15",
)
define(
    "wsgi.status.reason_mismatch",
    "warning",
    "The reason phrase belongs to another status code",
    why="Clients act on the number and ignore the reason phrase, so '404 OK' is a 404. A "
    "phrase that names another code misleads whoever reads the response.",
    fix="Use the code's own phrase, e.g. `f'{code} {http.HTTPStatus(code).phrase}'`.",
    spec="https://www.rfc-editor.org/rfc/rfc9112.html#section-4",
)
