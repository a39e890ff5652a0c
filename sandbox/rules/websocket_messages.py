"""WebSocket rules, part 2: the keys of each message, close codes, the denial extension."""

from __future__ import annotations

from sandbox.rules import ASGI_WWW, define

ACCEPT = ASGI_WWW + "#accept-send-event"
SEND = ASGI_WWW + "#send-send-event"
CLOSE = ASGI_WWW + "#close-send-event"
RFC6455 = "https://www.rfc-editor.org/rfc/rfc6455"
DENIAL = "https://asgi.readthedocs.io/en/latest/extensions.html#websocket-denial-response"

# --- websocket.accept -------------------------------------------------------------------

define(
    "websocket.subprotocol_not_offered",
    "error",
    "Accepted with a subprotocol the client did not offer",
    why="The subprotocol must be one of scope['subprotocols']. RFC 6455 tells the client to "
    "fail the connection when the server picks one it never offered, so browsers drop it "
    "right after the handshake.",
    fix="Pick from the offer: `chosen = 'chat' if 'chat' in scope['subprotocols'] else None`, "
    "and accept with `'subprotocol': chosen`.",
    spec=ACCEPT,
)
define(
    "websocket.subprotocol_not_str",
    "error",
    "Accept's subprotocol is not a str",
    why="'subprotocol' is a unicode string or None; the server writes it into the "
    "Sec-WebSocket-Protocol header.",
    fix="Pass one name as a str, e.g. `'subprotocol': 'chat'`, not a list or bytes.",
    spec=ACCEPT,
)
define(
    "websocket.subprotocol_header",
    "error",
    "sec-websocket-protocol set as a header in websocket.accept",
    why="The spec: accept headers 'must not include a header named sec-websocket-protocol; "
    "use the subprotocol key instead'. The server writes that header from 'subprotocol', so "
    "setting it yourself duplicates or contradicts it.",
    fix="Remove the header and pass `'subprotocol': 'name'` in websocket.accept.",
    spec=ACCEPT,
)
define(
    "websocket.accept_handshake_header",
    "warning",
    "websocket.accept sets a handshake header the server writes",
    why="Upgrade, Connection, Sec-WebSocket-Accept and Sec-WebSocket-Extensions belong to "
    "the handshake the server performs; adding them again sends duplicates that strict "
    "clients reject.",
    fix="Only add your own headers (e.g. set-cookie) in websocket.accept's 'headers'.",
    spec=ACCEPT,
)
define(
    "websocket.headers_not_list",
    "error",
    "headers is not a list of [name, value] pairs",
    why="Response headers (in websocket.accept and websocket.http.response.start) are an "
    "iterable of two-item [name, value] iterables.",
    fix="Write `'headers': [[b'set-cookie', b'id=1']]`.",
    spec=ACCEPT,
)
define(
    "websocket.header_not_bytes",
    "error",
    "Header name or value is not bytes",
    why="ASGI headers are byte strings on both sides; uvicorn calls .decode() on them and "
    "fails with AttributeError on a str.",
    fix="Use bytes literals: `[b'x-team', b'blue']`, or `.encode('latin-1')` computed values.",
    spec=ACCEPT,
)
define(
    "websocket.header_name_uppercase",
    "warning",
    "Header name is not lower-case",
    why="'Header names must be lowercased.' uvicorn lower-cases them for you, but other "
    "servers pass them on as given (HTTP/2 forbids upper-case names).",
    fix="Write header names in lower case: b'x-token', not b'X-Token'.",
    spec=ACCEPT,
)
define(
    "websocket.header_name_invalid",
    "error",
    "Header name is not a valid HTTP token",
    why="Header names are HTTP tokens: letters, digits and a few symbols; spaces, colons and "
    "pseudo-headers such as ':status' are not allowed, and servers refuse to write them.",
    fix="Use a plain name such as b'x-room'.",
    spec=ACCEPT,
)
define(
    "websocket.header_value_invalid",
    "error",
    "Header value contains CR, LF or NUL",
    why="A line break in a header value would end the header early and let text be injected "
    "into the response; servers refuse such values (h11: 'Illegal header value').",
    fix="Strip or encode line breaks before putting user data into a header.",
    spec=ACCEPT,
)

# --- websocket.send ---------------------------------------------------------------------

define(
    "websocket.send_both",
    "error",
    "websocket.send has both bytes and text",
    why="'Exactly one of bytes or text must be non-None.' A WebSocket message is either a "
    "text frame or a binary frame; uvicorn silently sends the bytes and drops the text.",
    fix="Send two messages, or set the one you do not mean to None (or leave it out).",
    spec=SEND,
)
define(
    "websocket.send_neither",
    "error",
    "websocket.send has neither bytes nor text",
    why="'Exactly one of bytes or text must be non-None.' With both missing there is no frame "
    "to send. uvicorn's default WebSocket backend (websockets-sansio) sends nothing, without "
    "an error; with `--ws websockets` send() raises TypeError, with `--ws wsproto` "
    "ValueError.",
    fix="Add the content: `{'type': 'websocket.send', 'text': 'hello'}`.",
    spec=SEND,
)
define(
    "websocket.send_text_type",
    "error",
    "websocket.send text is not a str",
    why="'text' is a unicode string sent as a text frame; bytes, numbers or dicts are not "
    "text, and the server fails encoding them.",
    fix="Convert first: `str(n)`, `json.dumps(data)`, or send bytes under 'bytes'.",
    spec=SEND,
)
define(
    "websocket.send_bytes_type",
    "error",
    "websocket.send bytes is not bytes",
    why="'bytes' is a byte string sent as a binary frame; a str belongs under 'text'.",
    fix="Use 'text' for strings, or encode: `'bytes': data.encode()`.",
    spec=SEND,
)

