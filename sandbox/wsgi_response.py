"""The callables a WSGI app gets for one request: ``start_response`` and ``write()``.

``Exchange`` adds them to the sending side (``wsgi_output.Output``). It follows
PEP 3333's rules for calling them: start_response once, or again only with
``exc_info``, which replaces the stored headers while they are unsent and
re-raises the app's exception once they are on the wire; write() takes bytes,
never from inside the returned iterable, and both belong to their request only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sandbox import wsgi_checks
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest
from sandbox.wsgi_output import Output
from sandbox.wsgi_status import a_type, exc_text

Write = Callable[[bytes], None]


class LineFinder:
    """Finds the learner's line for an event: the nearest frame from their file."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def caller(self) -> int | None:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                return frame.f_lineno
            frame = frame.f_back  # type: ignore[assignment]
        return None

    def in_traceback(self, tb: TracebackType | None) -> int | None:
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        return line


class Exchange(Output):
    def __init__(self, req: HttpRequest, rec: Recorder, lines: LineFinder, index: int) -> None:
        super().__init__(req, rec)
        self.lines = lines
        self.index = index
        self.iterating = False  # the server is inside the returned iterable
        self.finished = False  # the response is over; the callables are stale
        self.broken_pipe: BrokenPipeError | None = None  # raised by write() to a gone client
        # an exception start_response re-raised (exc_info after headers were sent)
        self.reraised: BaseException | None = None

    # --- the callables the app gets -----------------------------------------------------
    def start_response(self, *args: Any, **kwargs: Any) -> Write:
        line = self.lines.caller()
        self._check_live("start_response", line)
        params = dict(zip(("status", "headers", "exc_info"), args, strict=False))
        for key, value in kwargs.items():
            params["headers" if key == "response_headers" else key] = value
        exc_info = params.get("exc_info")
        action = "set"
        if exc_info and self.started:
            action = "reraise" if self.headers_sent else "replace"
        seq = self.rec.event(
            "start_response",
            {
                "status": params.get("status"),
                "headers": params.get("headers"),
                "exc_info": _exc_summary(exc_info),
                "action": action,
            },
            line=line,
        )
        if kwargs:
            self.rec.violate(
                "wsgi.start_response.keyword_args",
                tr(
                    "Your app called start_response with keyword arguments ({names}); WSGI "
                    "callables take positional arguments only.",
                    names=", ".join(k + "=..." for k in kwargs),
                ),
                event=seq,
            )
        unknown = set(params) - {"status", "headers", "exc_info"}
        if len(args) > 3 or unknown or not {"status", "headers"} <= set(params):
            self.rec.violate(
                "wsgi.start_response.arg_count",
                tr(
                    "Your app called start_response with {args_len} positional and {kwargs_len} "
                    "keyword arguments; it takes status, headers and an optional exc_info.",
                    args_len=len(args),
                    kwargs_len=len(kwargs),
                ),
                event=seq,
            )
            raise TypeError(
                "start_response() takes 2 or 3 positional arguments "
                "(status, response_headers, exc_info=None)"
            )
        if "exc_info" in params and exc_info is not None:
            self._check_exc_info(exc_info, seq)
        if exc_info:
            if self.headers_sent:
                self._reraise(exc_info)
        elif self.started:
            self.rec.violate(
                "wsgi.start_response.twice",
                tr(
                    "Your app called start_response a second time ({status}) without exc_info. "
                    "The server raised 'Headers already set!'.",
                    status=repr(params["status"]),
                ),
                event=seq,
            )
            raise AssertionError("Headers already set!")
        self.started = True
        self.checked = wsgi_checks.check_start(params["status"], params["headers"], self.rec, seq)
        if self.checked.fatal:
            raise AssertionError(self.checked.fatal)
        return self.write

    def write(self, data: bytes) -> None:
        line = self.lines.caller()
        self._check_live("write", line)
        seq = self.rec.event("write", {"data": data}, line=line)
        if not self.write_used:
            self.write_used = True
            self.rec.violate(
                "wsgi.write.used",
                tr("Your app sends body bytes through write() instead of returning them."),
                event=seq,
            )
        if self.iterating:
            self._violate_once(
                "wsgi.write.in_iterable",
                tr(
                    "Your app called write() while the server was iterating over the iterable it "
                    "returned; those bytes may go out in the wrong order.",
                ),
                seq,
            )
        self.check_trapped(seq)
        if type(data) is not bytes:
            self.rec.violate(
                "wsgi.write.not_bytes",
                tr(
                    "Your app called write({data}) with {data_type}; write() takes bytes.",
                    data=short_repr(data, 60),
                    data_type=a_type(data),
                ),
                event=seq,
            )
            raise AssertionError("write() argument must be a bytes instance")
        if not self.transmit(data, seq, force=True):
            self.broken_pipe = BrokenPipeError(32, "Broken pipe")
            raise self.broken_pipe

    def check_trapped(self, seq: int) -> None:
        if self.reraised is not None:
            exc, self.reraised = self.reraised, None
            self.rec.violate(
                "wsgi.exc_info.trapped",
                tr(
                    "start_response re-raised your {exc_type} because the headers were already "
                    "sent, but your app caught it and carried on.",
                    exc_type=type(exc).__name__,
                ),
                event=seq,
            )

    # --- helpers ------------------------------------------------------------------------
    def _check_exc_info(self, exc_info: Any, seq: int) -> None:
        if type(exc_info) is not tuple or len(exc_info) != 3:
            self.rec.violate(
                "wsgi.exc_info.not_tuple",
                tr(
                    "Your app passed exc_info={exc_info}; it must be the tuple sys.exc_info() "
                    "returns.",
                    exc_info=short_repr(exc_info, 80),
                ),
                event=seq,
            )
        elif exc_info[1] is None:
            self.rec.violate(
                "wsgi.exc_info.no_exception",
                tr(
                    "Your app passed exc_info=(None, None, None): sys.exc_info() was called when "
                    "no exception was being handled.",
                ),
                event=seq,
            )

    def _reraise(self, exc_info: Any) -> None:
        self.rec.event(
            "note",
            {
                "text": tr(
                    "The headers were already sent, so start_response re-raised the app's "
                    "exception (PEP 3333): it is too late to send an error page.",
                )
            },
        )
        value = exc_info[1] if type(exc_info) is tuple and len(exc_info) == 3 else None
        if not isinstance(value, BaseException):
            raise RuntimeError("No active exception to reraise")
        self.reraised = value
        raise value.with_traceback(exc_info[2])

    def _check_live(self, name: str, line: int | None) -> None:
        if self.finished:
            text = tr(
                "The app called the {name}() of request {index}, which is over.",
                name=name,
                index=self.index,
            )
            seq = self.rec.event("note", {"text": text}, line=line)
            now = self.rec.request_index
            when = (
                tr("during request {now}", now=now)
                if now != self.index
                else tr("after it had finished")
            )
            self.rec.violate(
                "wsgi.after_response",
                tr(
                    "Your app called the {name}() of request {index} {when}; that response is "
                    "already complete.",
                    name=name,
                    index=self.index,
                    when=when,
                ),
                event=seq,
            )
            raise AssertionError(f"{name}() called after the response was finished")


def _exc_summary(exc_info: Any) -> Any:
    if type(exc_info) is tuple and len(exc_info) == 3 and isinstance(exc_info[1], BaseException):
        return {"type": type(exc_info[1]).__name__, "message": exc_text(exc_info[1])}
    return exc_info
