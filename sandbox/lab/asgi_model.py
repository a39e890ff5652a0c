"""The ASGI server model: one event loop per worker, each request a task on it.

Request ``i`` goes to worker ``i % workers`` (round robin, whatever the load:
workers are separate processes, so each loop is simulated on its own, from
simulated time 0, one after the other). On its worker's loop a request's task
starts at its arrival time with a minimal ``http`` scope; ``receive()`` gives
the request (no body), then ``http.disconnect`` once the response is complete;
``send()`` collects the status and the body size. The app object is shared by
the workers (real workers each import their own copy: module globals are not).

Each worker's loop runs in ``worker_loop.py``, which fills the spans: ``queued``
until the task's first step, ``running`` during each step (a ``time.sleep`` in
it included: it holds the loop), ``waiting`` while it awaits, ``blocked`` from
the moment what it awaited is done until it gets its next step.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

from sandbox.i18n import tr
from sandbox.lab.clock import SimulationLimit, VirtualClock
from sandbox.lab.options import LabOptions, Server
from sandbox.lab.pool import VirtualPool, anyio_patched
from sandbox.lab.timeline import RequestLog, describe_error
from sandbox.lab.worker_loop import WorkerLoop

ASGI_VERSION = {"version": "3.0", "spec_version": "2.3"}


class AsgiModel:
    def __init__(self, app: Any, *, legacy: bool, options: LabOptions, server: Server,
                 clock: VirtualClock, filename: str, deadline: float | None = None) -> None:
        self.app = app
        self.legacy = legacy
        self.options = options
        self.server = server
        self.clock = clock
        self.filename = filename
        self.deadline = deadline  # real perf_counter() time to give up at
        self.pool = VirtualPool(clock, server.pool)
        self.blocking_sleeps: list[int] = []  # ns of each time.sleep that held a loop
        self.stuck = 0
        self.stopped = False  # simulated time reached the cap on some worker
        self.logs: list[RequestLog] = []

    def run(self) -> list[RequestLog]:
        n, workers = self.options.requests, self.server.workers
        self.logs = [RequestLog(i, self.options.arrival_ns(i), worker=i % workers)
                     for i in range(n)]
        for log in self.logs:
            log.mark("queued", log.arrival_ns)
        self.clock.on_blocking_sleep = self.blocking_sleeps.append
        try:
            with anyio_patched():
                for worker in range(workers):
                    mine = [log for log in self.logs if log.worker == worker]
                    if mine:
                        self._run_worker(mine)
        finally:
            self.clock.on_blocking_sleep = None
        return self.logs

    def _run_worker(self, logs: list[RequestLog]) -> None:
        self.pool.reset()
        worker = WorkerLoop(self.clock, self.pool, self.deadline)
        try:
            worker.run(logs, self._serve)
        except SimulationLimit:
            self.stopped = True  # the cap on this worker: the other workers still run
        finally:
            self.stuck += worker.stuck

    async def _serve(self, log: RequestLog) -> None:
        path, _, query = self.options.path.partition("?")
        scope: dict[str, Any] = {
            "type": "http", "asgi": dict(ASGI_VERSION), "http_version": "1.1",
            "method": self.options.method, "scheme": "http", "path": unquote(path),
            "raw_path": path.encode("ascii"), "query_string": query.encode("ascii"),
            "root_path": "", "headers": [(b"host", b"lab.local"), (b"user-agent", b"lab")],
            "client": ("127.0.0.1", 50000 + log.index), "server": ("127.0.0.1", 8000),
            "state": {},
        }
        started = False
        complete = asyncio.Event()
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await complete.wait()  # the client leaves once it has its answer
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            nonlocal started
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "http.response.start" and not started:
                started = True
                status = message.get("status")
                log.status = status if isinstance(status, int) else None
            elif kind == "http.response.body" and started and not complete.is_set():
                body = message.get("body", b"")
                log.body_bytes += len(body) if isinstance(body, bytes | bytearray) else 0
                if not message.get("more_body", False):
                    complete.set()
            else:
                raise RuntimeError(tr("Unexpected ASGI message {kind} at this point (run it "
                                      "once in the playground or with `wsgi-asgi-tour run` "
                                      "to see why)", kind=repr(kind)))

        try:
            if self.legacy:
                await self.app(scope)(receive, send)
            else:
                await self.app(scope, receive, send)
        except Exception as exc:
            log.error = describe_error(exc, self.filename)
            if not started:
                log.status = 500
            return
        if not started:
            log.status = 500
            log.error = tr("the app returned without sending a response (the server sends "
                           "500)")
        elif not complete.is_set():
            log.error = tr("the app returned without completing its response")

