"""Rules of the ASGI HTTP sub-specification: message order, keys and types, the connection.

Header rules live in ``http_headers`` (imported at the end, so ``all_rules``
sees them). Anchors are the section ids of asgi.readthedocs.io's rendering of
``specs/www.rst`` (version 2.5).
"""

from __future__ import annotations

from sandbox.rules import ASGI_MAIN, ASGI_WWW, define

START = ASGI_WWW + "#response-start-send-event"
BODY = ASGI_WWW + "#response-body-send-event"
ERRORS = ASGI_MAIN + "#error-handling"
RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"

# --- message order -----------------------------------------------------------------
define(
    "http.body_before_start",
    "error",
    "Response body sent before http.response.start",
    why="The status line and headers go first on the wire, so the first message of every "
    "response must be http.response.start; the server has nothing to put before the body.",
    fix="Send `{'type': 'http.response.start', 'status': 200, 'headers': [...]}` first, "
    "then the http.response.body messages.",
    spec=START,
)
define(
    "http.start_twice",
    "error",
    "http.response.start sent twice",
    why="A response has exactly one status line and one header block; once the start has "
    "been sent the server expects only body messages.",
    fix="Decide the status and headers before sending; send http.response.start once.",
    spec=START,
)
define(
    "http.send_after_complete",
    "error",
    "Message sent after the response was complete",
    why="A body message with more_body False (or without more_body) completes the response; "
    "'any further messages on the channel will be ignored' and servers raise.",
    fix="Set `'more_body': True` on every body message except the last, and send nothing "
    "after the last one.",
    spec=BODY,
)
define(
    "http.return_without_response",
    "error",
    "App returned without starting a response",
    why="Every HTTP request needs a response. When the app returns without sending "
    "http.response.start, the server has to answer for it with a 500.",
    fix="Send http.response.start and at least one http.response.body before returning, "
    "on every code path (check your if/else branches).",
    spec=START,
)
define(
    "http.return_incomplete",
    "error",
    "App returned before the final body message",
    why="The response is only complete after a body message with more_body False. If the "
    "app returns first, the server can only close the connection and the client sees a "
    "cut-off response.",
    fix="End every response with `{'type': 'http.response.body', 'body': ..., "
    "'more_body': False}` (more_body False is the default).",
    spec=BODY,
)
define(
    "http.exception_before_start",
    "error",
    "Exception before the response started",
    why="An exception that escapes the app ends the request. Nothing has been sent yet, so "
    "the server answers 500 Internal Server Error for the app, as uvicorn does.",
    fix="Fix the exception shown in the traceback, or catch it and send an error response "
    "yourself (for example a 400 for bad input).",
    spec=ASGI_MAIN + "#error-handling",
)
define(
    "http.exception_after_start",
    "error",
    "Exception after the response started",
    why="The status and headers are already on the wire, so the server cannot turn the "
    "response into a 500 any more; it closes the connection and the client gets a "
    "truncated response.",
    fix="Compute everything that can fail before sending http.response.start, or catch the "
    "exception and finish the body.",
    spec=ASGI_MAIN + "#error-handling",
)
define(
    "http.send_after_disconnect",
    "warning",
    "App kept sending after the client disconnected",
    why="Since HTTP spec 2.4, send() on a closed connection raises an OSError subclass, and "
    "receive() returns http.disconnect. Both mean nobody is listening: carrying on only "
    "wastes work (a stream that never ends).",
    fix="Stop when receive() gives http.disconnect; in a stream, catch OSError around "
    "send(), clean up and return.",
    spec=ASGI_WWW + "#disconnected-client-send-exception",
)

# --- message types -------------------------------------------------------------------
define(
    "http.unknown_message_type",
    "error",
    "Unknown message type on an HTTP connection",
    why="An app may only send http.response.start and http.response.body (plus extension "
    "messages the server offers). Servers raise on any other type.",
    fix="Check the spelling: 'http.response.start' and 'http.response.body'.",
    spec=ERRORS,
)
define(
    "http.receive_type_sent",
    "error",
    "App sent a message that only the server sends",
    why="http.request and http.disconnect travel from the server to the app, through "
    "receive(); the app cannot send them.",
    fix="Use `await receive()` to get the request body; answer with http.response.start "
    "and http.response.body.",
    spec=ASGI_WWW + "#request-receive-event",
)
define(
    "http.wrong_protocol_message",
    "error",
    "WebSocket or lifespan message on an HTTP connection",
    why="Message types are namespaced by protocol and must match scope['type']. An HTTP "
    "connection understands only http.* messages.",
    fix="Check scope['type'] first and handle 'http', 'websocket' and 'lifespan' in "
    "separate branches.",
    spec=ASGI_MAIN + "#events",
)
define(
    "http.extension_not_offered",
    "error",
    "Extension message sent, but the server does not offer that extension",
    why="Extension messages (trailers, server push, path send, early hints...) may only be "
    "sent when the server lists the extension in scope['extensions']. This server, like "
    "uvicorn, offers none.",
    fix="Check `'http.response.trailers' in scope.get('extensions', {})` (or the extension "
    "you need) before sending its messages.",
    spec="https://asgi.readthedocs.io/en/latest/extensions.html#extensions",
)
define(
    "http.unknown_key",
    "warning",
    "Message has a key the spec does not define",
    why="Servers ignore keys they do not know, so a misspelt key ('status_code', "
    "'more-body') silently has no effect.",
    fix="Use the keys the spec lists for that message; the message names the closest one.",
    spec=START,
)

