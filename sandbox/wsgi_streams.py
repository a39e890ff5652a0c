"""``wsgi.input`` and ``wsgi.errors``: in-memory streams that record every use.

``InputStream`` holds the request body the client sent, ends at
``CONTENT_LENGTH`` (as PEP 3333 asks servers to simulate end-of-file), and
records each read as an ``input.read`` event with the bytes returned.
``ErrorStream`` records each ``write``/``writelines``/``flush`` as an
``errors.write`` event and passes the text on to stderr, as wsgiref does (the
engine captures it into the trace's output).

Both offer exactly the methods PEP 3333 guarantees. Anything else raises
``StreamAttributeError`` (an AttributeError, as on gunicorn's body object);
the server turns it into a violation only if it escapes the app, because
libraries probe for optional methods with ``hasattr`` (werkzeug looks for
``readinto``) and a probe is not a mistake.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.wsgi_status import a_type

# Finds the learner's line for an event (see wsgi_response.LineFinder).
LineFn = Callable[[], "int | None"]


class StreamAttributeError(AttributeError):
    """The app used a method the stream is not guaranteed to have."""

    def __init__(self, stream: str, attr: str) -> None:
        super().__init__(f"{stream!r} object has no attribute {attr!r}")
        self.stream = stream
        self.attr = attr


class InputStream:
    """The request body, readable up to CONTENT_LENGTH."""

    def __init__(self, body: bytes, length: int | None, rec: Recorder, line: LineFn) -> None:
        # A client that sent more than it declared: the server reads only what was
        # declared (the rest would be the next request on the connection).
        self._data = body if length is None else body[:length]
        self._buf = io.BytesIO(self._data)
        self._length = length
        self._rec = rec
        self._line = line
        self.closed_by_app = False

    def __repr__(self) -> str:
        return f"<wsgi.input: {len(self._data)} bytes>"

    @property
    def remaining(self) -> int:
        return len(self._data) - self._buf.tell() if not self._buf.closed else 0

    def read(self, size: int | None = -1) -> bytes:
        left = self.remaining
        data = self._record("read", size, self._buf.read(size))
        if self._length is not None and isinstance(size, int) and size > left:
            self._rec.violate(
                "wsgi.input.read_past_length",
                tr(
                    "Your app called read({size}) when only {left} of the {length} bytes of "
                    "CONTENT_LENGTH were left. This server returned {data_len} bytes; wsgiref's "
                    "simple server would wait for {missing} more bytes that the client never "
                    "sends.",
                    size=size,
                    left=left,
                    length=self._length,
                    data_len=len(data),
                    missing=size - left,
                ),
            )
        return data

    def readline(self, size: int | None = -1) -> bytes:
        return self._record("readline", size, self._buf.readline(size))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines = self._buf.readlines(hint)
        self._record("readlines", hint, b"".join(lines), lines=len(lines))
        return lines

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self._record("__next__", None, self._buf.readline())
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        self.closed_by_app = True
        self._rec.violate(
            "wsgi.input.closed",
            tr(
                "Your app called environ['wsgi.input'].close(). The stream is the server's "
                "(usually the client's socket); any later read now fails.",
            ),
            event=self._rec.event("input.read", {"method": "close"}, line=self._line()),
        )
        self._buf.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise StreamAttributeError("wsgi.input", name)

    def _record(self, method: str, size: Any, data: bytes, **extra: Any) -> bytes:
        info: dict[str, Any] = {"method": method, "data": data, "remaining": self.remaining}
        if size is not None and size != -1:
            info["size"] = size
        info.update(extra)
        self._rec.event("input.read", info, line=self._line())
        return data


class ErrorStream:
    """The server's error log as the app sees it: a text stream."""

    def __init__(self, rec: Recorder, line: LineFn) -> None:
        self._rec = rec
        self._line = line
        self._closed = False

    def __repr__(self) -> str:
        return "<wsgi.errors>"

    def write(self, text: str) -> int:
        self._open()
        seq = self._rec.event("errors.write", {"method": "write", "text": text}, line=self._line())
        if not isinstance(text, str):
            self._not_str(text, seq)
        sys.stderr.write(text)  # the server's console, as with wsgiref (the trace's output)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        self._open()
        items = list(lines)
        seq = self._rec.event(
            "errors.write", {"method": "writelines", "lines": items}, line=self._line()
        )
        for item in items:
            if not isinstance(item, str):
                self._not_str(item, seq)
        sys.stderr.write("".join(items))

    def flush(self) -> None:
        self._open()
        self._rec.event("errors.write", {"method": "flush"}, line=self._line())
        sys.stderr.flush()

    def close(self) -> None:
        self._rec.violate(
            "wsgi.errors.closed",
            tr(
                "Your app called environ['wsgi.errors'].close(). That is the server's log "
                "(wsgiref passes sys.stderr itself): everything written after this is lost.",
            ),
            event=self._rec.event("errors.write", {"method": "close"}, line=self._line()),
        )
        self._closed = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise StreamAttributeError("wsgi.errors", name)

    def _open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    def _not_str(self, value: object, seq: int) -> None:
        self._rec.violate(
            "wsgi.errors.not_str",
            tr(
                "Your app wrote {value} ({value_type}) to wsgi.errors, which is a text stream and "
                "takes str.",
                value=short_repr(value, 80),
                value_type=a_type(value),
            ),
            event=seq,
        )
        raise TypeError(f"write() argument must be str, not {type(value).__name__}")