# --- websocket.close --------------------------------------------------------------------

define(
    "websocket.close_code_type",
    "error",
    "Close code is not an int",
    why="'code' is the integer close code of RFC 6455, written as two bytes in the close frame.",
    fix="Use an int such as 1000 (normal) or 4000-4999 (your own codes), not '1000'.",
    spec=CLOSE,
)
define(
    "websocket.close_code_out_of_range",
    "error",
    "Close code outside 1000-4999",
    why="RFC 6455 defines close codes from 1000 to 4999; codes below 1000 are unused and the "
    "WebSocket library refuses them (ProtocolError: invalid status code).",
    fix="Use 1000 for a normal close, 1008 for a policy violation, 1011 for a server error, "
    "or 4000-4999 for codes of your own.",
    spec=RFC6455 + "#section-7.4",
)
define(
    "websocket.close_code_reserved",
    "error",
    "Close code that may not be sent",
    why="1004 is reserved; 1005, 1006 and 1015 only report what happened ('no status', "
    "'abnormal closure', 'TLS failure') and 'MUST NOT be set as a status code in a Close "
    "control frame'; 1016-2999 are unassigned. The WebSocket library refuses them.",
    fix="Use 1000, 1001, 1008, 1011, or a code of your own from 4000-4999.",
    spec=RFC6455 + "#section-7.4.1",
)
define(
    "websocket.close_reason_type",
    "error",
    "Close reason is not a str",
    why="'reason' is a unicode string (or None for none); it is sent UTF-8 encoded in the "
    "close frame.",
    fix="Pass text: `'reason': 'room closed'`.",
    spec=CLOSE,
)
define(
    "websocket.close_reason_too_long",
    "error",
    "Close reason longer than 123 bytes",
    why="A close frame is a control frame, limited to 125 bytes of payload; 2 hold the code, "
    "so the reason gets at most 123 bytes of UTF-8 (fewer characters outside ASCII). The "
    "library refuses longer ones ('control frame too long').",
    fix="Keep the reason short; send details as a normal message before closing.",
    spec=RFC6455 + "#section-5.5",
)

# --- the websocket.http.response denial extension ---------------------------------------

define(
    "websocket.denial_body_before_start",
    "error",
    "websocket.http.response.body before websocket.http.response.start",
    why="A denial response is an HTTP response: status and headers "
    "(websocket.http.response.start) come first, then the body.",
    fix="Send websocket.http.response.start with 'status' and 'headers' first.",
    spec=DENIAL,
)
define(
    "websocket.denial_start_twice",
    "error",
    "websocket.http.response.start sent twice",
    why="Like http.response.start, the denial response starts exactly once; then only body "
    "messages may follow.",
    fix="Send one start, then one or more websocket.http.response.body messages.",
    spec=DENIAL,
)
define(
    "websocket.denial_after_accept",
    "error",
    "Denial response after the connection was accepted",
    why="The denial response replaces the handshake's answer; once websocket.accept has "
    "completed the handshake, no HTTP response can follow.",
    fix="Decide before accepting: deny with websocket.http.response.start or accept, not both.",
    spec=DENIAL,
)
define(
    "websocket.denial_other_message",
    "error",
    "WebSocket message in the middle of a denial response",
    why="'These messages cannot be followed by any other websocket messages as the server "
    "should send a HTTP response and then close the connection.'",
    fix="Finish the denial with websocket.http.response.body (more_body False) and return.",
    spec=DENIAL,
)
define(
    "websocket.denial_incomplete",
    "error",
    "Denial response never finished",
    why="The denial response is complete only with a body message whose more_body is False; "
    "uvicorn buffers it until then, so an app that ends earlier leaves the client with nothing.",
    fix="End with `{'type': 'websocket.http.response.body', 'body': b'...'}` (more_body "
    "defaults to False).",
    spec=DENIAL,
)
define(
    "websocket.denial_status_type",
    "error",
    "Denial status is not an int",
    why="The denial start mirrors http.response.start, whose 'status' is an integer code.",
    fix="Write `'status': 403`, not '403' or '403 Forbidden'.",
    spec=DENIAL,
)
define(
    "websocket.denial_status_invalid",
    "error",
    "Denial status outside 100-599",
    why="HTTP status codes have three digits; uvicorn raises 'Invalid HTTP status code' for "
    "anything else.",
    fix="Use a client error such as 401, 403 or 404.",
    spec=DENIAL,
)
define(
    "websocket.denial_status_success",
    "warning",
    "Denial response with a 1xx or 2xx status",
    why="A denial refuses the WebSocket; a 200 or 101 status claims success while the "
    "handshake still fails, which confuses clients and logs.",
    fix="Use a status that says why: 401 (log in first), 403 (forbidden), 404 (no such room).",
    spec=DENIAL,
)
define(
    "websocket.denial_body_type",
    "error",
    "Denial body is not bytes",
    why="The denial body mirrors http.response.body: a byte string.",
    fix="Encode text: `'body': 'not allowed'.encode()`.",
    spec=DENIAL,
)
define(
    "websocket.denial_more_body_type",
    "warning",
    "Denial more_body is not a bool",
    why="more_body is True or False; the server only tests its truth, so 0, '' or 'no' work "
    "by accident and 'false' means True.",
    fix="Use True or False.",
    spec=DENIAL,
)
