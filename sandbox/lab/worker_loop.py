"""One worker of the ASGI model: its requests as tasks on one virtual event loop.

``WorkerLoop(clock, pool, deadline).run(logs, serve)`` starts each request's
task at its arrival time (``serve(log)`` is its coroutine), and fills the
request's spans from the loop's hooks (loop.py): ``queued`` until the task's
first step, ``running`` during each step, ``waiting`` after it, ``blocked`` from
the moment the task is scheduled again until its step begins. While it awaits
and every pool call it made (itself or through a task it started: ``gather``,
``wait_for``) that has not ended still waits for a free pool thread, it is
``queued`` again, until the first of them starts.

How a run ends: every task done; ``LoopStuck`` (the rest can never finish);
or an ``EngineStop`` (the real-time limit, the simulated cap). A stop found
anywhere (a task, a loop callback, the selector) ends the loop at once, and
no learner code runs after it: a task's next step raises the stop instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import signal
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from sandbox.i18n import tr
from sandbox.lab.clock import NS, VirtualClock, real_perf_counter
from sandbox.lab.loop import LoopStuck, StepWatch, VirtualLoop
from sandbox.lab.pool import VirtualPool
from sandbox.lab.timeline import RequestLog
from sandbox.limits import EngineStop

CLEANUP_GRACE_S = 0.5
Serve = Callable[[RequestLog], Coroutine[Any, Any, None]]
# The request a task works for: set in each request task's context, which the tasks it
# starts copy, so that a pool call made in a gather() is the request's too.
_REQUEST: contextvars.ContextVar[RequestLog | None] = contextvars.ContextVar(
    "lab_request", default=None)


class WorkerLoop:
    def __init__(self, clock: VirtualClock, pool: VirtualPool, deadline: float | None) -> None:
        self.clock = clock
        self.loop = VirtualLoop(clock, pool, deadline)
        self.pool = pool
        self.tasks: dict[asyncio.Task[Any], RequestLog] = {}
        self.calls: dict[int, list[tuple[int, int]]] = {}  # request index -> (start, done)
        self.stop: BaseException | None = None
        self.stuck = 0  # requests that could never finish
        self._left = 0
        self._tracking = True  # off while the leftovers are cancelled at the end

    def run(self, logs: list[RequestLog], serve: Serve) -> None:
        """Serve ``logs`` (sorted by arrival); an EngineStop propagates after the clean-up."""
        loop, clock = self.loop, self.clock
        clock.now_ns = 0
        self._left = len(logs)
        outer = asyncio._get_running_loop()  # a caller's loop (a notebook) is set aside
        asyncio._set_running_loop(None)
        loop.on_ready = self._ready
        self.pool.on_call = self._pool_call
        loop.set_exception_handler(self._on_error)
        pending = list(reversed(logs))

        def arrive() -> None:
            # One timer for all arrivals due: timers due at the same time do not run in the
            # order they were set (a heap), and requests must start in index order.
            while pending and pending[-1].arrival_ns <= clock.now_ns:
                self._start(pending.pop(), serve)
            if pending:
                loop.call_at(pending[-1].arrival_ns / NS, arrive)

        try:
            loop.call_at(pending[-1].arrival_ns / NS, arrive)
            try:
                loop.run_forever()
            except LoopStuck:
                self.stuck += sum(1 for log in logs if log.end_ns is None)
            except EngineStop as exc:
                self._halt(exc)
        finally:
            self._finish(logs)
            asyncio._set_running_loop(outer)
        if self.stop is not None:
            raise self.stop

    # -- hooks ------------------------------------------------------------------------------
    def _start(self, log: RequestLog, serve: Serve) -> None:
        def begin() -> None:
            if self.stop is not None:  # the run is over: no more learner code
                raise self.stop
            if self._tracking:
                log.mark("running", self.clock.now_ns)
                self.clock.cpu_begin()

        def end(error: BaseException | None) -> None:
            try:
                if self._tracking:
                    self.clock.cpu_end()  # may pass the cap
            except EngineStop as exc:
                self._halt(exc)
                raise
            if isinstance(error, EngineStop):
                self._halt(error)
                return  # cut off, not finished: _finish marks it
            if not self._tracking:
                return
            if error is not None:  # StopIteration: the app returned
                log.finish(self.clock.now_ns)
            else:
                self._wait(log, self.clock.now_ns)

        context = contextvars.copy_context()
        context.run(_REQUEST.set, log)
        task = self.loop.create_task(StepWatch(serve(log), begin, end), context=context)
        self.tasks[task] = log
        task.add_done_callback(self._done)

    def _wait(self, log: RequestLog, now: int) -> None:
        """Its task awaits: ``queued`` while none of its pool calls still to end has a
        thread yet (``waiting`` from the first one's start), else ``waiting``."""
        calls = [call for call in self.calls.get(log.index, ()) if call[1] > now]
        self.calls[log.index] = calls
        first = min((start for start, _ in calls), default=now)
        if first > now:
            log.mark("queued", now)
            log.plan("waiting", first)
        else:
            log.mark("waiting", now)

    def _pool_call(self, now: int, start: int, done: int) -> None:
        log = _REQUEST.get()
        if log is None or not self._tracking or log.end_ns is not None:
            return
        self.calls.setdefault(log.index, []).append((start, done))
        log.settle(now)
        # Made by a task the request started while its own task awaits (after its own step,
        # _wait sees the call then).
        if log.start_ns is not None and log.state in ("waiting", "queued"):
            self._wait(log, now)

    def _ready(self, task: asyncio.Task[Any]) -> None:
        log = self.tasks.get(task)
        if log is None:
            return
        log.settle(self.clock.now_ns)
        # queued after its first step: for a pool thread (a timeout may wake it first)
        if log.state == "waiting" or (log.state == "queued" and log.start_ns is not None):
            log.mark("blocked", self.clock.now_ns)

    def _done(self, task: asyncio.Task[Any]) -> None:
        log = self.tasks.get(task)
        if log is not None:
            self.calls.pop(log.index, None)
        self._left -= 1
        if self._left == 0:
            self.loop.stop()

    def _halt(self, reason: BaseException) -> None:
        # Other tasks may be due in this same turn of the loop: their begin() stops them.
        if self.stop is None:
            self.stop = reason
        self.loop.stop()

    def _on_error(self, _: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # asyncio catches what a callback raises and logs it: a stop it caught there (the
        # real-time limit's signal landing in a callback) must still end the run.
        reason = context.get("exception")
        if isinstance(reason, EngineStop):
            self._halt(reason)
        else:
            self.loop.default_exception_handler(context)

    # -- the end ----------------------------------------------------------------------------
    def _finish(self, logs: list[RequestLog]) -> None:
        self._tracking = False
        for log in logs:
            if log.end_ns is None:
                log.stop(self.clock.now_ns)
                log.error = log.error or (
                    tr("not finished when the simulation stopped") if self.stop is not None
                    else tr("never finished: it awaited something that never happened"))
        self.loop.on_ready = None
        self.pool.on_call = None
        limit, self.clock.limit_ns = self.clock.limit_ns, 2**62  # clean-up may need timers
        try:
            self._close()
        finally:
            self.clock.limit_ns = limit

    def _close(self) -> None:
        """Cancel what is left, close async generators, close the loop; never raise.

        After a stop a task's next step ends it unrun; after a stuck run cancelling runs
        the learner's clean-up code, which gets a short real-time grace of its own.
        """
        loop = self.loop
        loop.set_deadline(real_perf_counter() + CLEANUP_GRACE_S)
        with _alarm_held():
            left = [t for t in self.tasks if not t.done()]
            for task in left:
                task.cancel()
            if left:
                with contextlib.suppress(Exception, EngineStop):
                    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            with contextlib.suppress(Exception, EngineStop):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


@contextlib.contextmanager
def _alarm_held() -> Iterator[None]:
    """Hold the real-time limit's SIGALRM while the loop is taken down, so that it cannot
    land half-way through (a loop left open); if it came, it is delivered right after."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)
