"""Run slots and a bounded queue: fair (first come, first served) and never hanging.

``slots`` runs may go at once. Each run also gets an identity, the number
``n`` it runs as (uid ``limits.base_uid + n``), so two runs at once never share
a uid (and its process count). There may be more identities than slots
(``limits.uids``): the zygote keeps a prepared child for each, and handing out
the identity that has been free longest (a FIFO) gives its replacement child
time to be ready before it is needed again. When every slot is busy a run
waits in a FIFO queue; when the queue is full too, ``acquire`` raises ``Busy``
at once with a ``retry_after`` estimate, so the API can answer 503 quickly
instead of piling up requests.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Busy(Exception):
    """Every slot is running and the queue is full; try again after ``retry_after`` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"the sandbox is busy; retry after {retry_after:.1f} s")
        self.retry_after = retry_after


class Pool:
    def __init__(self, slots: int, queue: int, identities: int = 0) -> None:
        if slots < 1 or queue < 0:
            raise ValueError(f"need at least one slot and a queue of 0 or more: {slots}, {queue}")
        self.slots = slots
        self.queue = queue
        self._free: deque[int] = deque(range(max(slots, identities)))
        self._running = 0
        self._waiters: deque[asyncio.Future[int]] = deque()
        self.completed = 0
        self.rejected = 0
        # Moving average of a run's duration, for Retry-After.
        self._avg_run_s = 0.05

    @property
    def running(self) -> int:
        return self._running

    @property
    def queued(self) -> int:
        return sum(1 for w in self._waiters if not w.done())

    def stats(self) -> dict[str, int]:
        return {
            "slots": self.slots,
            "running": self.running,
            "queued": self.queued,
            "completed": self.completed,
            "rejected": self.rejected,
        }

    def retry_after(self) -> float:
        """Seconds until a place in the queue is likely to be free (at least 1)."""
        backlog = self.queued + self.running
        return float(max(1, math.ceil(self._avg_run_s * backlog / self.slots)))

    async def acquire(self) -> int:
        """A free slot number; waits its turn, or raises Busy when the queue is full."""
        if self._running < self.slots and not self.queued:
            self._running += 1
            return self._free.popleft()
        if self.queued >= self.queue:
            self.rejected += 1
            raise Busy(self.retry_after())
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            # Cancelled after release() handed us a slot: pass it on, or it is lost.
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result(), ran_s=None)
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def release(self, slot: int, ran_s: float | None = None) -> None:
        if ran_s is not None:
            self.completed += 1
            self._avg_run_s = 0.8 * self._avg_run_s + 0.2 * ran_s
        self._free.append(slot)  # last in line: its next prepared child is not ready yet
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(self._free.popleft())  # straight to the oldest waiter
                return
        self._running -= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        loop = asyncio.get_running_loop()
        number = await self.acquire()
        started = loop.time()
        try:
            yield number
        finally:
            self.release(number, ran_s=loop.time() - started)
