"""wsgi family: the response headers passed to start_response (imported by rules.wsgi)."""

from __future__ import annotations

from sandbox.rules import PEP3333, define

START = PEP3333 + "#the-start-response-callable"
RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"

define(
    "wsgi.headers.not_list",
    "error",
    "The headers are not a list",
    why="response_headers must be a Python list (`type(headers) is list`), so the server "
    "and middleware can change it. wsgiref raises TypeError for a dict or a tuple.",
    fix="Pass a list of (name, value) tuples: `[('Content-Type', 'text/plain')]`; from a "
    "dict, `list(d.items())`.",
    spec=START,
)
define(
    "wsgi.headers.item_not_tuple",
    "warning",
    "A header is not a tuple",
    why="PEP 3333 describes headers as a list of (name, value) tuples and wsgiref.validate "
    "asserts it. Most servers also accept two-item lists, but middleware may not.",
    fix="Write each header as a tuple: `('Content-Type', 'text/plain')`.",
    spec=START,
)
define(
    "wsgi.headers.item_shape",
    "error",
    "A header is not a (name, value) pair",
    why="Each header is exactly two values, the name and the value. A single string "
    "such as 'Content-Type: text/plain' or a 3-tuple cannot be unpacked and the server "
    "fails.",
    fix="Split it into a pair: `('Content-Type', 'text/plain')`.",
    spec=START,
)
define(
    "wsgi.headers.name_not_str",
    "error",
    "A header name is not a str",
    why="Header names are native strings; bytes or other objects are rejected (wsgiref: "
    "'Header name must be of type str').",
    fix="Use str names: `'Content-Type'`, not `b'Content-Type'`.",
    spec=PEP3333 + "#a-note-on-string-types",
)
define(
    "wsgi.headers.value_not_str",
    "error",
    "A header value is not a str",
    why="Header values are native strings. The most common case is "
    "`('Content-Length', len(body))`: an int, which wsgiref rejects with 'Header value "
    "must be of type str'.",
    fix="Convert it: `('Content-Length', str(len(body)))`.",
    spec=PEP3333 + "#a-note-on-string-types",
)
define(
    "wsgi.headers.bad_name",
    "error",
    "A header name is not a valid HTTP field name",
    why="A header name must be an HTTP token: letters, digits, the symbols "
    "`!#$%&'*+-.^_|~` and the backtick, no spaces and no trailing colon (the server adds "
    "': '). gunicorn refuses invalid names; wsgiref sends them and the client cannot parse "
    "the response.",
    fix="Write the bare name, e.g. `'Content-Type'`, not `'Content-Type:'`.",
    spec=START,
)
define(
    "wsgi.headers.value_crlf",
    "error",
    "A header value contains CR, LF or NUL (header injection)",
    why="A value must not contain control characters, and CR/LF end a header line: a "
    "value holding '\\r\\nSet-Cookie: ...' adds a header of the attacker's choosing. "
    "wsgiref passes it to the wire unchanged; gunicorn and uvicorn refuse it. This server "
    "refuses it too.",
    fix="Never copy request data into headers unchecked; strip or reject CR and LF (for "
    "redirects, quote the URL with urllib.parse.quote).",
    spec=START,
)
define(
    "wsgi.headers.value_control_char",
    "error",
    "A header value contains a control character",
    why="PEP 3333: a header value 'must not include any control characters' (characters "
    "below U+0020, and DEL). That includes the tab, which HTTP itself allows in a value: "
    "WSGI is stricter, and wsgiref.validate rejects it too. Clients may reject the "
    "response or cut the value.",
    fix="Remove the control characters from the value, tabs included (write a space "
    "instead of a tab).",
    spec=START,
)
define(
    "wsgi.headers.value_whitespace",
    "warning",
    "A header value starts or ends with whitespace",
    why="Leading and trailing spaces or tabs are not part of an HTTP field value. Servers "
    "disagree on what to do: gunicorn strips them, wsgiref sends them, h11 (uvicorn's "
    "HTTP library) refuses the response.",
    fix="`.strip()` the value: `('X-Name', name.strip())`.",
    spec=RFC9110 + "#section-5.5",
)
define(
    "wsgi.headers.not_latin1",
    "error",
    "A header name or value has characters outside latin-1",
    why="Headers are native strings limited to U+0000-U+00FF, because the server encodes "
    "them with ISO-8859-1; any other character is a fatal error (wsgiref fails with "
    "UnicodeEncodeError when it sends the headers).",
    fix="Percent-encode URLs (urllib.parse.quote), use `filename*=UTF-8''...` for "
    "Content-Disposition (RFC 6266, with RFC 8187's encoding), or keep the text in the body.",
    spec=PEP3333 + "#unicode-issues",
)
define(
    "wsgi.headers.hop_by_hop",
    "error",
    "The app set a hop-by-hop header",
    why="Connection, Keep-Alive, Proxy-Authenticate, Proxy-Authorization, TE, Trailers, "
    "Transfer-Encoding and Upgrade describe one connection, which the server owns; an "
    "app must not set them (a server should treat it as fatal: wsgiref raises "
    "AssertionError, gunicorn silently drops them). Chunking in particular is the "
    "server's job.",
    fix="Remove the header. The server chooses Content-Length or chunked encoding and "
    "keep-alive by itself.",
    spec=PEP3333 + "#other-http-features",
)
define(
    "wsgi.headers.status_header",
    "error",
    "The app sent a 'Status' header",
    why="In CGI a 'Status' header sets the status; in WSGI the status is start_response's "
    "first argument, and a Status header is an error (wsgiref.validate).",
    fix="Put the status in the first argument: `start_response('404 Not Found', headers)`.",
    spec=START,
)
define(
    "wsgi.headers.no_content_type",
    "warning",
    "The response has no Content-Type",
    why="Without Content-Type the browser guesses (content sniffing), which can show HTML "
    "as text or run text as HTML. wsgiref.validate requires it for every status but 204 "
    "and 304; PEP 3333 itself does not.",
    fix="Add one: `('Content-Type', 'text/plain; charset=utf-8')`.",
    spec=RFC9110 + "#section-8.3",
)
define(
    "wsgi.headers.content_type_no_body",
    "warning",
    "A 204 or 304 response has a Content-Type",
    why="204 and 304 responses have no body, so a Content-Type describes nothing "
    "(wsgiref.validate rejects it).",
    fix="Leave Content-Type out of 204 and 304 responses.",
    spec=RFC9110 + "#section-15.3.5",
)
define(
    "wsgi.headers.bad_content_length",
    "error",
    "Content-Length is not a whole number of bytes",
    why="Content-Length is the body's size in bytes: digits only. The server frames the "
    "response with it (gunicorn fails with ValueError on anything else).",
    fix="Use `str(len(body))` with body as bytes; len() of a str counts characters, not bytes.",
    spec=RFC9110 + "#section-8.6",
)
define(
    "wsgi.headers.duplicate",
    "warning",
    "A header that may appear once was sent twice",
    why="Content-Type, Content-Length, Location and similar headers have one value. Sent "
    "twice, clients pick one at random or reject the response (browsers refuse two "
    "different Content-Lengths).",
    fix="Send each of these headers once; build headers in a dict and convert at the end.",
    spec=RFC9110 + "#section-5.3",
)
define(
    "wsgi.headers.location_missing",
    "warning",
    "A redirect has no Location header",
    why="A 301, 302, 303, 307 or 308 response tells the browser to go elsewhere; the "
    "Location header says where. Without it the browser just shows the body.",
    fix="Add the target: `('Location', '/new/path')`.",
    spec=RFC9110 + "#section-10.2.2",
)
define(
    "wsgi.headers.www_authenticate_missing",
    "warning",
    "A 401 response has no WWW-Authenticate header",
    why="HTTP requires a 401 (Unauthorized) to say how to authenticate, in "
    "WWW-Authenticate. For 'logged in but not allowed', the status is 403.",
    fix="Add `('WWW-Authenticate', 'Basic realm=\"tour\"')`, or answer 403 Forbidden.",
    spec=RFC9110 + "#section-15.5.2",
)
define(
    "wsgi.headers.allow_missing",
    "warning",
    "A 405 response has no Allow header",
    why="A 405 (Method Not Allowed) must list the methods the resource does accept, in "
    "an Allow header, so the client knows what to do instead.",
    fix="Add `('Allow', 'GET, POST')`.",
    spec=RFC9110 + "#section-15.5.6",
)
define(
    "wsgi.headers.cookie_in_response",
    "warning",
    "The response has a Cookie header",
    why="Cookie is the request header a browser sends back. A server sets a cookie with "
    "Set-Cookie; browsers ignore Cookie in a response.",
    fix="Use `('Set-Cookie', 'visits=3; Path=/; HttpOnly')`.",
    spec="https://www.rfc-editor.org/rfc/rfc6265.html#section-4.1",
)