# --- http.response.start keys --------------------------------------------------------
define(
    "http.status_missing",
    "error",
    "http.response.start has no status",
    why="'status' is the one required key of http.response.start: the server cannot write "
    "a status line without it.",
    fix="Add `'status': 200` (or the code you mean).",
    spec=START,
)
define(
    "http.status_not_int",
    "error",
    "Status is not an int",
    why="ASGI's status is the integer code alone; the reason phrase ('OK') is the server's "
    "job. WSGI's '200 OK' string does not work here.",
    fix="Write `'status': 200`, not `'status': '200 OK'` or `'status': '200'`.",
    spec=START,
)
define(
    "http.status_out_of_range",
    "error",
    "Status is not an HTTP status code",
    why="HTTP status codes are three-digit numbers from 100 to 599; clients cannot "
    "interpret anything else.",
    fix="Use a real status code: 200, 201, 204, 301, 400, 404, 500...",
    spec=RFC9110 + "#section-15",
)
define(
    "http.status_informational",
    "error",
    "Informational (1xx) status sent as the response",
    why="1xx statuses are interim responses (100 Continue, 103 Early Hints) that the "
    "server manages itself; http.response.start starts the final response, which must be "
    "2xx-5xx. uvicorn's h11 refuses it.",
    fix="Send the final status (200, 204, ...). The server sends 100 Continue on its own.",
    spec=RFC9110 + "#section-15.2",
)
define(
    "http.trailers_not_bool",
    "warning",
    "trailers is not a bool",
    why="'trailers' tells the server whether an http.response.trailers message will "
    "follow; it is True or False.",
    fix="Leave 'trailers' out (it defaults to False) or set it to True/False.",
    spec=START,
)
define(
    "http.trailers_not_offered",
    "warning",
    "trailers=True, but the server does not offer trailers",
    why="Trailers are an extension: only when scope['extensions'] contains "
    "'http.response.trailers' will the server wait for them. Otherwise the flag is "
    "ignored and the response ends with the last body.",
    fix="Check `'http.response.trailers' in scope.get('extensions', {})` before setting "
    "trailers=True.",
    spec="https://asgi.readthedocs.io/en/latest/extensions.html#http-trailers",
)

# --- http.response.body keys ---------------------------------------------------------
define(
    "http.body_str",
    "error",
    "Response body is a str",
    why="HTTP sends bytes; the body key is a byte string so the app decides the encoding "
    "(and says so in content-type). Servers raise on str.",
    fix="Send `b'Hello'` or `text.encode('utf-8')`, with "
    "`[b'content-type', b'text/plain; charset=utf-8']`.",
    spec=BODY,
)
define(
    "http.body_not_bytes",
    "error",
    "Response body is not bytes",
    why="The body key holds a byte string; dicts, numbers and None cannot go on the wire "
    "as they are.",
    fix="Serialise first: `json.dumps(data).encode()`, `str(n).encode()`, or `b''` for "
    "an empty body.",
    spec=BODY,
)
define(
    "http.more_body_not_bool",
    "error",
    "more_body is not a bool",
    why="The server treats more_body as true or false; a string such as 'false' is truthy, "
    "so the response would never end.",
    fix="Write `'more_body': True` or `'more_body': False` (Python booleans).",
    spec=BODY,
)
define(
    "http.body_forbidden_for_status",
    "error",
    "Body sent with 204 or 304",
    why="204 No Content and 304 Not Modified responses never have a body; the client stops "
    "reading after the headers, so extra bytes would corrupt the next response on the "
    "connection. uvicorn's h11 refuses them.",
    fix="Send `'body': b''` for 204 and 304, or use 200 if there is content.",
    spec=RFC9110 + "#section-15.3.5",
)
define(
    "http.body_longer_than_content_length",
    "error",
    "Body longer than its Content-Length",
    why="The client reads exactly content-length bytes; anything more would be taken as "
    "the start of the next response. Servers refuse to send it and close the connection.",
    fix="Compute the header from the encoded body: `str(len(body)).encode()`, or leave "
    "content-length out and let the server frame the body.",
    spec=RFC9110 + "#section-8.6",
)
define(
    "http.body_shorter_than_content_length",
    "error",
    "Body shorter than its Content-Length",
    why="The client waits for the number of bytes content-length promised; if the body "
    "ends early the server has to close the connection and the client sees an error.",
    fix="Measure the bytes, not the characters: `len(text.encode())`, or leave content-length out.",
    spec=RFC9110 + "#section-8.6",
)
define(
    "http.content_type_missing",
    "warning",
    "Response body without content-type",
    why="Without content-type the browser guesses (content sniffing), which can show JSON "
    "as a download or text as HTML.",
    fix="Add `[b'content-type', b'text/plain; charset=utf-8']` (or application/json, "
    "text/html; charset=utf-8, ...).",
    spec=RFC9110 + "#section-8.3",
)

from sandbox.rules import http_headers  # noqa: E402,F401  (defines the header rules)
