"""One HTTP request served to a WSGI app: wsgiref's ``BaseHandler.run()`` in memory.

The template is the same as wsgiref's: build the environ, call the app,
iterate over what it returned sending each chunk, finish the response, and
always call ``close()`` on the iterable (after success, after an error, after
the client hung up). Around it, the events a learner needs to follow the
flow: ``client`` (the request), ``call`` (the environ), ``start_response``,
``return``, one ``yield`` per chunk, ``wire`` (headers going out), ``close``,
``raise``, and ``note`` where the server does something on its own.

An exception that escapes the app is handled as real servers do: if the
headers are not sent yet, the client gets the server's own 500; if they are,
all the server can do is close the connection, leaving the response
incomplete. Engine stops (time or event limits) always pass through.
"""

from __future__ import annotations

import inspect
from typing import Any

from sandbox import wire, wsgi_environ, wsgi_outcome
from sandbox.asgi_scope import client_headers
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.limits import EngineStop, RunTimeout
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest
from sandbox.wsgi_response import Exchange, LineFinder
from sandbox.wsgi_status import a_type, exc_text
from sandbox.wsgi_streams import ErrorStream, InputStream, StreamAttributeError


def serve_one(
    app: Any, req: HttpRequest, rec: Recorder, lines: LineFinder, index: int
) -> dict[str, Any] | None:
    """Serve ``req`` to ``app``; return the response the client received (or None)."""
    headers, added = client_headers(req)
    client: dict[str, Any] = {
        "action": "request",
        "method": req.method,
        "target": req.path,
        "http_version": req.http_version,
        "headers": [[k, v] for k, v in req.headers],
        "added_headers": added,
        "body_length": len(req.body),
        "chunks": len(req.chunks),
        "body": req.body,
    }
    rec.event("client", client)
    stdin = InputStream(req.body, wsgi_environ.content_length(headers), rec, lines.caller)
    environ, dropped = wsgi_environ.build(req, headers, stdin, ErrorStream(rec, lines.caller))
    wsgi_environ.server_notes(req, headers, dropped, rec)
    ex = Exchange(req, rec, lines, index)
    if req.disconnect_after == 0:
        rec.event("client", {"action": "disconnect", "after_chunks": 0})
    handler = _Handler(app, ex, lines)
    handler.run(environ)
    response = wire.finish(ex.resp)
    if req.method == "HEAD":
        wsgi_outcome.head_note(response, rec)
    if response is not None:
        rec.event(
            "wire",
            {
                "what": "end",
                "status": response["status"],
                "body_length": response["body_length"],
                "framing": response["framing"],
                "complete": response["complete"],
            },
        )
    return response


