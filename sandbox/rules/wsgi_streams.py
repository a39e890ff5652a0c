"""wsgi family: wsgi.input and wsgi.errors, the request's streams (imported by rules.wsgi)."""

from __future__ import annotations

from sandbox.rules import PEP3333, define

STREAMS = PEP3333 + "#input-and-error-streams"

define(
    "wsgi.input.closed",
    "error",
    "The app closed wsgi.input",
    why="The input stream belongs to the server (often it is the client's socket). PEP "
    "3333: apps must not close it, even if it has a close() method.",
    fix="Just stop reading; remove the close() call (and do not use it in a `with` block).",
    spec=STREAMS,
)
define(
    "wsgi.errors.closed",
    "error",
    "The app closed wsgi.errors",
    why="The error stream is the server's log, shared with other requests (wsgiref hands "
    "you sys.stderr itself). PEP 3333: apps must not close it.",
    fix="Remove the close() call; call flush() if you need the output written now.",
    spec=STREAMS,
)
define(
    "wsgi.errors.not_str",
    "error",
    "Something other than str was written to wsgi.errors",
    why="wsgi.errors is a text stream: write() takes a str (sys.stderr raises TypeError for "
    "bytes).",
    fix="Write text: `environ['wsgi.errors'].write('message\\n')`; decode bytes first.",
    spec=STREAMS,
)
define(
    "wsgi.stream.other_method",
    "error",
    "The app used a method wsgi.input or wsgi.errors need not have",
    why="Only read, readline, readlines and iteration (wsgi.input) and write, writelines "
    "and flush (wsgi.errors) are guaranteed. Servers pass sockets, pipes or their own "
    "objects: seek(), tell() or fileno() may not exist or may not work.",
    fix="Use only the guaranteed methods. To read the body twice, read it once into a "
    "variable: `body = environ['wsgi.input'].read(length)`.",
    spec=STREAMS,
)
define(
    "wsgi.input.read_past_length",
    "warning",
    "The app asked wsgi.input for more bytes than CONTENT_LENGTH left",
    why="The app should not read more than CONTENT_LENGTH. This server, like gunicorn, "
    "simply returns what is left; but wsgiref's simple server hands the app the socket "
    "itself, where such a read waits for bytes the client never sends.",
    fix="Read exactly the declared length: "
    "`n = int(environ.get('CONTENT_LENGTH') or 0); body = environ['wsgi.input'].read(n)`.",
    spec=STREAMS,
)
