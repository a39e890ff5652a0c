"""Figures: nearest-rank percentiles, in-flight counting, throughput."""

from __future__ import annotations

from sandbox.lab.clock import MS_NS
from sandbox.lab.stats import figures, max_in_flight, nearest_rank
from sandbox.lab.timeline import RequestLog


def log(index: int, arrival: int, start: int, end: int | None) -> RequestLog:
    entry = RequestLog(index, arrival * MS_NS)
    entry.mark("queued", arrival * MS_NS)
    entry.mark("running", start * MS_NS)
    if end is not None:
        entry.finish(end * MS_NS)
    return entry


def test_nearest_rank() -> None:
    values = list(range(1, 101))
    assert nearest_rank(values, 50) == 50
    assert nearest_rank(values, 99) == 99
    assert nearest_rank([7], 99) == 7
    assert nearest_rank([1, 2, 3], 50) == 2


def test_figures() -> None:
    logs = [log(0, 0, 0, 1000), log(1, 0, 1000, 2000), log(2, 0, 1000, 3000)]
    numbers = figures(logs, None)
    assert numbers["makespan_ms"] == 3000.0
    assert numbers["throughput_rps"] == 1.0
    assert numbers["p50_ms"] == 2000.0
    assert numbers["p99_ms"] == 3000.0
    assert numbers["mean_ms"] == 2000.0
    assert numbers["max_in_flight"] == 2


def test_a_request_ending_as_another_starts_is_not_in_flight_with_it() -> None:
    logs = [log(0, 0, 0, 10), log(1, 0, 10, 20)]
    assert max_in_flight(logs, 20 * MS_NS) == 1


def test_zero_makespan_has_no_throughput_figure() -> None:
    numbers = figures([log(0, 0, 0, 0)], None)
    assert numbers["makespan_ms"] == 0.0
    assert numbers["throughput_rps"] is None
    assert numbers["max_in_flight"] == 1


def test_unfinished_requests_count_only_in_makespan_and_in_flight() -> None:
    logs = [log(0, 0, 0, 1000), log(1, 0, 0, None)]
    numbers = figures(logs, 600_000 * MS_NS)
    assert numbers["makespan_ms"] == 600_000.0
    assert numbers["p99_ms"] == 1000.0
    assert numbers["max_in_flight"] == 2
