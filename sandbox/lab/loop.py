"""An asyncio event loop on the virtual clock (the approach of the ``looptime`` library).

``VirtualLoop.time()`` is the simulated clock. Its selector polls the real file
descriptors without waiting; when nothing is ready it moves the clock to the
next timer instead of sleeping, so ``await asyncio.sleep(1)`` costs no real
time. When nothing is ready and no timer is set, nothing can ever happen
again: ``LoopStuck`` (every request left awaits something no one will do).

It also watches the request tasks: ``call_soon`` is how a task is scheduled to
take its next step (created, or woken by the future it awaited), which is the
moment it becomes ready; ``StepWatch`` wraps a task's coroutine to note when
each step starts and ends. ``run_in_executor`` goes to the virtual pool.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import selectors
from collections.abc import Callable, Coroutine, Generator
from typing import Any, TypeVar, TypeVarTuple, Unpack

from sandbox.lab.clock import NS, VirtualClock, real_perf_counter
from sandbox.lab.pool import VirtualPool
from sandbox.limits import RunTimeout

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


class LoopStuck(Exception):
    """Nothing is ready and no timer is set: the requests left can never finish."""


class _VirtualSelector:
    def __init__(self, real: selectors.BaseSelector, clock: VirtualClock,
                 deadline: float | None) -> None:
        self._real = real
        self._clock = clock
        self._deadline = deadline

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        # The real-time limit, once per turn of the loop: the engine's SIGALRM may land in
        # a callback, where asyncio's Handle catches and logs it (and the loop goes on).
        if self._deadline is not None and real_perf_counter() > self._deadline:
            raise RunTimeout("the lab's real-time limit")
        ready = self._real.select(0)
        if ready:
            return ready
        if timeout is None:
            raise LoopStuck
        self._clock.jump(timeout)
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock: VirtualClock, pool: VirtualPool,
                 deadline: float | None = None) -> None:
        real = selectors.DefaultSelector()
        super().__init__(real)
        self._clock = clock
        self._pool = pool
        # The base class keeps its selector in a private attribute (as looptime does too).
        setattr(self, "_selector", _VirtualSelector(real, clock, deadline))  # noqa: B010
        self._clock_resolution = 1e-9
        self.on_ready: Callable[[asyncio.Task[Any]], None] | None = None

    def set_deadline(self, deadline: float | None) -> None:
        """Give up (RunTimeout) once real ``perf_counter()`` passes ``deadline``."""
        self._selector._deadline = deadline  # type: ignore[attr-defined]

    def time(self) -> float:
        return self._clock.now_ns / NS

    def call_soon(self, callback: Callable[[Unpack[Ts]], object], *args: *Ts,
                  context: contextvars.Context | None = None) -> asyncio.Handle:
        handle = super().call_soon(callback, *args, context=context)
        owner = getattr(callback, "__self__", None)
        if self.on_ready is not None and isinstance(owner, asyncio.Task):
            self.on_ready(owner)
        return handle

    def run_in_executor(self, executor: concurrent.futures.Executor | None,
                        func: Callable[[Unpack[Ts]], T], *args: *Ts) -> asyncio.Future[T]:
        # Whatever executor was asked for, the lab's pool of `pool` virtual threads serves it.
        return self._pool.submit(self, func, args)


class StepWatch(Coroutine[Any, Any, Any]):
    """A coroutine that calls ``begin()`` before each step and ``end(error)`` after it.

    ``error`` is None when the step yielded, else what ended the coroutine
    (StopIteration when it returned). ``begin`` may raise to end the task unrun.
    """

    def __init__(self, coro: Coroutine[Any, Any, Any], begin: Callable[[], None],
                 end: Callable[[BaseException | None], None]) -> None:
        self._coro = coro
        self._begin = begin
        self._end = end

    def _start(self) -> None:
        try:
            self._begin()
        except BaseException:
            self._coro.close()  # it will never run: no "never awaited" warning for it
            raise

    def send(self, value: Any) -> Any:
        self._start()
        error: BaseException | None = None
        try:
            return self._coro.send(value)
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._end(error)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        self._start()
        error: BaseException | None = None
        try:
            if val is None and tb is None:
                return self._coro.throw(typ)
            return self._coro.throw(typ, val, tb)
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._end(error)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        raise TypeError("StepWatch is a task's coroutine, not something to await")
