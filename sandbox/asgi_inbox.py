"""The app's receive queue, and the server's view of whether the app can still move on.

The WebSocket and lifespan servers run the app as a task and play the other
party (client or process manager) from their own coroutine. That coroutine
must wait for the app without ever hanging: ``Inbox.wait_until`` returns as
soon as a condition holds, the app task has ended, or the app is *stalled*:
blocked in ``receive()`` on an empty queue, so only the other party can
unblock it. When the app started tasks of its own (a background sender), a
stalled main task may still be followed by messages, so the wait goes on for
``GRACE_S`` before it counts as stalled.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

Message = dict[str, Any]

# How long to wait for the app's own background tasks once its main task is stalled.
GRACE_S = 0.25
# Event-loop turns given to the app after each client action, so that it reacts
# before the next one (a real network is slower than the app).
SETTLE_SPINS = 50


class Inbox:
    def __init__(self) -> None:
        self.items: deque[Message] = deque()
        self.waiting = False  # the app is blocked in receive() on an empty queue
        self.task: asyncio.Task[Any] | None = None
        self._changed = asyncio.Event()
        self._arrived = asyncio.Event()
        self._grace_over = False
        # Tasks that are not the app's: the engine's own and earlier connections'.
        self._baseline = set(asyncio.all_tasks())

    # --- the app's side ---------------------------------------------------------------

    def put(self, message: Message) -> None:
        self.items.append(message)
        self._arrived.set()
        self.poke()

    def poke(self) -> None:
        """Something changed (a send, a receive, the app ended): wake the waiting party."""
        self._changed.set()

    async def get(self) -> Message:
        while not self.items:
            self.waiting = True
            self._arrived.clear()
            self.poke()
            try:
                await self._arrived.wait()
            finally:
                self.waiting = False
        return self.items.popleft()

    # --- the server's side --------------------------------------------------------------

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        self.task = asyncio.get_running_loop().create_task(coro)
        self.task.add_done_callback(lambda _t: self.poke())
        return self.task

    @property
    def app_done(self) -> bool:
        return self.task is not None and self.task.done()

    @property
    def stalled(self) -> bool:
        return self.waiting and not self.items

    async def settle(self) -> None:
        """Let the app run until it blocks in receive() or ends (bounded)."""
        for _ in range(SETTLE_SPINS):
            if self.app_done or self.stalled:
                return
            await asyncio.sleep(0)

    async def wait_until(self, cond: Callable[[], bool]) -> bool:
        """True once ``cond()`` holds; False if the app ended or is stalled first."""
        loop = asyncio.get_running_loop()
        while True:
            self._changed.clear()
            if cond():
                return True
            if self.app_done:
                return False
            if self.stalled:
                if not self._others_alive():
                    return False
                self._grace_over = False
                timer = loop.call_later(GRACE_S, self._end_grace)
                try:
                    await self._changed.wait()
                finally:
                    timer.cancel()
                if self._grace_over and self.stalled and not cond():
                    return False
                continue
            await self._changed.wait()

    async def cancel_app(self) -> None:
        """Cancel the stalled app task (as a server does when it exits) and wait for it."""
        task = self.task
        if task is None or task.done():
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the engine's own timeout, not ours

    def _end_grace(self) -> None:
        self._grace_over = True
        self.poke()

    def _others_alive(self) -> bool:
        others = asyncio.all_tasks() - self._baseline - {self.task}
        return any(not t.done() for t in others)
