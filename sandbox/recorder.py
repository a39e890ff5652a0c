"""The recorder: one ordered list of everything that passed between the parties.

The simulated servers call ``event`` for every interaction (the WSGI ``call``,
each ``start_response``, each ASGI ``receive``/``send``...) and ``violate`` for
every broken rule. Events get a sequence number and a time offset from the
start of the run; violations point at the event they are about, so the
diagram can colour that arrow red.

The recorder also guards the trace's size: an app that sends a million
messages must not build a million-entry trace, so past ``max_events`` it
raises ``EventLimit`` (a BaseException, so a learner's ``except Exception``
cannot swallow it) and the engine ends the run with outcome ``too_many_events``.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox import i18n, rules
from sandbox.encoding import JSON, encode
from sandbox.limits import EventLimit

# Events kept for one run before the run is stopped.
MAX_EVENTS = 5000
# Violations kept per rule id; repeats are counted, not listed (an endless loop
# of the same mistake should not bury the others).
MAX_SAME_VIOLATION = 5


class Recorder:
    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.events: list[dict[str, JSON]] = []
        self.violations: list[dict[str, JSON]] = []
        self.max_events = max_events
        self._start = time.perf_counter()
        self._rule_counts: dict[str, int] = {}
        # Which request of a multi-request scenario events belong to (None: lifespan/none).
        self.request_index: int | None = None
        # What the client received, one entry per scenario request, in order.
        self.responses: list[dict[str, JSON] | None] = []
        # The first exception that escaped the learner's app (the trace's "error").
        self.app_error: BaseException | None = None

    def fail(self, exc: BaseException) -> None:
        """Remember an exception that escaped the app; the first one is the one shown."""
        if self.app_error is None:
            self.app_error = exc

    def now_ms(self) -> float:
        return round((time.perf_counter() - self._start) * 1000, 3)

    def event(self, kind: str, data: dict[str, Any] | None = None, **extra: Any) -> int:
        """Record one interaction and return its sequence number.

        ``data`` is encoded with ``sandbox.encoding.encode`` (bytes get both a
        display and a lossless form). ``extra`` keys go on the event itself
        (for example ``actor="app"`` or ``line=12``).
        """
        if len(self.events) >= self.max_events:
            raise EventLimit(f"more than {self.max_events} events")
        seq = len(self.events)
        ev: dict[str, JSON] = {
            "seq": seq,
            "t_ms": self.now_ms(),
            "kind": kind,
            "data": encode(data or {}),
        }
        if self.request_index is not None:
            ev["request"] = self.request_index
        for key, value in extra.items():
            if value is not None:
                ev[key] = encode(value)
        self.events.append(ev)
        return seq

    def violate(self, rule_id: str, message: str, *, event: int | None = None) -> None:
        """Record that ``rule_id`` was broken; ``message`` says what happened, for a learner.

        ``event`` is the seq of the event at fault; by default the latest event.
        The title, why and fix come in the run's language (``sandbox.i18n``), as
        ``message`` does (the checks build it with ``i18n.tr``).
        """
        rule = rules.get(rule_id)
        count = self._rule_counts.get(rule_id, 0) + 1
        self._rule_counts[rule_id] = count
        if count > MAX_SAME_VIOLATION:
            # Keep the count on the last listed one so the learner knows it repeated.
            for v in reversed(self.violations):
                if v["rule"] == rule_id:
                    v["repeats"] = count - MAX_SAME_VIOLATION
                    break
            return
        if event is None and self.events:
            event = len(self.events) - 1
        text = i18n.rule_text(rule_id)
        self.violations.append(
            {
                "rule": rule.id,
                "severity": rule.severity,
                "title": text["title"],
                "message": message,
                "why": text["why"],
                "fix": text["fix"],
                "spec": rule.spec,
                "event": event,
            }
        )

    def has_violation(self, rule_id: str) -> bool:
        return rule_id in self._rule_counts
