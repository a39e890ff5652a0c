"""The lab's figures (makespan, throughput, latency percentiles) and its notes for learners.

Latency is a request's end minus its arrival. Percentiles use the nearest-rank
method: p50 of n sorted latencies is the one at rank ceil(0.50 * n), p99 the
one at ceil(0.99 * n), always a latency some request really had. Makespan is
from the first arrival (time 0) to the last end; max_in_flight is the largest
number of requests being served at once (started, not yet ended). Requests the
simulation cut off count only in makespan and max_in_flight.
"""

from __future__ import annotations

import math
from typing import Any

from sandbox.i18n import tr
from sandbox.lab.clock import MS_NS, NS
from sandbox.lab.timeline import RequestLog, ms


def nearest_rank(sorted_values: list[int], percent: float) -> int:
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def figures(logs: list[RequestLog], stopped_ns: int | None) -> dict[str, Any]:
    ends = [(log.arrival_ns, log.end_ns) for log in logs if log.end_ns is not None]
    latencies = sorted(end - arrival for arrival, end in ends)
    makespan = stopped_ns if stopped_ns is not None else max((e for _, e in ends), default=0)
    return {
        "makespan_ms": ms(makespan),
        # Unbounded when everything took 0 ms: null rather than a made-up figure.
        "throughput_rps": round(len(ends) / (makespan / NS), 3) if makespan > 0 else None,
        "p50_ms": ms(nearest_rank(latencies, 50)) if latencies else None,
        "p99_ms": ms(nearest_rank(latencies, 99)) if latencies else None,
        "mean_ms": round(sum(latencies) / len(latencies) / MS_NS, 3) if latencies else None,
        "max_in_flight": max_in_flight(logs, makespan),
    }


def max_in_flight(logs: list[RequestLog], stop_ns: int) -> int:
    edges: list[tuple[int, int]] = []
    for log in logs:
        if log.start_ns is None:
            continue
        end = log.end_ns if log.end_ns is not None else stop_ns
        edges += [(log.start_ns, 1), (end, -1)] if end > log.start_ns else []
    # At equal times ends come first: a thread freed at t serves the next request from t.
    count = best = 0
    for _, step in sorted(edges):
        count += step
        best = max(best, count)
    return best or (1 if logs else 0)


def common_notes(logs: list[RequestLog], makespan_ms: float, stopped_s: int | None) -> list[str]:
    notes: list[str] = []
    failed = [log for log in logs if log.error and log.end_ns is not None]
    if failed:
        notes.append(tr("{count} request(s) failed; the first: {error}",
                        count=len(failed), error=failed[0].error))
    if stopped_s is not None:
        left = sum(1 for log in logs if log.end_ns is None)
        notes.append(tr("The simulation stopped at {seconds} s of simulated time (the lab's "
                        "cap): {count} request(s) had not finished.",
                        seconds=stopped_s, count=left))
    if makespan_ms == 0 and logs:
        notes.append(tr("Every request finished in 0 ms of simulated time: none slept, and "
                        "the lab counts CPU bursts under 0.5 ms as free."))
    return notes


def thread_notes(logs: list[RequestLog], workers: int, threads: int, queued: int,
                 gil_waits: int, gil_wait_ns: int) -> list[str]:
    notes: list[str] = []
    slots = workers * threads
    if queued:
        longest = max((log.start_ns or 0) - log.arrival_ns for log in logs)
        notes.append(tr("All {slots} thread(s) ({workers} worker(s) x {threads} thread(s)) "
                        "were busy, so {count} request(s) queued, the longest for {wait} ms. "
                        "A thread serves one request from start to end, even while it "
                        "sleeps.", slots=slots, workers=workers, threads=threads,
                        count=queued, wait=_num(ms(longest))))
    if gil_waits:
        notes.append(tr("CPU work needs the GIL, which one thread per worker process holds "
                        "at a time: {count} CPU stretch(es) waited {wait} ms in all for it. "
                        "More workers (processes) run CPU work in parallel; more threads "
                        "do not.", count=gil_waits, wait=_num(ms(gil_wait_ns))))
    return notes


def loop_notes(logs: list[RequestLog], workers: int, pool: int, sleeps: list[int],
               pool_calls: int, pool_queued: int, pool_queued_ns: int, stuck: int,
               in_flight: int) -> list[str]:
    notes: list[str] = []
    if sleeps:
        notes.append(tr("time.sleep() inside async def blocked the event loop {count} "
                        "time(s), {total} ms in all (the longest {longest} ms): every other "
                        "request on that loop waited. Use await asyncio.sleep() instead.",
                        count=len(sleeps), total=_num(ms(sum(sleeps))),
                        longest=_num(ms(max(sleeps)))))
    elif in_flight > workers:
        notes.append(tr("While one request awaited, its loop ran the others: up to {count} "
                        "requests were in flight at once on {workers} event loop(s).",
                        count=in_flight, workers=workers))
    if pool_calls:
        notes.append(tr("{count} call(s) went to the thread pool of {pool} thread(s) per "
                        "worker (asyncio.to_thread, run_in_executor, run_in_threadpool).",
                        count=pool_calls, pool=pool))
    if pool_queued:
        notes.append(tr("All {pool} pool thread(s) were busy, so {count} call(s) waited for a "
                        "free one, {wait} ms in all.", pool=pool, count=pool_queued,
                        wait=_num(ms(pool_queued_ns))))
    if stuck:
        notes.append(tr("{count} request(s) never finished: they awaited something that "
                        "never happened (nothing was left to run and no timer was set).",
                        count=stuck))
    return notes


def _num(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:.0f}"
