"""One request's life on the timeline: its spans, its answer, and how it ended.

Both server models fill a ``RequestLog`` the same way: ``mark(state, at)``
closes the span in progress and opens the next, so spans never overlap and
cover the request from its arrival to its end. A change known in advance (a
pool call that will get its thread at a known time) is ``plan``-ned, and made
by the next mark once due. States (docs/lab.md):

- ``queued``: arrived, but no thread (or, on a loop, no turn) has taken it yet;
  on a loop also: it awaits a pool call that no pool thread has taken yet;
- ``running``: its code is executing (on a loop: its task step, including a
  ``time.sleep`` that holds the loop);
- ``waiting``: it awaits, or sleeps in its own thread, and needs no CPU;
- ``blocked``: it is ready to run, but another request holds the loop or the GIL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox import loader
from sandbox.i18n import tr
from sandbox.lab.clock import MS_NS

STATES = ("queued", "running", "waiting", "blocked")
# A run's JSON must stay small (result size limits): beyond this many spans a request
# keeps its first ones and says "spans_truncated".
MAX_SPANS_TOTAL = 20_000


@dataclass
class RequestLog:
    index: int
    arrival_ns: int
    worker: int = 0
    thread: int | None = None
    start_ns: int | None = None  # when a thread (or the loop) first ran it
    end_ns: int | None = None
    status: int | None = None
    error: str | None = None
    body_bytes: int = 0
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    _state: str | None = None
    _since: int = 0
    _next: tuple[str, int] | None = None  # a planned change: (state, at_ns)

    def mark(self, state: str, at_ns: int) -> None:
        """From ``at_ns`` on, the request is in ``state`` (a planned change not yet due by
        then is dropped: what happened first wins)."""
        self.settle(at_ns)
        self._next = None
        if state == self._state:
            return
        self._close(at_ns)
        if state == "running" and self.start_ns is None:
            self.start_ns = at_ns
        self._state, self._since = state, at_ns

    def plan(self, state: str, at_ns: int) -> None:
        """From ``at_ns`` (later than now) on, the request will be in ``state``, unless a
        mark comes before then."""
        self._next = (state, at_ns)

    def settle(self, at_ns: int) -> None:
        """Make the planned change if it is due by ``at_ns`` (``state`` is then current)."""
        if self._next is not None and self._next[1] <= at_ns:
            state, since = self._next
            self._next = None
            self.mark(state, since)

    @property
    def state(self) -> str | None:
        return self._state

    @property
    def since(self) -> int:
        """When the current state began."""
        return self._since

    def _close(self, at_ns: int) -> None:
        """End the span in progress at ``at_ns`` (an instant leaves no span; a span that
        continues the previous one's state with only instants between extends it)."""
        if self._state is None or at_ns <= self._since:
            return
        if self.spans and self.spans[-1][0] == self._state and self.spans[-1][2] == self._since:
            self.spans[-1] = (self._state, self.spans[-1][1], at_ns)
        else:
            self.spans.append((self._state, self._since, at_ns))

    def finish(self, at_ns: int) -> None:
        self.settle(at_ns)
        self._next = None
        self._close(at_ns)
        if self.start_ns is None:
            self.start_ns = at_ns
        if not self.spans:  # all its work was free (under 0.5 ms): one instant of running
            self.spans.append(("running", at_ns, at_ns))
        self._state = None
        self.end_ns = at_ns

    def stop(self, at_ns: int) -> None:
        """The simulation ended (its time cap) before this request did."""
        self.settle(at_ns)
        self._next = None
        self._close(at_ns)
        self._state = None

    def as_json(self, max_spans: int) -> dict[str, Any]:
        latency = None if self.end_ns is None else ms(self.end_ns - self.arrival_ns)
        spans = self.spans if len(self.spans) <= max_spans else self.spans[:max_spans]
        data: dict[str, Any] = {
            "index": self.index,
            "arrival_ms": ms(self.arrival_ns),
            "start_ms": None if self.start_ns is None else ms(self.start_ns),
            "end_ms": None if self.end_ns is None else ms(self.end_ns),
            "latency_ms": latency,
            "status": self.status,
            "worker": self.worker,
            "thread": self.thread,
            "spans": [{"state": s, "start_ms": ms(a), "end_ms": ms(b)} for s, a, b in spans],
            "error": self.error,
        }
        if len(spans) < len(self.spans):
            data["spans_truncated"] = len(self.spans) - len(spans)
        return data


def ms(ns: int) -> float:
    return round(ns / MS_NS, 3)


def describe_error(exc: BaseException, filename: str) -> str:
    """One line for the request's ``error``: the exception and the line of the learner's code."""
    info = loader.format_error(exc, filename)
    error = f"{info['type']}: {info['message']}"
    if not info.get("line"):
        return error
    return tr("{error} (line {line} of {filename})", error=error, line=info["line"],
              filename=filename)
