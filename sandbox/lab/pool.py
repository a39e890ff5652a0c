"""The virtual thread pool of the ASGI model: what ``asyncio.to_thread``,
``loop.run_in_executor`` and ``anyio.to_thread.run_sync`` (Starlette's
``run_in_threadpool``) hand their function to.

The simplification (docs/lab.md): the function really runs, at once, in the
loop's own thread, with its sleeps and CPU recorded off the loop's clock as
its duration. It takes the pool slot that frees first (the lowest-numbered
on a tie), starts when that slot is free (queuing FIFO when every slot is
busy) and its future resolves at that start plus its duration. Its CPU is not
taken from the loop (real pool threads would share the GIL with it).
``on_call(submitted, start, done)`` tells the worker's loop each call's times, so
that the request that made it shows as queued until its call has a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

from sandbox.lab.clock import NS, VirtualClock


class VirtualPool:
    def __init__(self, clock: VirtualClock, size: int) -> None:
        self.clock = clock
        self.size = size
        self.free_at = [0] * size
        self.calls = 0
        self.queued = 0  # calls that found every slot busy
        self.queued_ns = 0
        self.on_call: Callable[[int, int, int], None] | None = None

    def reset(self) -> None:
        self.free_at = [0] * self.size

    def submit(self, loop: asyncio.AbstractEventLoop, func: Callable[..., Any],
               args: tuple[Any, ...]) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = loop.create_future()
        self.clock.commit()  # the calling step's CPU so far comes before the call
        now = self.clock.now_ns
        slot = min(range(self.size), key=lambda s: (self.free_at[s], s))
        start = max(now, self.free_at[slot])
        self.calls += 1
        if start > now:
            self.queued += 1
            self.queued_ns += start - now
        error: Exception | None = None
        value: Any = None
        with self.clock.record(start) as rec:
            try:
                value = func(*args)
            except Exception as exc:  # delivered to the awaiting task, as a pool would
                error = exc
        done = start + rec.elapsed_ns
        self.free_at[slot] = done
        loop.call_at(done / NS, _settle, future, value, error)
        if self.on_call is not None:
            self.on_call(now, start, done)
        return future


def _settle(future: asyncio.Future[Any], value: Any, error: Exception | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


@contextlib.contextmanager
def anyio_patched() -> Iterator[None]:
    """Send ``anyio.to_thread.run_sync`` (Starlette's ``run_in_threadpool``, FastAPI's sync
    endpoints) to the loop's executor, the virtual pool, while the block runs.

    anyio runs its own worker threads rather than ``run_in_executor``. Only patched when
    the app already imported it (importing anyio here would cost every lab run). Its
    ``limiter`` argument is ignored: the lab's ``pool`` is the limit.
    """
    module = sys.modules.get("anyio.to_thread")
    if module is None:
        yield
        return
    original = getattr(module, "run_sync")  # noqa: B009 (a module mypy sees as an object)

    async def run_sync(func: Callable[..., Any], *args: Any, abandon_on_cancel: bool = False,
                       cancellable: bool | None = None, limiter: Any = None) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, func, *args)

    setattr(module, "run_sync", run_sync)  # noqa: B010
    try:
        yield
    finally:
        setattr(module, "run_sync", original)  # noqa: B010
