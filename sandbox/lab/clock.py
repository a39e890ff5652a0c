"""The virtual clock: simulated time that ``time.sleep`` and the time functions read.

During a lab run ``patched(clock)`` replaces ``time.sleep``, ``time.time``,
``time.monotonic``, ``time.perf_counter`` (and their ``_ns`` forms) so that a
sleep costs no real time: it moves simulated time on. CPU work is charged as it
really costs: the clock reads ``time.thread_time`` around each stretch of the
app's code and adds it, rounded to whole milliseconds per stretch (so bursts
under 0.5 ms are free, and an app that only sleeps gives the same timeline on
every run).

Two ways time moves:

- on the shared clock (``now_ns``): the event loop of the ASGI model. A
  ``time.sleep`` there holds the loop, so every task waits for it;
- inside a ``Recording``: a WSGI app call or a function sent to the thread
  pool. Its sleeps and CPU are noted as its own segments; the models place
  them on the timeline afterwards (a discrete-event schedule, or a pool slot).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sandbox.limits import EngineStop

NS = 1_000_000_000
MS_NS = 1_000_000
# The real functions, for the engine's own use while they are patched.
real_thread_time = time.thread_time
real_perf_counter = time.perf_counter
_REAL = {name: getattr(time, name) for name in (
    "sleep", "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")}


class SimulationLimit(EngineStop):
    """Simulated time went past the lab's cap."""


@dataclass
class Recording:
    """The segments of one piece of work: ("cpu" | "sleep", nanoseconds), in order."""

    origin_ns: int
    segments: list[tuple[str, int]] = field(default_factory=list)
    elapsed_ns: int = 0

    def add(self, kind: str, ns: int) -> None:
        if ns <= 0:
            return
        if self.segments and self.segments[-1][0] == kind:
            self.segments[-1] = (kind, self.segments[-1][1] + ns)
        else:
            self.segments.append((kind, ns))
        self.elapsed_ns += ns


def cpu_ns(seconds: float) -> int:
    """CPU seconds as charged: whole milliseconds, so bursts under 0.5 ms are free."""
    return round(seconds * 1000) * MS_NS


class VirtualClock:
    def __init__(self, limit_s: float, epoch: float | None = None) -> None:
        self.now_ns = 0
        self.limit_ns = round(limit_s * NS)
        # time.time() reads the real date at the start of the run plus simulated time.
        self.epoch = _REAL["time"]() if epoch is None else epoch
        self.recording: Recording | None = None
        self._cpu_mark: float | None = None  # thread_time when the open CPU stretch began
        # Called with the nanoseconds of a time.sleep() that held the shared clock (the loop).
        self.on_blocking_sleep: Callable[[int], None] | None = None

    # -- CPU stretches --------------------------------------------------------------------
    def cpu_begin(self) -> None:
        self._cpu_mark = real_thread_time()

    def cpu_end(self) -> int:
        """Close the open CPU stretch and charge it; the nanoseconds charged."""
        if self._cpu_mark is None:
            return 0
        charged = cpu_ns(real_thread_time() - self._cpu_mark)
        self._cpu_mark = None
        self._advance("cpu", charged)
        return charged

    def commit(self) -> None:
        """Charge the open CPU stretch now (and go on timing): ``now_ns`` is then current."""
        if self._cpu_mark is not None:
            self.cpu_end()
            self.cpu_begin()

    # -- sleeping ---------------------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """``time.sleep``: the same errors as the real one, simulated time instead of real."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an "
                            "integer or float")
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if seconds != seconds or seconds == float("inf"):
            raise SimulationLimit("an endless sleep")
        ns = round(seconds * NS)
        if self._cpu_mark is None:  # outside any request (importing the module): not timed
            return
        self.cpu_end()
        self._advance("sleep", ns)
        if self.recording is None and self.on_blocking_sleep is not None:
            self.on_blocking_sleep(ns)
        self.cpu_begin()

    def jump(self, seconds: float) -> None:
        """The event loop had nothing to do until a timer: move the shared clock there."""
        self._advance("idle", max(0, round(seconds * NS)))

    def _advance(self, kind: str, ns: int) -> None:
        if ns <= 0:
            return
        rec = self.recording
        if rec is not None:
            rec.add(kind, ns)
            if rec.origin_ns + rec.elapsed_ns > self.limit_ns:
                raise SimulationLimit("simulated time limit")
            return
        self.now_ns += ns
        if self.now_ns > self.limit_ns:
            raise SimulationLimit("simulated time limit")

    # -- reading --------------------------------------------------------------------------
    def read_ns(self) -> int:
        """What the app's clock shows: simulated time plus the CPU of the open stretch (so a
        loop that waits on time.perf_counter() still ends)."""
        rec = self.recording
        base = self.now_ns if rec is None else rec.origin_ns + rec.elapsed_ns
        if self._cpu_mark is not None:
            base += round((real_thread_time() - self._cpu_mark) * NS)
        return base

    @contextlib.contextmanager
    def record(self, origin_ns: int) -> Iterator[Recording]:
        """Time the work inside the block off the shared clock, as its own segments."""
        outer_mark, outer_rec = self._cpu_mark, self.recording
        if outer_mark is not None:
            self.cpu_end()  # the caller's CPU so far is the caller's, not the recording's
        rec = Recording(origin_ns)
        self.recording = rec
        self.cpu_begin()
        try:
            yield rec
        finally:
            try:
                self.cpu_end()
            finally:
                self.recording = outer_rec
                if outer_mark is not None:
                    self.cpu_begin()


@contextlib.contextmanager
def patched(clock: VirtualClock) -> Iterator[VirtualClock]:
    """Point the ``time`` module at ``clock`` for the block; always restored."""

    def seconds() -> float:
        return clock.read_ns() / NS

    replacements: dict[str, Callable[..., object]] = {
        "sleep": clock.sleep,
        "time": lambda: clock.epoch + clock.read_ns() / NS,
        "time_ns": lambda: round(clock.epoch * NS) + clock.read_ns(),
        "monotonic": seconds,
        "monotonic_ns": clock.read_ns,
        "perf_counter": seconds,
        "perf_counter_ns": clock.read_ns,
    }
    try:
        for name, function in replacements.items():
            setattr(time, name, function)
        yield clock
    finally:
        for name, function in _REAL.items():
            setattr(time, name, function)
