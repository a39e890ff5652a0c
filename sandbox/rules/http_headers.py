"""Rules about the headers of http.response.start: their form and what HTTP makes of them."""

from __future__ import annotations

from sandbox.rules import ASGI_WWW, define

START = ASGI_WWW + "#response-start-send-event"
RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"
RFC9112 = "https://www.rfc-editor.org/rfc/rfc9112.html"

# --- form ---------------------------------------------------------------------------
define(
    "http.headers_dict",
    "error",
    "headers is a dict",
    why="ASGI headers are a list of [name, value] pairs, because a response may repeat a "
    "header (several set-cookie lines) and order matters. Iterating a dict gives only "
    "its keys.",
    fix="Write `'headers': [[b'content-type', b'text/plain']]`, or "
    "`[[k, v] for k, v in d.items()]`.",
    spec=START,
)
define(
    "http.headers_not_iterable",
    "error",
    "headers is not a list of pairs",
    why="'headers' must be an iterable of [name, value] pairs; a single bytes or str "
    "value, a number or None is not.",
    fix="Wrap the pair in a list: `'headers': [[b'content-type', b'text/plain']]`.",
    spec=START,
)
define(
    "http.header_not_pair",
    "error",
    "A header is not a [name, value] pair",
    why="Each header is a two-item list: name then value. A flat list "
    "`[b'content-type', b'text/plain']` or a three-item entry cannot be read.",
    fix="Nest each header in its own list: `[[b'content-type', b'text/plain']]`.",
    spec=START,
)
define(
    "http.header_name_str",
    "error",
    "Header name is a str",
    why="Header names and values are byte strings. The main spec lists 'Unicode strings "
    "for HTTP headers' as an invalid message the server should raise on; uvicorn with "
    "httptools and hypercorn do.",
    fix="Prefix the literal with b: `b'content-type'`, or `.encode('latin-1')`.",
    spec=START,
)
define(
    "http.header_value_str",
    "error",
    "Header value is a str",
    why="Header values are byte strings; servers raise on str (uvicorn with httptools, "
    "hypercorn), so an app that happens to work on plain h11 breaks elsewhere.",
    fix="Use bytes: `b'text/plain'`, or `value.encode('latin-1')` for computed values.",
    spec=START,
)
define(
    "http.header_value_int",
    "error",
    "Header value is an int",
    why="Header values are bytes, even numbers such as content-length; the server will "
    "not convert them.",
    fix="Write `str(len(body)).encode()`.",
    spec=START,
)
define(
    "http.header_not_bytes",
    "error",
    "Header name or value is not bytes",
    why="Header names and values are byte strings; other objects cannot go on the wire.",
    fix="Convert the value to text and encode it: `str(value).encode('latin-1')`.",
    spec=START,
)
define(
    "http.header_name_uppercase",
    "warning",
    "Header name is not lower-case",
    why="'Header names must be lowercased' in ASGI, so apps and middleware can compare "
    "names with ==. Servers lower-case them on the wire anyway.",
    fix="Write names in lower case: `b'content-type'`, not `b'Content-Type'`.",
    spec=START,
)
define(
    "http.header_name_invalid",
    "error",
    "Header name has characters not allowed in a name",
    why="A header name is a token: letters, digits, the symbols `!#$%&'*+-.^_|~` and the "
    "backtick. A space or colon would change how the header line is parsed; servers raise.",
    fix="Use a plain name such as `b'x-request-id'` and put the rest in the value.",
    spec=RFC9110 + "#section-5.1",
)
define(
    "http.header_pseudo",
    "error",
    "Pseudo-header in the response",
    why="Pseudo-headers (':status', ':path'...) belong to HTTP/2's framing and 'must not "
    "be present' in ASGI headers: the server writes them from 'status'.",
    fix="Remove the header; put the status code in 'status'.",
    spec=START,
)
define(
    "http.header_value_crlf",
    "error",
    "Line break in a header value",
    why="CR and LF end a header line, so a value holding them would let data from a "
    "request (a redirect target, a cookie) inject headers or a whole response: HTTP "
    "response splitting. Servers refuse it.",
    fix="Remove or percent-encode line breaks from values you build from user input.",
    spec=RFC9110 + "#section-5.5",
)
define(
    "http.header_value_control",
    "error",
    "Control character in a header value",
    why="Field values may hold visible characters, spaces and tabs only; NUL and other "
    "control characters are rejected by servers and clients.",
    fix="Strip control characters (a tab may stay), or encode the value (base64, "
    "percent-encoding).",
    spec=RFC9110 + "#section-5.5",
)
define(
    "http.header_value_whitespace",
    "error",
    "Header value starts or ends with whitespace",
    why="Leading and trailing whitespace is not part of a field value; h11, uvicorn's "
    "HTTP library, refuses such values outright.",
    fix="`.strip()` the value before encoding it.",
    spec=RFC9110 + "#section-5.5",
)

