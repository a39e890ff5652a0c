"""Rules for the wsgi family; see sandbox.rules for the format.

The catalogue follows PEP 3333 through an app's life: the call and what it
returns, ``start_response`` and ``exc_info``, ``write()`` (this module), the
request's streams (``wsgi_streams``), then the status line, headers and body
the app produces (``wsgi_status``, ``wsgi_headers``, ``wsgi_body``).

Severity: "error" where PEP 3333 (or HTTP) says MUST, "warning" for SHOULD
and for practices that work on one server and break on another.
Everything ``wsgiref.validate`` asserts about an app is here; so is what it
misses (second ``start_response`` without ``exc_info``, hop-by-hop headers,
non-latin-1 and CR/LF values, Content-Length mismatches, ``write()`` inside the
iterable, a lying ``len()``, a trapped ``exc_info`` re-raise...).
"""

from __future__ import annotations

from sandbox.rules import PEP3333, define

DETAILS = PEP3333 + "#specification-details"
START = PEP3333 + "#the-start-response-callable"
WRITE = PEP3333 + "#the-write-callable"
ERRORS = PEP3333 + "#error-handling"

# --- the call and its return value -------------------------------------------------------
define(
    "wsgi.app.signature",
    "error",
    "The app cannot be called as app(environ, start_response)",
    why="A WSGI server calls the app with exactly two positional arguments, the environ dict "
    "and the start_response callable. An app with another signature fails before any of "
    "its code runs.",
    fix="Define it as `def app(environ, start_response):` (or give a class an "
    "`__call__(self, environ, start_response)` method).",
    spec=DETAILS,
)
define(
    "wsgi.return.none",
    "error",
    "The app returned None",
    why="The app must return an iterable of bytestrings: the server loops over it to get "
    "the body. A function that ends without `return` returns None, which cannot be "
    "iterated, so the server fails with a 500.",
    fix="End the app with `return [body]`, where body is bytes (return `[]` for no body).",
    spec=DETAILS,
)
define(
    "wsgi.return.str",
    "error",
    "The app returned a str instead of a list of bytes",
    why="The server iterates over what the app returns. Iterating over a str gives one "
    "character at a time, and each is a str, not bytes, so the first one fails the "
    "bytes check (wsgiref: 'write() argument must be a bytes instance').",
    fix="Encode and wrap it in a list: `return [text.encode('utf-8')]`.",
    spec=PEP3333 + "#unicode-issues",
)
define(
    "wsgi.return.bytes",
    "error",
    "The app returned bytes instead of a list of bytes",
    why="The server iterates over what the app returns. Under Python 3 iterating over bytes "
    "gives ints: `for x in b'Hi'` yields 72, then 105. Each 'chunk' is a number, not a "
    "bytestring, so the server fails on the first one. (Under Python 2, where WSGI "
    "began, it sent the body one byte per write: slow, but it worked.) wsgiref.validate "
    "rejects it outright: 'You should not return a string as your application iterator, "
    "instead return a single-item list containing a bytestring.'",
    fix="Wrap the bytes in a list: `return [body]`.",
    spec=DETAILS,
)
define(
    "wsgi.return.dict",
    "error",
    "The app returned a dict",
    why="WSGI has no JSON shortcut (that is a framework feature, as in Flask views). The "
    "server iterates over the dict, which gives its keys, usually str, never the body "
    "you meant.",
    fix="Serialise it yourself: `body = json.dumps(data).encode()`, send "
    "`('Content-Type', 'application/json')`, and `return [body]`.",
    spec=DETAILS,
)
define(
    "wsgi.return.not_iterable",
    "error",
    "The app returned something that cannot be iterated",
    why="The server needs an iterable of bytestrings (a list, a generator, a class with "
    "__iter__). Anything else makes its `for chunk in result` loop fail, and the client "
    "gets a 500.",
    fix="Return a list of bytes: `return [body]`.",
    spec=DETAILS,
)
define(
    "wsgi.return.coroutine",
    "error",
    "An async def app was served as WSGI",
    why="Calling an `async def` function does not run it: it returns a coroutine object, "
    "and a WSGI server never awaits anything. Your code did not run at all; the server "
    "then fails to iterate the coroutine.",
    fix="Either write a WSGI app with a plain `def app(environ, start_response):`, or write "
    "an ASGI app `async def app(scope, receive, send):` and serve it with an ASGI server.",
    spec=DETAILS,
)
define(
    "wsgi.return.file",
    "warning",
    "The app returned a file object as its body",
    why="A file is iterable, but it iterates line by line (slow for binary files with few "
    "newlines, and it has no idea of block size). PEP 3333 offers `wsgi.file_wrapper` "
    "so a server can use sendfile() instead.",
    fix="Return `environ['wsgi.file_wrapper'](f, 8192)` when it exists, else "
    "`iter(lambda: f.read(8192), b'')`.",
    spec=PEP3333 + "#optional-platform-specific-file-handling",
)
define(
    "wsgi.return.set",
    "warning",
    "The app returned a set",
    why="A set is iterable, so a one-item set works, but a set has no order: with "
    "several chunks the body comes out shuffled. `{body}` is usually a typo for `[body]`.",
    fix="Return a list: `return [body]`.",
    spec=DETAILS,
)
define(
    "wsgi.len.wrong",
    "error",
    "len() of the returned iterable was wrong",
    why="If len(iterable) works, the server may rely on it: when it is 1 and no "
    "Content-Length was given, wsgiref sets Content-Length from the first chunk alone. A "
    "wrong __len__ makes the server announce the wrong body size.",
    fix="Make __len__ return the number of chunks the iterable yields, or remove __len__.",
    spec=DETAILS,
)

