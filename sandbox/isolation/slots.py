"""Run slots inside the zygote: a prepared child per slot, and one run per slot uid.

Slot ``n`` runs as uid ``base_uid + n``. Its rule: a process of the slot's
next run (a prepared child included, since it drops to that uid before it
waits) is forked only once every process of its last run has been reaped:
process A, and the run's init when A was killed before it (init is then
re-parented to the zygote, the subreaper, and empties its PID namespace as
it dies). Without that, a lingering process of run 1 could share the uid,
and its process count (``RLIMIT_NPROC``), with run 2, or signal it.

So a job waits in ``waiting`` until its slot is idle; a prepared child that
dies while it waits is replaced (after a short back-off if that repeats).
Strays re-parented to the zygote that belong to no slot (a run without a
PID namespace leaves them) hold back every slot until they are gone.
"""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.isolation import protocol, runs
from sandbox.isolation.handoff import Prepared
from sandbox.isolation.runs import Run

if TYPE_CHECKING:
    from sandbox.isolation.zygote import Zygote

MAX_BACKOFF_S = 1.0


@dataclass(eq=False)
class Slot:
    number: int
    prepared: Run | None = None  # walls up, waiting for a job
    live: set[int] = field(default_factory=set)  # its run's processes not reaped yet
    waiting: deque[tuple[int, bytearray, int]] = field(default_factory=deque)  # jobs
    failures: int = 0  # prepared children that died waiting, in a row
    retry_at: float = 0.0


class Slots:
    def __init__(
        self, zygote: Zygote, count: int, prepare: Prepared | None
    ) -> None:
        self.zygote = zygote
        self.prepare = prepare
        self.slots = [Slot(n) for n in range(count)]
        self.orphans = False  # strays of no slot's run are alive
        self.look = False  # a run was reaped: strays may have been re-parented to us

    def submit(self, number: int, job_id: int, frame: bytearray, head_len: int) -> None:
        if not 0 <= number < len(self.slots):
            protocol.zero(frame)
            raise protocol.ProtocolError(f"no slot {number}")
        slot = self.slots[number]
        slot.waiting.append((job_id, frame, head_len))
        self.dispatch(slot)

    def idle(self, slot: Slot) -> bool:
        return not slot.live and not self.orphans

    def dispatch(self, slot: Slot) -> None:
        """Start the slot's next job if nothing of its last run is left."""
        zygote = self.zygote
        while slot.waiting and self.idle(slot):
            job_id, frame, head_len = slot.waiting.popleft()
            if self.prepare is None:
                run = zygote.forks.simple(job_id, slot.number, frame, head_len, zygote.child,
                                         zygote.limits.wall_s)
                protocol.zero(frame)
                if run is not None:
                    slot.live.add(run.pid)
                continue
            run = slot.prepared or self._prepare(slot)
            if run is None:
                protocol.zero(frame)
                zygote.send({"type": "result", "id": job_id,
                             "spawn_error": "could not fork a child for the run"})
                continue
            slot.prepared, slot.failures = None, 0
            slot.live.add(run.pid)
            run.hand(job_id, memoryview(frame)[head_len:], time.monotonic(),
                     zygote.limits.wall_s)
            protocol.zero(frame)
            zygote.forks.wake(run)
            zygote.write_job(run)

    def dispatch_all(self) -> None:
        for slot in self.slots:
            self.dispatch(slot)
        self.refill()

    def refill(self) -> None:
        """A prepared child for every idle slot that has none."""
        if self.prepare is None:
            return
        now = time.monotonic()
        for slot in self.slots:
            if slot.prepared is None and self.idle(slot) and now >= slot.retry_at:
                self._prepare(slot)

    def _prepare(self, slot: Slot) -> Run | None:
        try:
            slot.prepared = self.zygote.forks.prepared(slot.number)
        except OSError:  # EAGAIN, EMFILE: try again later; a waiting job is answered
            self._back_off(slot)
        return slot.prepared

    def _back_off(self, slot: Slot) -> None:
        slot.failures += 1
        slot.retry_at = time.monotonic() + min(MAX_BACKOFF_S, 0.01 * 2 ** slot.failures)

    def track(self, number: int, pids: list[int]) -> None:
        """A run of this slot is being killed: its init (A's child) must be reaped too."""
        if 0 <= number < len(self.slots):
            self.slots[number].live.update(pids)

    def reaped(self, pid: int, run: Run | None) -> None:
        self.look = True
        for slot in self.slots:
            slot.live.discard(pid)
            if slot.prepared is not None and slot.prepared.pid == pid:
                slot.prepared = None  # died while it waited: replace it, not at once
                self._back_off(slot)
        if run is not None and 0 <= run.slot < len(self.slots):
            # A is gone: its init, if still alive, is now our child (we are its subreaper);
            # if A reaped it first, that pid is no longer the run's.
            slot = self.slots[run.slot]
            me = os.getpid()
            slot.live = {p for p in slot.live
                         if p not in self.zygote.runs and runs.parent_of(p) == me}

    def strays_pending(self) -> bool:
        return self.orphans or any(p not in self.zygote.runs
                                   for slot in self.slots for p in slot.live)

    def sweep(self) -> None:
        """After a reap, or while strays live: kill them, then start what may start."""
        if not (self.look or self.strays_pending()):
            self.refill()  # a back-off may have run out
            return
        self.look = False
        self.kill_orphans()
        self.dispatch_all()

    def kill_orphans(self) -> None:
        """Kill processes re-parented to us (we are a subreaper) that are no run's A."""
        stray = [p for p in runs.children(os.getpid()) if p not in self.zygote.runs]
        for pid in stray:
            runs.kill(pid)  # not reaped yet, so the pid is still that process's
        tracked = {p for slot in self.slots for p in slot.live}
        self.orphans = any(p not in tracked for p in stray)

    def retry_times(self) -> list[float]:
        now = time.monotonic()
        return [slot.retry_at for slot in self.slots if self.prepare is not None
                and slot.prepared is None and self.idle(slot) and slot.retry_at > now]

    def waiting_frames(self) -> list[bytearray]:
        return [frame for slot in self.slots for _, frame, _ in slot.waiting]

    def status(self) -> dict[str, Any]:
        """For tests and the doctor: each slot's prepared child and unreaped processes."""
        return {
            "prepared": {str(s.number): s.prepared.pid if s.prepared else None
                         for s in self.slots},
            "live": {str(s.number): sorted(s.live) for s in self.slots},
            "waiting": {str(s.number): len(s.waiting) for s in self.slots},
        }
