"""One child of the zygote, from its fork until it is reaped.

A ``Run`` is either a **prepared child** (every wall is up, its learner
process waits for a job on the job pipe; ``id == 0``) or a run that has been
handed a job (``id`` is the job's). The zygote keeps the bytes a child sends
back in ``chunks`` (bytearrays zeroed once used) and never decodes them.

A prepared child frames its result: an 8-byte length, then the trace. When
the pipe has ended with exactly that many bytes, and they look like a JSON
object, the result is complete and the zygote may answer before the run's
processes are gone (``complete``). Children of the simple path (``child_main``
and the test children) write the bare trace and are answered from their exit.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import struct
from dataclasses import dataclass, field

from sandbox.isolation import protocol

CHUNK = 64 * 1024
# Before the job's body on a job pipe: its length and when the zygote handed it over
# (CLOCK_MONOTONIC, the same clock in every process of the machine).
JOB_HEAD = struct.Struct(">Qd")
# Before a prepared child's trace on its result pipe: the trace's length.
RESULT_HEAD = struct.Struct(">Q")


@dataclass(eq=False)
class Run:
    pid: int  # process A, the zygote's own child
    slot: int  # -1: the self-test
    fd: int | None  # result pipe, read end
    cap: int  # most trace bytes accepted
    framed: bool  # a prepared child: its result has a RESULT_HEAD
    started: float
    job_fd: int | None = None  # job pipe, write end (a prepared child, until its job is written)
    status_fd: int | None = None  # forked as pid 1 of a PID namespace: its learner's status
    id: int = 0  # the job's id; 0 while a prepared child waits
    deadline: float = math.inf  # the wall-clock limit, from the moment the job is handed over
    job: bytearray | None = None  # JOB_HEAD + body, being written to the job pipe
    job_sent: int = 0
    head: bytearray = field(default_factory=lambda: bytearray(RESULT_HEAD.size))
    head_fill: int = 0
    chunks: list[bytearray] = field(default_factory=list)
    fill: int = 0  # bytes used in the last chunk
    size: int = 0
    wall_killed: bool = False
    oversize: bool = False
    answered: bool = False  # answered from a complete result; only reaping is left
    eof_ms: float = 0.0  # when its result pipe closed (the rest is the processes' exit)

    def read(self) -> str:
        """Read what the result pipe holds now: "more" (it would block), "eof" or "over"."""
        while self.fd is not None:
            if self.framed and self.head_fill < len(self.head):
                view = memoryview(self.head)[self.head_fill :]
            else:
                if not self.chunks or self.fill == CHUNK:
                    self.chunks.append(bytearray(CHUNK))
                    self.fill = 0
                view = memoryview(self.chunks[-1])[self.fill :]
            try:
                n = os.readv(self.fd, [view])
            except BlockingIOError:
                return "more"
            except OSError:
                n = 0
            if n == 0:
                return "eof"
            if self.framed and self.head_fill < len(self.head):
                self.head_fill += n
                continue
            self.fill += n
            self.size += n
            if self.size > self.cap:
                self.oversize = True
                return "over"
        return "eof"

    def complete(self) -> bool:
        """A framed result whose announced length arrived in full, shaped like an object.

        Whether it is a valid trace the Executor decides (strict JSON); what a learner
        forged on its own result pipe can only misreport its own run.
        """
        if not self.framed or self.oversize or self.head_fill < len(self.head) or not self.size:
            return False
        if RESULT_HEAD.unpack(self.head)[0] != self.size:
            return False
        last = self.size - 1
        return (self.chunks[0][0] == ord("{")
                and self.chunks[last // CHUNK][last % CHUNK] == ord("}"))

    def hand(self, job_id: int, body: memoryview, now: float, wall: float) -> None:
        """Take a job (a view of the body, released here): it now waits for the job pipe."""
        job = bytearray(JOB_HEAD.size + len(body))
        JOB_HEAD.pack_into(job, 0, len(body), now)
        # Through a memoryview: ``bytearray[a:b] = view`` would copy the body into a
        # temporary bytearray first and free it unzeroed, where the next fork finds it.
        memoryview(job)[JOB_HEAD.size :] = body
        body.release()
        self.id, self.job, self.job_sent = job_id, job, 0
        self.started, self.deadline = now, now + wall

    def write_job(self) -> bool:
        """Write what the job pipe takes now; True when done (or the child is gone)."""
        while self.job is not None and self.job_fd is not None and self.job_sent < len(self.job):
            try:
                self.job_sent += os.write(self.job_fd, memoryview(self.job)[self.job_sent :])
            except BlockingIOError:
                return False
            except OSError:  # EPIPE: the child died; its exit status will say how
                break
        return True

    def wipe_job(self) -> None:
        if self.job is not None:
            protocol.zero(self.job)
            self.job = None

    def wipe(self) -> list[bytearray]:
        """Zero the job; the result's chunks are handed over (to be sent, then zeroed)."""
        self.wipe_job()
        chunks, self.chunks = self.chunks, []
        return chunks

    def buffers(self) -> list[bytearray]:
        """Every bytearray holding this run's job or result (a fork wipes its copies)."""
        return [*self.chunks, *([self.job] if self.job is not None else [])]


def children(pid: int) -> list[int]:
    """The children of a process of ours (for a run: its init), from /proc."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def kill(pid: int, group_only: bool = False) -> None:
    """SIGKILL the run's process group (it called setsid) and the process itself.

    Only for a pid not reaped yet: a reaped pid may already belong to a stranger.
    The group holds the run's init too, and init's death empties its PID namespace.
    """
    for send in (os.killpg,) if group_only else (os.killpg, os.kill):
        with contextlib.suppress(OSError):  # already gone, or the group never existed
            send(pid, signal.SIGKILL)
