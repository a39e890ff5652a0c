"""The sending side of one WSGI response: headers and body on their way to the client.

``Output`` holds what a WSGI server tracks per response (wsgiref's
``BaseHandler`` has the same flags): the checked status and headers from
start_response, whether they were sent, how many body bytes went out.
Following PEP 3333, headers go out with the first non-empty chunk (or the
first write() call, or at the end).

Every body byte goes through ``transmit``, which also plays the client's part
when the scenario says it hangs up (``disconnect_after``), keeps to the
declared Content-Length as gunicorn does (extra bytes are cut, missing bytes
leave the response incomplete), and drops bodies HTTP forbids (204, 304, 1xx).
"""

from __future__ import annotations

from typing import Any

from sandbox import wire, wsgi_checks
from sandbox.encoding import short_repr
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest
from sandbox.wsgi_status import Checked


class Output:
    def __init__(self, req: HttpRequest, rec: Recorder) -> None:
        self.req = req
        self.rec = rec
        self.resp = wire.WireResponse(method=req.method, http_version=req.http_version)
        # start_response state (wsgiref: status / headers / headers_sent)
        self.started = False
        self.checked = Checked()
        self.headers_sent = False
        # body state
        self.sent = 0
        self.chunks = 0
        self.write_used = False
        self.result: Any = None
        self.result_known = False
        self.len_value: int | None = None
        # the client (scenario's disconnect_after) and the server's view of it
        self.client_left = req.disconnect_after == 0
        self.client_gone = False
        self._once: set[str] = set()

    def transmit(self, data: bytes, seq: int, *, force: bool = False) -> bool:
        """Send one body chunk (headers first if need be); False if the client is gone.

        Raises AssertionError/TypeError when the server cannot send (no valid
        start_response yet), as wsgiref does.
        """
        if self.client_gone:
            return False
        if not self.headers_sent:
            if not data and not force:
                return True  # PEP 3333: headers wait for the first non-empty chunk
            if self.client_left:
                return self._broken(seq)
            self.send_headers(data, seq)
        if not data:
            return True
        if self.client_left:
            return self._broken(seq)
        code = self.checked.code or 200
        if code < 200 or code in wsgi_checks.NO_BODY:
            self._violate_once(
                "wsgi.body.not_allowed",
                tr(
                    "Your app produced body bytes for a {code} response, which cannot have a "
                    "body; the server dropped them.",
                    code=code,
                ),
                seq,
            )
            return True
        declared = self.checked.content_length
        if declared is not None and self.sent + len(data) > declared:
            room = max(declared - self.sent, 0)
            self._violate_once(
                "wsgi.content_length.too_many",
                tr(
                    "Your app declared Content-Length: {declared} but produced more; the server "
                    "sent {declared} bytes and cut the rest.",
                    declared=declared,
                ),
                seq,
            )
            data = data[:room]
            if not data:
                return True
        self.resp.add_body(data)
        self.sent += len(data)
        self.chunks += 1
        if self.req.disconnect_after is not None and self.chunks == self.req.disconnect_after:
            self.client_left = True
            self.rec.event("client", {"action": "disconnect", "after_chunks": self.chunks})
        return True

    def send_headers(self, first: bytes, seq: int) -> None:
        if not self.started:
            if first:
                self.rec.violate(
                    "wsgi.body.before_start_response",
                    tr(
                        "Your app produced {first} before calling start_response, so the server "
                        "had no status or headers to send first.",
                        first=short_repr(first, 60),
                    ),
                    event=seq,
                )
                raise AssertionError("write() before start_response()")
            self.rec.violate(
                "wsgi.start_response.not_called",
                tr(
                    "Your app finished without ever calling start_response, so the server had no "
                    "status line to send.",
                ),
                event=seq,
            )
            raise AssertionError("start_response() was never called")
        if self.checked.fatal or self.checked.code is None:
            raise AssertionError(self.checked.fatal or "no valid status to send")
        headers = list(self.checked.headers)
        if self.checked.content_length is None and self.result_known:
            self._content_length_shortcut(headers, first)
        self.resp.start(self.checked.code, headers, self.checked.reason.strip())
        self.headers_sent = True
        self.rec.event(
            "wire",
            {
                "what": "headers",
                "status": self.checked.code,
                "reason": self.resp.reason,
                "headers": [[k, v] for k, v in headers],
            },
        )

    def _content_length_shortcut(self, headers: list[tuple[str, str]], first: bytes) -> None:
        # wsgiref's set_content_length: only len() errors of these types mean "no len()".
        try:
            blocks = len(self.result)
        except (TypeError, AttributeError, NotImplementedError):
            return
        self.len_value = blocks
        code = self.checked.code or 200
        bodyless = code < 200 or code in wsgi_checks.NO_BODY  # wsgiref adds one anyway
        if blocks == 1 and not self.write_used and not bodyless:
            headers.append(("Content-Length", str(len(first))))
            self.checked.content_length = len(first)
            self.rec.event(
                "note",
                {
                    "text": tr(
                        "len() of the returned {result_type} is 1 and write() was not used, so "
                        "the server took the first chunk as the whole body and added "
                        "Content-Length: {first_len} (as wsgiref does).",
                        result_type=type(self.result).__name__,
                        first_len=len(first),
                    )
                },
            )

    def finish(self, seq: int) -> None:
        """The iterable is exhausted: send headers if still pending, check the length."""
        if not self.headers_sent:
            self.transmit(b"", seq, force=True)
        if self.client_gone:
            return
        declared = self.checked.content_length
        code = self.checked.code or 200
        exempt = self.resp.is_head or code == 304 or code < 200 or code == 204
        if declared is not None and self.sent < declared and not exempt:
            self.rec.violate(
                "wsgi.content_length.too_few",
                tr(
                    "Your app declared Content-Length: {declared} but sent only {sent} bytes. The "
                    "client waits for the rest until the server closes the connection, and the "
                    "response fails.",
                    declared=declared,
                    sent=self.sent,
                ),
                event=seq,
            )
            return
        self.resp.complete = True

    def _broken(self, seq: int) -> bool:
        self.client_gone = True
        self.rec.event(
            "note",
            {
                "text": tr(
                    "The client has hung up: the server's send failed (BrokenPipeError), so it "
                    "stops the response and calls close().",
                )
            },
        )
        return False

    def _violate_once(self, rule_id: str, message: str, seq: int) -> None:
        if rule_id not in self._once:
            self._once.add(rule_id)
            self.rec.violate(rule_id, message, event=seq)
