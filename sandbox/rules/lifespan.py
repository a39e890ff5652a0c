"""Lifespan rules: startup and shutdown replies, their order, failures, and ``state``."""

from __future__ import annotations

from sandbox.rules import ASGI_LIFESPAN, define

SCOPE = ASGI_LIFESPAN + "#scope"
STATE = ASGI_LIFESPAN + "#lifespan-state"
STARTUP = ASGI_LIFESPAN + "#startup-complete-send-event"
STARTUP_FAILED = ASGI_LIFESPAN + "#startup-failed-send-event"
SHUTDOWN = ASGI_LIFESPAN + "#shutdown-complete-send-event"
SHUTDOWN_FAILED = ASGI_LIFESPAN + "#shutdown-failed-send-event"
TRANSITION = (
    "uvicorn asserts the order and raises 'AssertionError: Got invalid state "
    "transition on lifespan protocol.'"
)

define(
    "lifespan.startup_exception",
    "error",
    "Exception during startup instead of lifespan.startup.failed",
    why="The spec makes a server that sees an exception on the lifespan scope 'continue but "
    "not send any lifespan events', so a crash in your startup code does not stop the "
    "server: it serves requests without what startup should have prepared. uvicorn's "
    "default mode does exactly that ('ASGI lifespan protocol appears unsupported').",
    fix="Catch the error and send `{'type': 'lifespan.startup.failed', 'message': str(exc)}`; "
    "the server then logs it and exits.",
    spec=SCOPE,
)
define(
    "lifespan.startup_returned",
    "warning",
    "Returned after lifespan.startup without answering",
    why="The server waits for lifespan.startup.complete (or .failed) before serving. Ending "
    "the lifespan call without either leaves it to guess; uvicorn carries on as if startup "
    "had completed, and the shutdown step never reaches your app.",
    fix="Send lifespan.startup.complete, then wait for lifespan.shutdown with receive().",
    spec=STARTUP,
)
define(
    "lifespan.receive_before_startup_reply",
    "error",
    "Waiting for a message before answering lifespan.startup",
    why="The server sends nothing more until startup is answered, and the app waits for the "
    "server: the server never starts serving.",
    fix="Do your startup work, send lifespan.startup.complete, then call receive() for "
    "lifespan.shutdown.",
    spec=STARTUP,
)
define(
    "lifespan.startup_complete_twice",
    "error",
    "lifespan.startup.complete sent twice",
    why="Startup completes once. " + TRANSITION,
    fix="Send lifespan.startup.complete once, after all startup work.",
    spec=STARTUP,
)
define(
    "lifespan.startup_complete_and_failed",
    "error",
    "Startup both completed and failed",
    why="lifespan.startup.complete and lifespan.startup.failed answer the same question; the "
    "app sends exactly one. " + TRANSITION,
    fix="Use if/else (or try/except/else) so only one of the two is sent.",
    spec=STARTUP_FAILED,
)
define(
    "lifespan.startup_reply_unrequested",
    "warning",
    "Startup answered before lifespan.startup was received",
    why="The server queues lifespan.startup first. Answering without reading it leaves it "
    "queued, so the receive() meant for lifespan.shutdown returns lifespan.startup at once "
    "and your shutdown code runs while the server is still serving.",
    fix="Start with `message = await receive()` (lifespan.startup), then answer it.",
    spec=ASGI_LIFESPAN + "#startup-receive-event",
)
define(
    "lifespan.failed_message_not_str",
    "error",
    "The message of a *.failed event is not a str",
    why="'message' is a unicode string the server logs/prints before exiting.",
    fix="Send `'message': str(exc)`.",
    spec=STARTUP_FAILED,
)
define(
    "lifespan.failed_without_message",
    "warning",
    "lifespan.*.failed without a message",
    why="The server 'should log/print the message provided and then exit'; with no message "
    "the log says only that something failed, and whoever runs the server cannot tell what.",
    fix="Add the reason: `{'type': 'lifespan.startup.failed', 'message': 'database unreachable'}`.",
    spec=STARTUP_FAILED,
)
define(
    "lifespan.returned_before_shutdown",
    "warning",
    "Lifespan call ended right after startup",
    why="The lifespan call should live as long as the server: after startup.complete it "
    "waits in receive() for lifespan.shutdown. Returning early means your cleanup code "
    "never runs.",
    fix="After sending lifespan.startup.complete, `await receive()` for lifespan.shutdown, "
    "clean up, send lifespan.shutdown.complete.",
    spec=ASGI_LIFESPAN + "#shutdown-receive-event",
)
define(
    "lifespan.exception_before_shutdown",
    "error",
    "Exception in the lifespan call after startup",
    why="An exception on the lifespan scope ends lifespan for the server: uvicorn then skips "
    "the shutdown step, so your cleanup code never runs.",
    fix="Fix the exception; keep the lifespan call waiting in receive() until lifespan.shutdown.",
    spec=SCOPE,
)
define(
    "lifespan.shutdown_exception",
    "error",
    "Exception during shutdown instead of lifespan.shutdown.failed",
    why="Shutdown errors should be reported with lifespan.shutdown.failed (whose message the "
    "server logs); an escaping exception only tells the server the lifespan call crashed.",
    fix="Catch the error and send `{'type': 'lifespan.shutdown.failed', 'message': str(exc)}`.",
    spec=SHUTDOWN_FAILED,
)
define(
    "lifespan.shutdown_returned",
    "warning",
    "Returned after lifespan.shutdown without answering",
    why="'A server must wait for this message before terminating': lifespan.shutdown.complete "
    "tells it the cleanup is done. Without it the server can only guess.",
    fix="Send `{'type': 'lifespan.shutdown.complete'}` when your cleanup is finished.",
    spec=SHUTDOWN,
)
define(
    "lifespan.shutdown_reply_before_startup",
    "error",
    "Shutdown answered before startup",
    why="Shutdown comes after startup; answering it first breaks the protocol's order. "
    + TRANSITION,
    fix="Answer lifespan.startup first, then wait for lifespan.shutdown.",
    spec=SHUTDOWN,
)
define(
    "lifespan.shutdown_reply_unrequested",
    "warning",
    "Shutdown answered before the server asked",
    why="lifespan.shutdown.complete means 'cleanup finished'; sent while the server is still "
    "serving, it describes cleanup that has not happened (often the sign of a skipped "
    "receive()).",
    fix="Call `await receive()` and send lifespan.shutdown.complete only after "
    "lifespan.shutdown arrives.",
    spec=SHUTDOWN,
)
define(
    "lifespan.shutdown_complete_twice",
    "error",
    "lifespan.shutdown.complete sent twice",
    why="Shutdown completes once. " + TRANSITION,
    fix="Send lifespan.shutdown.complete once, as the last message.",
    spec=SHUTDOWN,
)
define(
    "lifespan.shutdown_complete_and_failed",
    "error",
    "Shutdown both completed and failed",
    why="lifespan.shutdown.complete and lifespan.shutdown.failed answer the same question; "
    "send exactly one. " + TRANSITION,
    fix="Use try/except/else so only one of the two is sent.",
    spec=SHUTDOWN_FAILED,
)
define(
    "lifespan.receive_after_shutdown",
    "error",
    "receive() called again after lifespan.shutdown",
    why="lifespan.shutdown is the last message the server sends; waiting for another one "
    "blocks forever, and the server waits for your shutdown answer in vain.",
    fix="After lifespan.shutdown, clean up, send lifespan.shutdown.complete and return.",
    spec=ASGI_LIFESPAN + "#shutdown-receive-event",
)
define(
    "lifespan.other_protocol_message",
    "error",
    "HTTP or WebSocket message sent on the lifespan scope",
    why="The server calls the app once with scope type 'lifespan' before any request. An app "
    "that answers every call with http.response.start has not checked scope['type']; uvicorn "
    "fails its assertion and runs without lifespan.",
    fix="Branch on scope['type']: handle 'lifespan' (or return at once for it) and 'http' "
    "separately.",
    spec=SCOPE,
)
define(
    "lifespan.receive_message_sent",
    "error",
    "App sent lifespan.startup or lifespan.shutdown",
    why="Those two are what the server sends to the app; the app answers with "
    "'.complete' or '.failed'.",
    fix="Send 'lifespan.startup.complete' (or 'lifespan.shutdown.complete').",
    spec=ASGI_LIFESPAN + "#startup-receive-event",
)
define(
    "lifespan.unknown_message_type",
    "error",
    "Message type the lifespan protocol does not have",
    why="On the lifespan scope the app may send only lifespan.startup.complete, "
    "lifespan.startup.failed, lifespan.shutdown.complete and lifespan.shutdown.failed.",
    fix="Check the spelling against the spec.",
    spec=STARTUP,
)
define(
    "lifespan.state_replaced",
    "error",
    "scope['state'] replaced instead of filled in",
    why="The server created the state dict and copies *that* dict into every request. "
    "`scope['state'] = {...}` only rebinds your scope's key; the server's dict stays empty.",
    fix="Fill the dict you were given: `scope['state']['db'] = db` or "
    "`scope['state'].update(...)`.",
    spec=STATE,
)
define(
    "lifespan.state_request_write",
    "warning",
    "Request changed the top level of scope['state']",
    why="Each request gets a *shallow copy* of the lifespan state: adding, replacing or "
    "deleting a key only changes this request's copy. Objects stored at startup are shared, "
    "so changes inside them are seen by later requests.",
    fix="Store a mutable object at startup (`state['counter'] = {'n': 0}`) and change it "
    "inside (`scope['state']['counter']['n'] += 1`), or keep per-request data elsewhere.",
    spec=STATE,
)
