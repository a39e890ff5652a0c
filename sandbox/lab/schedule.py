"""The discrete-event schedule of the WSGI model: who runs when, given each call's segments.

Requests arrive at their times and wait in one FIFO queue (gunicorn's workers
share the listening socket). A request goes to the first free thread: the
lowest worker, then the lowest thread index. A thread serves one request at a
time, from start to end. Its segments then run in order: a ``sleep`` needs
only time (its span is ``waiting``), a ``cpu`` stretch needs its worker's GIL,
so within one worker process CPU stretches run one at a time (FIFO; ``blocked``
while another thread holds it) while sleeps overlap. A stretch keeps the GIL
to its end (CPython hands it over every 5 ms: totals are the same, the order
in which requests finish may differ). Stretches of 0 ms (under 0.5 ms of CPU)
take no GIL turn. Simulated time stops at the lab's cap.
"""

from __future__ import annotations

import heapq
from collections import deque

from sandbox.i18n import tr
from sandbox.lab.timeline import RequestLog

ARRIVE, SEGMENT_DONE = 0, 1


class Schedule:
    def __init__(self, workers: int, threads: int, limit_ns: int) -> None:
        self.workers = workers
        self.threads = threads
        self.limit_ns = limit_ns
        self.now = 0
        self.stopped = False  # the cap ended the simulation
        self.queued = 0  # requests that found every thread busy
        self.gil_waits = 0
        self.gil_wait_ns = 0

    def run(self, logs: list[RequestLog], work: list[list[tuple[str, int]]]) -> None:
        free = [(w, t) for w in range(self.workers) for t in range(self.threads)]
        heapq.heapify(free)
        queue: deque[int] = deque()
        gil_holder: list[int | None] = [None] * self.workers
        gil_queue: list[deque[int]] = [deque() for _ in range(self.workers)]
        position = [0] * len(logs)  # index of each request's current segment
        events: list[tuple[int, int, int, int]] = []  # (time, seq, kind, request)
        seq = 0

        def push(at: int, kind: int, index: int) -> None:
            nonlocal seq
            heapq.heappush(events, (at, seq, kind, index))
            seq += 1

        def begin_segment(i: int) -> None:
            log, segments = logs[i], work[i]
            while position[i] < len(segments) and segments[position[i]][1] == 0:
                position[i] += 1
            if position[i] == len(segments):
                log.finish(self.now)
                heapq.heappush(free, (log.worker, log.thread or 0))
                return
            kind, ns = segments[position[i]]
            if kind == "sleep":
                log.mark("waiting", self.now)
                push(self.now + ns, SEGMENT_DONE, i)
            elif gil_holder[log.worker] is None:
                gil_holder[log.worker] = i
                log.mark("running", self.now)
                push(self.now + ns, SEGMENT_DONE, i)
            else:
                gil_queue[log.worker].append(i)
                log.mark("blocked", self.now)
                self.gil_waits += 1

        def dispatch() -> None:
            while queue and free:
                i = queue.popleft()
                worker, thread = heapq.heappop(free)
                log = logs[i]
                log.worker, log.thread = worker, thread
                if self.now > log.arrival_ns:
                    self.queued += 1
                log.start_ns = self.now
                log.mark("running", self.now)
                begin_segment(i)

        for log in logs:
            log.mark("queued", log.arrival_ns)
            push(log.arrival_ns, ARRIVE, log.index)
        while events:
            at, _, kind, i = heapq.heappop(events)
            if at > self.limit_ns:
                self.stopped = True
                self.now = self.limit_ns
                break
            self.now = at
            if kind == ARRIVE:
                queue.append(i)
            else:
                log = logs[i]
                was_cpu = work[i][position[i]][0] == "cpu"
                position[i] += 1
                if was_cpu:
                    gil_holder[log.worker] = None
                    waiting = gil_queue[log.worker]
                    if waiting:
                        j = waiting.popleft()
                        gil_holder[log.worker] = j
                        self.gil_wait_ns += self.now - logs[j].since
                        logs[j].mark("running", self.now)
                        push(self.now + work[j][position[j]][1], SEGMENT_DONE, j)
                begin_segment(i)
            dispatch()
        for log in logs:
            if log.end_ns is None:
                log.stop(self.now)
                log.error = log.error or tr(
                    "not finished when the simulation stopped at {seconds} s",
                    seconds=self.limit_ns // 10**9)
