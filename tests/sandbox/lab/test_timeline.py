"""A request's spans: marks close the span in progress; a planned change waits its turn."""

from __future__ import annotations

from sandbox.lab.clock import MS_NS
from sandbox.lab.timeline import RequestLog


def spans(log: RequestLog) -> list[tuple[str, float, float]]:
    return [(s["state"], s["start_ms"], s["end_ms"]) for s in log.as_json(100)["spans"]]


def test_a_planned_change_is_made_by_the_next_mark_once_due() -> None:
    log = RequestLog(0, 0)
    log.mark("queued", 0)
    log.plan("waiting", 1000 * MS_NS)
    log.mark("blocked", 2000 * MS_NS)
    log.finish(2500 * MS_NS)
    assert spans(log) == [("queued", 0.0, 1000.0), ("waiting", 1000.0, 2000.0),
                          ("blocked", 2000.0, 2500.0)]


def test_a_mark_before_the_planned_time_drops_the_plan() -> None:
    log = RequestLog(0, 0)
    log.mark("queued", 0)
    log.plan("waiting", 1000 * MS_NS)
    log.mark("blocked", 300 * MS_NS)
    log.finish(2000 * MS_NS)
    assert spans(log) == [("queued", 0.0, 300.0), ("blocked", 300.0, 2000.0)]


def test_settle_makes_state_current() -> None:
    log = RequestLog(0, 0)
    log.mark("queued", 0)
    log.plan("waiting", 1000 * MS_NS)
    log.settle(999 * MS_NS)
    assert log.state == "queued"
    log.settle(1000 * MS_NS)
    assert (log.state, log.since) == ("waiting", 1000 * MS_NS)


def test_a_stop_makes_a_due_plan_first() -> None:
    log = RequestLog(0, 0)
    log.mark("queued", 0)
    log.plan("waiting", 1000 * MS_NS)
    log.stop(1500 * MS_NS)
    assert spans(log) == [("queued", 0.0, 1000.0), ("waiting", 1000.0, 1500.0)]
    assert log.end_ns is None
