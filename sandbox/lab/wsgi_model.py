"""The WSGI server model: gunicorn's sync and gthread workers, W processes x T threads.

Two phases. First every request's app call really runs, one after the other,
with a minimal environ (no request body); its status and body are collected,
``close()`` is called, and its time is recorded as segments on the virtual
clock: sleeps (simulated, no CPU) and CPU stretches (``time.thread_time``,
whole milliseconds per stretch). Then ``schedule.py`` places those segments on
the timeline: arrivals, a FIFO queue, the first free thread, and one GIL per
worker process.

While a call runs, its clock reads its arrival time plus its own sleeps and
CPU: the app cannot yet know how long it will queue (docs/lab.md).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

from sandbox.i18n import tr
from sandbox.lab.clock import SimulationLimit, VirtualClock
from sandbox.lab.options import LabOptions, Server
from sandbox.lab.schedule import Schedule
from sandbox.lab.timeline import RequestLog, describe_error


class WsgiModel:
    def __init__(self, app: Any, *, options: LabOptions, server: Server, clock: VirtualClock,
                 filename: str) -> None:
        self.app = app
        self.options = options
        self.server = server
        self.clock = clock
        self.filename = filename
        self.schedule: Schedule | None = None

    def run(self) -> list[RequestLog]:
        logs = [RequestLog(i, self.options.arrival_ns(i)) for i in range(self.options.requests)]
        work = [self._call(log) for log in logs]
        self.schedule = Schedule(self.server.workers, self.server.threads, self.clock.limit_ns)
        self.schedule.run(logs, work)
        return logs

    def _call(self, log: RequestLog) -> list[tuple[str, int]]:
        """Run the app for one request; its segments ("cpu" | "sleep", ns)."""
        with self.clock.record(log.arrival_ns) as rec:
            try:
                self._respond(log)
            except SimulationLimit:
                # It would outlast the lab's cap: it cannot finish inside the simulation.
                rec.add("sleep", self.clock.limit_ns)
            except Exception as exc:
                log.error = describe_error(exc, self.filename)
                if log.status is None:
                    log.status = 500
        return rec.segments

    def _respond(self, log: RequestLog) -> None:
        started: list[str] = []
        body = [0]

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Any:
            if started and exc_info is None:
                raise AssertionError(tr(
                    "start_response() was called twice without exc_info (run it once in the "
                    "playground or with `wsgi-asgi-tour run` to see why)"))
            started[:] = [status]
            code = str(status)[:3]
            log.status = int(code) if code.isdigit() else None

            def write(data: bytes) -> None:
                body[0] += len(data)

            return write

        result = self.app(self._environ(log), start_response)
        try:
            for chunk in result:
                body[0] += len(chunk) if isinstance(chunk, bytes | bytearray) else 0
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()
        log.body_bytes = body[0]
        if not started:
            log.status = 500
            log.error = tr("the app never called start_response() (the server sends 500)")

    def _environ(self, log: RequestLog) -> dict[str, Any]:
        path, _, query = self.options.path.partition("?")
        return {
            "REQUEST_METHOD": self.options.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": "lab.local",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": str(50000 + log.index),
            "HTTP_HOST": "lab.local",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": self.server.threads > 1,
            "wsgi.multiprocess": self.server.workers > 1,
            "wsgi.run_once": False,
        }
