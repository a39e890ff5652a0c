"""What the client ends up with when an app misbehaves, and why.

When an exception escapes the app, a server can still send its own 500 if
the app's headers have not gone out; once they have, all it can do is close
the connection (wsgiref's ``handle_error`` and gunicorn behave alike). The
return-value diagnosis explains the classic mistakes (None, a str, bytes, a
dict, a coroutine) before the server trips over them; and a HEAD response
notes the body bytes the server dropped.
"""

from __future__ import annotations

import inspect
import io
from typing import Any

from sandbox import wire
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.wsgi_response import Exchange


def abort(ex: Exchange) -> None:
    """The server's answer to a failed app: its own 500, or a cut connection."""
    rec = ex.rec
    if ex.resp.complete or ex.client_gone:
        return
    if not ex.headers_sent:
        if ex.client_left:
            ex.client_gone = True
            return
        wire.error_response(ex.resp)
        ex.headers_sent = True
        rec.event("wire", {"what": "headers", "status": 500, "server_generated": True})
        rec.event(
            "note",
            {
                "text": tr(
                    "The app failed before its headers were sent, so the server sent its own 500 "
                    "Internal Server Error (wsgiref and gunicorn do the same).",
                )
            },
        )
        return
    rec.event(
        "note",
        {
            "text": tr(
                "The headers were already sent, so the server cannot send an error page: it "
                "closes the connection and the client gets an incomplete response.",
            )
        },
    )


def return_problem(result: Any) -> tuple[str, str] | None:
    kind = type(result).__name__
    if result is None:
        return "wsgi.return.none", (
            tr(
                "Your app returned None (did it end without `return`?). The server cannot iterate "
                "over None, so it answered 500.",
            )
        )
    if inspect.iscoroutine(result):
        result.close()  # never awaited; closing it avoids Python's warning
        return "wsgi.return.coroutine", (
            tr(
                "Calling your app returned a coroutine: it is `async def`, so none of its code "
                "ran. A WSGI server never awaits.",
            )
        )
    if isinstance(result, str):
        return "wsgi.return.str", (
            tr(
                "Your app returned the str {result}. The server iterates over it and gets one "
                "character (a str) at a time, not bytes.",
                result=short_repr(result, 60),
            )
        )
    if isinstance(result, bytes | bytearray):
        first = tr("the int {value}", value=result[0]) if result else tr("nothing")
        return "wsgi.return.bytes", (
            tr(
                "Your app returned {result} itself, not a list. Iterating over bytes gives ints, "
                "so the server's first chunk was {first}, not a bytestring.",
                result=short_repr(result, 60),
                first=first,
            )
        )
    if isinstance(result, dict):
        return "wsgi.return.dict", (
            tr(
                "Your app returned a dict ({result}); the server iterates over its keys. WSGI "
                "does not turn dicts into JSON.",
                result=short_repr(result, 60),
            )
        )
    if isinstance(result, set | frozenset):
        return "wsgi.return.set", (
            tr(
                "Your app returned a {kind} ({result}); a set has no order, so several chunks "
                "would come out in any order.",
                kind=kind,
                result=short_repr(result, 60),
            )
        )
    if isinstance(result, io.IOBase):
        return "wsgi.return.file", (
            tr(
                "Your app returned a file object ({kind}); the server reads it line by line.",
                kind=kind,
            )
        )
    return None


def head_note(response: dict[str, Any] | None, rec: Recorder) -> None:
    dropped = response.get("head_dropped_bytes", 0) if response else 0
    seq = rec.event(
        "note",
        {
            "text": tr(
                "HEAD request: the server sent the headers only and dropped the {dropped} body "
                "bytes the app produced.",
                dropped=dropped,
            )
        },
    )
    if dropped and not (response and response.get("server_generated")):
        rec.violate(
            "wsgi.head.body_sent",
            tr(
                "Your app produced {dropped} body bytes for a HEAD request; the client never sees "
                "them.",
                dropped=dropped,
            ),
            event=seq,
        )