class _Handler:
    def __init__(self, app: Any, ex: Exchange, lines: LineFinder) -> None:
        self.app = app
        self.ex = ex
        self.rec = ex.rec
        self.lines = lines
        self.result: Any = None
        self.has_result = False

    def run(self, environ: dict[str, Any]) -> None:
        try:
            self._call(environ)
            if self.has_result:
                self._returned()
        except EngineStop as stop:
            self.ex.finished = True
            if self.has_result:
                _close_quietly(self.result, stop)
            raise
        if self.has_result:
            self._close()
        self.ex.finished = True

    def _call(self, environ: dict[str, Any]) -> None:
        code = getattr(self.app, "__code__", None)
        line = code.co_firstlineno if code and code.co_filename == self.lines.filename else None
        self.rec.event("call", environ, line=line)
        try:
            self.result = self.app(environ, self.ex.start_response)
            self.has_result = True
        except EngineStop:
            raise
        except BaseException as exc:
            tb = exc.__traceback__
            if isinstance(exc, TypeError) and tb is not None and tb.tb_next is None:
                # Raised by the call itself, before any line of the app ran.
                self.rec.violate(
                    "wsgi.app.signature",
                    tr(
                        "Calling your app as app(environ, start_response) failed: {exc_text}.",
                        exc_text=exc_text(exc),
                    ),
                )
            self.fail(exc, "call")

    def _returned(self) -> None:
        result = self.result
        seq = self.rec.event(
            "return", {"type": type(result).__name__, "repr": short_repr(result, 200)}
        )
        self.ex.check_trapped(seq)
        problem = wsgi_outcome.return_problem(result)
        if problem is not None:
            self.rec.violate(problem[0], problem[1], event=seq)
        if result is None or inspect.iscoroutine(result):
            # Iterating fails: wsgiref logs this TypeError and sends a 500.
            self.fail(TypeError(f"{type(result).__name__!r} object is not iterable"), "server")
            return
        self.ex.result, self.ex.result_known = result, True
        try:
            iterator = iter(result)
        except EngineStop:
            raise
        except TypeError as exc:
            if problem is None:
                self.rec.violate(
                    "wsgi.return.not_iterable",
                    tr(
                        "Your app returned {result} ({result_type}), which the server cannot "
                        "iterate over.",
                        result=short_repr(result, 80),
                        result_type=a_type(result),
                    ),
                    event=seq,
                )
            self.fail(exc, "iteration")
            return
        except BaseException as exc:
            self.fail(exc, "iteration")
            return
        self._iterate(iterator, quiet=problem is not None)

    def _iterate(self, iterator: Any, *, quiet: bool) -> None:
        ex = self.ex
        ex.iterating = True
        index = 0
        seq = -1
        try:
            while not ex.client_gone:
                try:
                    chunk = next(iterator)
                except StopIteration:
                    break
                except EngineStop:
                    raise
                except BaseException as exc:
                    self.fail(exc, "iteration")
                    return
                seq = self.rec.event(
                    "yield", {"index": index, "chunk": chunk}, line=self._yield_line()
                )
                index += 1
                ex.check_trapped(seq)
                if type(chunk) is not bytes:
                    if not quiet:
                        self.rec.violate(
                            "wsgi.body.not_bytes",
                            tr(
                                "Your app's iterable yielded {chunk} ({chunk_type}); every chunk "
                                "must be bytes.",
                                chunk=short_repr(chunk, 60),
                                chunk_type=a_type(chunk),
                            ),
                            event=seq,
                        )
                    self.fail(AssertionError("write() argument must be a bytes instance"), "server")
                    return
                try:
                    if not ex.transmit(chunk, seq):
                        return  # the client is gone
                except EngineStop:
                    raise
                except BaseException as exc:  # the server refused, or the app's __len__ failed
                    self.fail(exc, _where(exc))
                    return
        finally:
            ex.iterating = False
        if ex.client_gone:
            return
        if seq < 0:
            seq = len(self.rec.events) - 1
        ex.check_trapped(seq)
        try:
            ex.finish(seq)
        except EngineStop:
            raise
        except BaseException as exc:
            self.fail(exc, _where(exc))
            return
        if ex.len_value is not None and ex.len_value != index:
            self.rec.violate(
                "wsgi.len.wrong",
                tr(
                    "len() of your {result_type} said {len_value}, but iterating it gave {index} "
                    "chunks.",
                    result_type=type(self.result).__name__,
                    len_value=ex.len_value,
                    index=index,
                ),
                event=seq,
            )

    def _yield_line(self) -> int | None:
        frame = getattr(self.result, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == self.lines.filename:
            return int(frame.f_lineno)
        return None

    def _close(self) -> None:
        result = self.result
        try:
            has_close = hasattr(result, "close")
        except EngineStop:
            raise
        except BaseException:
            has_close = False
        if not has_close:
            return
        self.rec.event("close", {"type": type(result).__name__})
        self.ex.iterating = True  # write() from close() is write() from the iterable
        try:
            result.close()
        except EngineStop:
            raise
        except BaseException as exc:
            self.fail(exc, "close")
        finally:
            self.ex.iterating = False

    def fail(self, exc: BaseException, where: str) -> None:
        """An exception escaped the app (or the server refused to go on)."""
        ex = self.ex
        line = self.lines.in_traceback(exc.__traceback__)
        seq = self.rec.event(
            "raise",
            {"type": type(exc).__name__, "message": exc_text(exc), "where": where},
            line=line,
        )
        if exc is ex.broken_pipe:
            return  # the client left; servers ignore the broken pipe
        if isinstance(exc, StreamAttributeError):
            self.rec.violate(
                "wsgi.stream.other_method",
                tr(
                    "Your app used environ[{stream}].{attr}, which WSGI does not guarantee; this "
                    "server's stream does not have it.",
                    stream=repr(exc.stream),
                    attr=exc.attr,
                ),
                event=seq,
            )
        ex.reraised = None
        self.rec.fail(exc)
        wsgi_outcome.abort(ex)


def _where(exc: BaseException) -> str:
    # The server's own refusals are AssertionErrors (as in wsgiref); anything else
    # came from the app's code, here its __len__ (wsgiref's Content-Length shortcut).
    return "server" if isinstance(exc, AssertionError) else "len"


# Iterables left open because the wall-clock limit struck: kept alive so that the
# garbage collector does not run their close() (learner code) after the deadline.
# Bounded, for a long-lived process; an isolated run's process ends anyway.
_ABANDONED: list[Any] = []
_ABANDONED_MAX = 16


def _close_quietly(result: Any, stop: EngineStop) -> None:
    """close() the iterable when the engine stops the run, recording nothing.

    After an event or output limit the deadline is still armed, so close() is
    safe to run (a generator that ignores GeneratorExit only raises here). After
    a timeout nothing would stop a close() that loops, so the iterable is kept
    unclosed instead; a generator interrupted mid-step is finished anyway.
    """
    if isinstance(stop, RunTimeout):
        if getattr(result, "gi_frame", True) is not None:
            _ABANDONED.append(result)
            del _ABANDONED[:-_ABANDONED_MAX]
        return
    try:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    except BaseException:  # the run is already ending with `stop`
        pass