# --- start_response ---------------------------------------------------------------------
define(
    "wsgi.start_response.not_called",
    "error",
    "The app never called start_response",
    why="The status line and headers come only from start_response; without them the "
    "server has no response to send, so it sends a 500 instead.",
    fix="Call `start_response('200 OK', [('Content-Type', 'text/plain')])` before returning "
    "(or before the first yield of a generator).",
    spec=DETAILS,
)
define(
    "wsgi.start_response.twice",
    "error",
    "start_response was called a second time without exc_info",
    why="An app may call start_response again only to replace its headers after an error, "
    "and then it must pass exc_info (sys.exc_info()). A second plain call is a fatal "
    "error: wsgiref raises 'Headers already set!', gunicorn 'Response headers already "
    "set!' (both AssertionError).",
    fix="Decide status and headers first and call start_response once; in an error handler "
    "call `start_response('500 Internal Server Error', headers, sys.exc_info())`.",
    spec=START,
)
define(
    "wsgi.start_response.keyword_args",
    "error",
    "start_response was called with keyword arguments",
    why="PEP 3333 says the app must call start_response with positional arguments. The "
    "parameter names are not part of the spec: wsgiref calls the second one `headers`, "
    "the PEP `response_headers`, middleware may use others.",
    fix="Call it positionally: `start_response(status, headers)`.",
    spec=DETAILS,
)
define(
    "wsgi.start_response.arg_count",
    "error",
    "start_response was called with the wrong number of arguments",
    why="start_response takes two positional arguments, status and headers, and an optional "
    "third, exc_info.",
    fix="Call `start_response('200 OK', [('Content-Type', 'text/plain')])`.",
    spec=DETAILS,
)
define(
    "wsgi.after_response",
    "error",
    "start_response or write() was used after its request had finished",
    why="Each request gets its own start_response and write. Once the server has finished "
    "the response (and called close()), they belong to a connection that is done: a "
    "stored one cannot start or extend another request's response.",
    fix="Do not keep start_response or write in a global or on the app object; use the "
    "ones passed to the current call.",
    spec=START,
)

# --- exc_info -----------------------------------------------------------------------------
define(
    "wsgi.exc_info.not_tuple",
    "error",
    "exc_info is not a sys.exc_info() tuple",
    why="The third argument of start_response must be the (type, value, traceback) tuple "
    "from sys.exc_info(): if headers were already sent, the server re-raises it with "
    "`raise exc_info[1].with_traceback(exc_info[2])`.",
    fix="Pass `sys.exc_info()` from inside the `except` block, or leave the argument out.",
    spec=START,
)
define(
    "wsgi.exc_info.no_exception",
    "warning",
    "exc_info was (None, None, None)",
    why="sys.exc_info() called outside an except block returns three Nones, which is still "
    "a true value, so the server treats the call as an error replacement, and if headers "
    "were already sent it has nothing to re-raise.",
    fix="Call `sys.exc_info()` inside the `except` block that caught the error; for a "
    "normal response call start_response with two arguments.",
    spec=ERRORS,
)
define(
    "wsgi.exc_info.trapped",
    "error",
    "The app caught the exception start_response re-raised",
    why="When headers are already on the wire, start_response(..., exc_info) re-raises the "
    "app's exception so that the app stops: it is too late to send an error page. The "
    "app must not trap it; the server catches it and ends the connection.",
    fix="Do not wrap a start_response call that passes exc_info in try/except; let the "
    "exception propagate.",
    spec=ERRORS,
)

# --- write() ------------------------------------------------------------------------------
define(
    "wsgi.write.not_bytes",
    "error",
    "write() was given something that is not bytes",
    why="write() sends a bytestring as part of the body; HTTP carries bytes, and the server "
    "will not guess an encoding (wsgiref: 'write() argument must be a bytes instance').",
    fix="Encode text first: `write(text.encode('utf-8'))`.",
    spec=WRITE,
)
define(
    "wsgi.write.in_iterable",
    "error",
    "write() was called from inside the returned iterable",
    why="Bytes passed to write() must all be sent before those the iterable yields. Calling "
    "write() while the server is iterating (inside a generator body) mixes the two "
    "channels; servers that buffer or run asynchronously send them out of order.",
    fix="Inside a generator, `yield` the bytes instead of calling write().",
    spec=WRITE,
)
define(
    "wsgi.write.used",
    "warning",
    "The app uses the write() callable",
    why="write() exists only for old frameworks with imperative output. New apps should "
    "return (or yield) their body, which lets a server interleave work and lets "
    "middleware see the whole response.",
    fix="Collect the output and `return [body]`, or make the app a generator that yields "
    "each part.",
    spec=WRITE,
)

# The streams, status line, headers and body rules live in their own modules.
from sandbox.rules import wsgi_body, wsgi_headers, wsgi_status, wsgi_streams  # noqa: E402, F401
