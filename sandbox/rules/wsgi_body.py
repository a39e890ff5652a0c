"""wsgi family: the body the app yields or writes (imported by rules.wsgi)."""

from __future__ import annotations

from sandbox.rules import PEP3333, define

CONTENT_LENGTH = PEP3333 + "#handling-the-content-length-header"
RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"

define(
    "wsgi.body.not_bytes",
    "error",
    "The iterable yielded something that is not bytes",
    why="Every item of the returned iterable is a chunk of the body and must be a "
    "bytestring (type bytes). HTTP carries bytes; the server will not guess an encoding "
    "for a str and cannot send an int.",
    fix="Encode text: `return [text.encode('utf-8')]`, or `yield part.encode('utf-8')`.",
    spec=PEP3333 + "#unicode-issues",
)
define(
    "wsgi.body.before_start_response",
    "error",
    "The iterable yielded body bytes before start_response was called",
    why="The server must send status and headers before any body byte. A generator may "
    "call start_response during its first iteration, but it must do so before it yields "
    "the first non-empty chunk.",
    fix="Call start_response first (at the top of the app or the generator), then yield.",
    spec=PEP3333 + "#specification-details",
)
define(
    "wsgi.body.not_allowed",
    "error",
    "A 1xx, 204 or 304 response has a body or a Content-Length",
    why="HTTP defines these responses as ending right after the headers: a 204 or 304 "
    "cannot contain content, and a server must not send Content-Length with 1xx or 204. "
    "Bytes sent anyway are read as the start of the next response on the connection. "
    "This server dropped them.",
    fix="Return `[]` for these statuses and leave Content-Length out of 204.",
    spec=RFC9110 + "#section-6.4.1",
)
define(
    "wsgi.head.body_sent",
    "warning",
    "The app produced a body for a HEAD request",
    why="A HEAD response has the headers a GET would have, and no body. Removing the "
    "body is the server's job: this server (like gunicorn and uvicorn) dropped the "
    "bytes, and some frameworks (Django) rely on that. But wsgiref's simple server and "
    "werkzeug's development server send them, which corrupts a kept-alive connection; "
    "and producing them is wasted work.",
    fix="Check `environ['REQUEST_METHOD'] == 'HEAD'` and return `[]` (keep the "
    "Content-Length a GET would have).",
    spec=RFC9110 + "#section-9.3.2",
)
define(
    "wsgi.content_length.too_many",
    "error",
    "The app sent more bytes than its Content-Length",
    why="Content-Length tells the client where the body ends. Extra bytes would be read "
    "as the next response on the connection, so the server should not transmit them: "
    "this server, like gunicorn, cut them off (wsgiref sends them all).",
    fix="Compute Content-Length from the final bytes: `str(len(body))`; for text, from "
    "the encoded bytes, not the str.",
    spec=CONTENT_LENGTH,
)
define(
    "wsgi.content_length.too_few",
    "error",
    "The app sent fewer bytes than its Content-Length",
    why="The client waits for the number of bytes Content-Length announced. When the body "
    "is shorter, the server must close the connection and the client sees a truncated, "
    "failed response.",
    fix="Compute Content-Length from the bytes you send (`str(len(body))`), or leave it "
    "out and let the server frame the body.",
    spec=CONTENT_LENGTH,
)
