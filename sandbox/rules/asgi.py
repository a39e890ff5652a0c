"""Rules from the ASGI main spec that hold for every protocol: the call and message values."""

from __future__ import annotations

from sandbox.rules import ASGI_MAIN, define

define(
    "asgi.legacy_double_callable",
    "warning",
    "App uses the ASGI 2 double-callable style",
    why="ASGI 3.0 apps are one coroutine `app(scope, receive, send)`. The older ASGI 2 form, "
    "`app(scope)` returning `instance(receive, send)`, is only supported by servers "
    "through a compatibility wrapper (asgiref's guarantee_single_callable).",
    fix="Write `async def app(scope, receive, send):` and move the per-connection code into it.",
    spec=ASGI_MAIN + "#legacy-applications",
)
define(
    "asgi.app_not_awaitable",
    "error",
    "Calling the app did not return an awaitable",
    why="The server awaits `app(scope, receive, send)`. A plain `def` runs to its end "
    "and returns a value, so there is nothing to await and no messages can be exchanged.",
    fix="Declare the app with `async def app(scope, receive, send):`.",
    spec=ASGI_MAIN + "#applications",
)
define(
    "asgi.return_value",
    "warning",
    "App returned something other than None",
    why="An ASGI app's coroutine should return None: the response travels through `send()`, "
    "never as a return value, so a returned value is a sign of WSGI habits or a bug.",
    fix="Remove the `return value`; send the response with `await send({...})`.",
    spec=ASGI_MAIN + "#applications",
)
define(
    "asgi.value_type",
    "error",
    "Message holds a value of a type ASGI does not allow",
    why="Messages must be serialisable, so a server can pass them across processes or "
    "languages: only bytes, str, int, float, list, dict (str keys), bool and None.",
    fix="Convert the value first: `str(x)`, `x.encode()`, `list(x)`, or `int(x)`.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.value_tuple",
    "warning",
    "Message holds a tuple where the spec expects a list",
    why="The spec lists the allowed types and tuples are not among them: 'tuples should be "
    "encoded as lists'. Python servers usually accept them, other implementations may not. "
    "The `headers` of response and `websocket.accept` messages are not flagged: the HTTP "
    "& WebSocket spec types them as `Iterable[[byte string, byte string]]`, and tuple "
    "pairs there are common (Starlette sends them).",
    fix="Use a list where you wrote a tuple: `'tags': ('a', 'b')` becomes "
    "`'tags': ['a', 'b']`.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.value_dict_key",
    "error",
    "Message dict has a key that is not a str",
    why="Dicts in ASGI messages may only have unicode string keys, so they map onto JSON-like "
    "formats.",
    fix="Use str keys: `{'type': ...}`, never `{b'type': ...}` or `{1: ...}`.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.value_float_not_finite",
    "error",
    "Message holds NaN or infinity",
    why="Floats in messages must be finite: the spec allows 'Floating point numbers (within "
    "the IEEE 754 double precision range; no Nan or infinities)'.",
    fix="Check the value before sending it, or send it as a string.",
    spec=ASGI_MAIN + "#events",
)

# --- calling send() and receive(), shared by HTTP and WebSocket ---------------------------
define(
    "asgi.message_not_dict",
    "error",
    "send() was given something other than a dict",
    why="Every ASGI message is a dict with a 'type' key; the server looks the type up "
    "before anything else.",
    fix="Pass a dict: `await send({'type': 'http.response.start', 'status': 200})`.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.message_type_missing",
    "error",
    "Message has no 'type' key",
    why="'Each event is a dict with a top-level type key'; without it the server cannot "
    "tell a response start from a body or a WebSocket frame.",
    fix="Add the type, for example `'type': 'http.response.body'`.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.message_type_not_str",
    "error",
    "Message 'type' is not a str",
    why="The type is a unicode string such as 'http.response.start'; bytes or other "
    "objects never match a known type.",
    fix="Write the type as a str literal without the b prefix.",
    spec=ASGI_MAIN + "#events",
)
define(
    "asgi.send_not_awaited",
    "error",
    "send() called without await",
    why="send is an async function: calling it only creates a coroutine. Until it is "
    "awaited nothing is sent, so the message is lost (Python warns 'coroutine was never "
    "awaited').",
    fix="Write `await send({...})`.",
    spec=ASGI_MAIN + "#applications",
)
define(
    "asgi.receive_not_awaited",
    "error",
    "receive() called without await",
    why="receive is an async function: without await you get a coroutine object, not the "
    "message dict, and reading a key of it fails.",
    fix="Write `message = await receive()`.",
    spec=ASGI_MAIN + "#applications",
)
define(
    "asgi.send_after_return",
    "error",
    "Message sent after the app returned",
    why="The app's call is the connection's lifetime: when it returns, the server finishes "
    "the connection. A task that sends later (started with create_task and not awaited) "
    "talks to a connection that is gone.",
    fix="Await the tasks you start before returning (or use asyncio.TaskGroup).",
    spec=ASGI_MAIN + "#applications",
)
