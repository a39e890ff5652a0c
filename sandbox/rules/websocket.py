"""WebSocket rules, part 1: the handshake, the order of messages, how a connection ends.

Part 2 (the keys of each message, close codes, the denial extension) is in
``websocket_messages``, imported at the end of this module.
"""

from __future__ import annotations

from sandbox.rules import ASGI_WWW, define

HANDSHAKE = ASGI_WWW + "#connect-receive-event"
SCOPE = ASGI_WWW + "#websocket-connection-scope"

define(
    "websocket.send_before_accept",
    "error",
    "websocket.send before the connection was accepted",
    why="The client's handshake is still waiting for an answer: the spec says websocket.connect "
    "'must be responded to with either an Accept message or a Close message' before any data "
    "flows. uvicorn raises 'Expected ASGI message websocket.accept, ...' and answers HTTP 500.",
    fix="Receive websocket.connect, then `await send({'type': 'websocket.accept'})`, and only "
    "then send data.",
    spec=HANDSHAKE,
)
define(
    "websocket.accept_without_connect",
    "warning",
    "Accepted before receiving websocket.connect",
    why="The server queues websocket.connect as the first message. If you accept without "
    "reading it, it is still waiting, and your next receive() returns it instead of the "
    "client's first message (code expecting 'text' then fails).",
    fix="Start with `message = await receive()` (websocket.connect), then accept.",
    spec=HANDSHAKE,
)
define(
    "websocket.receive_before_accept",
    "error",
    "Waiting for a message before answering the handshake",
    why="Until the app accepts, the handshake is not complete and the client cannot send a "
    "single frame. A receive() here waits for something that cannot come: the connection "
    "hangs until the client gives up.",
    fix="After websocket.connect, send websocket.accept (or websocket.close) before calling "
    "receive() again.",
    spec=HANDSHAKE,
)
define(
    "websocket.accept_twice",
    "error",
    "websocket.accept sent twice",
    why="The handshake happens once; after it the connection only carries data and close "
    "frames. uvicorn raises 'Expected ASGI message websocket.send or websocket.close, but got "
    "websocket.accept'.",
    fix="Accept once, at the start; keep a flag or restructure so the accept is not repeated "
    "inside your message loop.",
    spec=ASGI_WWW + "#accept-send-event",
)
define(
    "websocket.close_before_accept_code",
    "warning",
    "Close code or reason given before accepting is never seen",
    why="websocket.close before accept makes the server refuse the handshake with HTTP 403; "
    "no WebSocket exists yet, so no close frame carries your code or reason (browsers report "
    "1006).",
    fix="To refuse, send `{'type': 'websocket.close'}` alone; to explain why, use the "
    "websocket.http.response extension, or accept first and then close with the code.",
    spec=ASGI_WWW + "#close-send-event",
)
define(
    "websocket.message_after_close",
    "error",
    "Message sent after the app ended the connection",
    why="After websocket.close (or a 403 or denial response) the connection is finished; the "
    "server cannot send anything more. uvicorn raises 'Unexpected ASGI message ... after "
    "sending websocket.close', or ClientDisconnected once the socket is gone.",
    fix="Make websocket.close the last thing you send, then return.",
    spec=ASGI_WWW + "#close-send-event",
)
define(
    "websocket.send_after_disconnect",
    "error",
    "Sent a message after receiving websocket.disconnect",
    why="websocket.disconnect means the connection is gone. Since spec 2.4, send() on a "
    "closed connection raises an OSError subclass (uvicorn's ClientDisconnected).",
    fix="When receive() returns websocket.disconnect, stop: clean up and return without "
    "sending (not even websocket.close).",
    spec=ASGI_WWW + "#disconnected-client-send-exception",
)
define(
    "websocket.receive_after_disconnect",
    "error",
    "receive() called again after websocket.disconnect",
    why="After websocket.disconnect nothing else will ever arrive; in uvicorn the call waits "
    "forever and the app never ends.",
    fix="Leave your receive loop when the message type is 'websocket.disconnect'.",
    spec=ASGI_WWW + "#disconnect-receive-event-ws",
)
define(
    "websocket.disconnect_not_handled",
    "error",
    "websocket.disconnect treated like a data message",
    why="receive() returns websocket.disconnect when the client leaves. It has 'code' and "
    "'reason', no 'text' or 'bytes', so code that reads message['text'] fails with a "
    "KeyError at the end of every conversation.",
    fix="Check the type first: `if message['type'] == 'websocket.disconnect': break`.",
    spec=ASGI_WWW + "#disconnect-receive-event-ws",
)
define(
    "websocket.receive_key_assumed",
    "error",
    "Read message['text'] (or ['bytes']) that the message does not have",
    why="A websocket.receive holds exactly one non-None of 'text' or 'bytes', and a server "
    "may leave the other key out (uvicorn does): a binary message has no 'text' key.",
    fix="Use `message.get('text')` and `message.get('bytes')` and handle both cases.",
    spec=ASGI_WWW + "#receive-receive-event",
)
define(
    "websocket.return_before_accept",
    "error",
    "App returned without answering the handshake",
    why="The server must not complete the handshake until the app replies; an app that ends "
    "without accept or close leaves it nothing to say, so uvicorn logs 'ASGI callable "
    "returned without completing handshake.' and sends HTTP 500.",
    fix="Send websocket.accept to take the connection or websocket.close to refuse it "
    "(HTTP 403) before returning.",
    spec=HANDSHAKE,
)
define(
    "websocket.exception_before_accept",
    "error",
    "Exception before the handshake was answered",
    why="The server catches what escapes the app; before the handshake is answered it can "
    "still reply with HTTP 500, which the browser reports as a failed WebSocket.",
    fix="Fix the exception (see the traceback), or catch it and send websocket.close.",
    spec=HANDSHAKE,
)
define(
    "websocket.return_without_close",
    "warning",
    "App returned while the connection was open",
    why="'If the application dies the socket should be closed': the server drops the TCP "
    "connection without a close frame, so the client sees code 1006 (abnormal closure) "
    "instead of a clean close.",
    fix="Send `{'type': 'websocket.close', 'code': 1000}` before returning, or return after "
    "receiving websocket.disconnect.",
    spec=SCOPE,
)
define(
    "websocket.exception_after_accept",
    "error",
    "Exception while the connection was open",
    why="The connection lives as long as the app: when it crashes, the server drops the "
    "socket and the client sees code 1006 with no reason.",
    fix="Fix the exception; for expected failures catch them and send websocket.close with "
    "a code such as 1011 (internal error) and a short reason.",
    spec=SCOPE,
)
define(
    "websocket.unknown_message_type",
    "error",
    "Message type the WebSocket protocol does not have",
    why="A WebSocket app may send only websocket.accept, websocket.send, websocket.close and "
    "the websocket.http.response.* messages; servers raise on anything else.",
    fix="Check the spelling against the spec; for data it is 'websocket.send'.",
    spec=ASGI_WWW + "#websocket",
)
define(
    "websocket.other_protocol_message",
    "error",
    "HTTP or lifespan message sent on a WebSocket connection",
    why="Each scope type has its own messages. An app that answers every scope with "
    "http.response.start has not checked scope['type']; on a WebSocket the server expects "
    "websocket.* messages.",
    fix="Branch on `scope['type']` and handle 'websocket' with websocket.* messages (to answer "
    "a WebSocket with plain HTTP, use websocket.http.response.start).",
    spec=ASGI_WWW + "#websocket",
)
define(
    "websocket.receive_message_sent",
    "error",
    "App sent a message that only the server sends",
    why="websocket.connect, websocket.receive and websocket.disconnect travel from the server "
    "to the app (through receive()). The app's own messages are websocket.accept, "
    "websocket.send and websocket.close.",
    fix="To send data to the client use `{'type': 'websocket.send', 'text': ...}`.",
    spec=ASGI_WWW + "#websocket",
)

from sandbox.rules import websocket_messages  # noqa: E402, F401  (part 2 of this family)