# --- meaning ------------------------------------------------------------------------
define(
    "http.transfer_encoding_set",
    "warning",
    "App set Transfer-Encoding",
    why="'Servers handle Transfer-Encoding themselves' and must ignore the app's: they "
    "choose chunked framing when there is no content-length. Setting it yourself risks "
    "a body framed twice.",
    fix="Remove the transfer-encoding header; send the body in several http.response.body "
    "messages and the server chunks it.",
    spec=START,
)
define(
    "http.header_hop_by_hop",
    "warning",
    "Connection-level header set by the app",
    why="Connection, Keep-Alive, Proxy-Connection, TE and Upgrade describe one hop of the "
    "connection, which the server manages (and HTTP/2 forbids them).",
    fix="Remove the header; `connection: close` is the one the server honours.",
    spec=RFC9110 + "#section-7.6.1",
)
define(
    "http.content_length_invalid",
    "error",
    "Content-Length is not a number",
    why="content-length is the body's size as decimal digits; servers cannot frame the "
    "body with anything else and raise.",
    fix="Write `str(len(body)).encode()`.",
    spec=RFC9110 + "#section-8.6",
)
define(
    "http.content_length_duplicate",
    "error",
    "Conflicting Content-Length headers",
    why="Two different lengths make the body's end ambiguous, a classic source of request "
    "smuggling; servers refuse such a response.",
    fix="Send content-length once.",
    spec=RFC9112 + "#section-6.3",
)
define(
    "http.content_length_forbidden",
    "warning",
    "Content-Length on a 204 response",
    why="A server must not send content-length in a 204 (No Content) response: there is "
    "no content to measure.",
    fix="Leave content-length out of 204 responses.",
    spec=RFC9110 + "#section-8.6",
)
define(
    "http.header_duplicate",
    "warning",
    "Header that may appear once is repeated",
    why="content-type, location, etag, last-modified and content-range have a single "
    "value; when repeated, clients pick one unpredictably.",
    fix="Send the header once (set-cookie is the header you may repeat).",
    spec=RFC9110 + "#section-5.3",
)
define(
    "http.location_missing",
    "warning",
    "Redirect without Location",
    why="A 301, 302, 303, 307 or 308 response tells the browser to go elsewhere; the "
    "location header says where. Without it the browser shows the (usually empty) body.",
    fix="Add `[b'location', b'/new/path']`.",
    spec=RFC9110 + "#section-10.2.2",
)
define(
    "http.www_authenticate_missing",
    "warning",
    "401 without WWW-Authenticate",
    why="HTTP requires a 401 response to say how to authenticate in www-authenticate; "
    "for 'you are not allowed' use 403.",
    fix="Add `[b'www-authenticate', b'Bearer']` (or Basic realm=...), or answer 403.",
    spec=RFC9110 + "#section-15.5.2",
)
define(
    "http.allow_missing",
    "warning",
    "405 without Allow",
    why="A 405 Method Not Allowed response must list the methods the resource accepts in "
    "an allow header.",
    fix="Add `[b'allow', b'GET, POST']`.",
    spec=RFC9110 + "#section-15.5.6",
)
define(
    "http.cors_wildcard_credentials",
    "warning",
    "CORS: wildcard origin with credentials",
    why="Browsers reject a credentialed cross-origin response whose "
    "access-control-allow-origin is *; the request fails in the browser.",
    fix="Echo the allowed origin (checked against a list) instead of *, and add `vary: origin`.",
    spec="https://fetch.spec.whatwg.org/#cors-protocol-and-credentials",
)
define(
    "http.cookie_in_response",
    "warning",
    "Cookie header in a response",
    why="Cookie is the request header a browser sends back; a server sets cookies with "
    "set-cookie. Browsers ignore cookie in a response.",
    fix="Use `[b'set-cookie', b'visits=3; Path=/; HttpOnly']`.",
    spec="https://www.rfc-editor.org/rfc/rfc6265.html#section-4.1",
)
define(
    "http.header_value_non_ascii",
    "warning",
    "Non-ASCII bytes in a header value",
    why="HTTP header values are historically latin-1; browsers do not decode them as "
    "UTF-8, so 'é' sent as UTF-8 bytes arrives as 'Ã©'.",
    fix="Keep header values ASCII: percent-encode (`urllib.parse.quote`), or for download "
    "names use `filename*=UTF-8''...` (RFC 6266, with RFC 8187's encoding).",
    spec=RFC9110 + "#section-5.5",
)
define(
    "http.cookie_samesite_none_insecure",
    "warning",
    "SameSite=None cookie without Secure",
    why="Browsers only accept a SameSite=None cookie when it is also Secure (sent over "
    "HTTPS only); otherwise they drop it without telling the server.",
    fix="Add `; Secure` (and serve over HTTPS), or use SameSite=Lax.",
    spec="https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value",
)
