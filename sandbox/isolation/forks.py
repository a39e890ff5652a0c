"""How the zygote forks its children: the simple path, prepared children, the self-test.

A prepared child is forked, where the zygote can (root, and its entry asks for
it), straight into a new PID namespace as that namespace's pid 1: the zygote
unshares ``CLONE_NEWPID`` (which only affects its next child), forks, and goes
back to its own namespace with ``setns``. That child is the run's init
(tree.run_as_init), so a run costs one Python fork, fault-in and exit fewer
than with a process A that unshares and forks init itself. The learner's wait
status comes back through a status pipe (``learner_status``): pid 1 of a
namespace cannot end itself by a signal to pass that status on.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import TYPE_CHECKING

from sandbox.isolation import capabilities, handoff, linux, protocol
from sandbox.isolation.handoff import ChildMain, Prepared
from sandbox.isolation.runs import Run

if TYPE_CHECKING:
    from sandbox.isolation.zygote import Zygote

PROBE_WALL_S = 30.0


class Forks:
    def __init__(self, zygote: Zygote, prepare: Prepared | None) -> None:
        self.zygote = zygote
        self.prepare = prepare
        # Our own PID namespace, to come back to after forking a child into a new one.
        self.pidns_fd: int | None = None
        if (prepare is not None and prepare.pid_namespace and linux.available()
                and os.geteuid() == 0):
            with contextlib.suppress(OSError):
                self.pidns_fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def simple(
        self, job_id: int, slot: int, frame: bytearray, head_len: int, entry: ChildMain,
        wall: float,
    ) -> Run | None:
        """Fork a child that gets its job from its copy of memory (the simple path)."""
        r = w = -1
        try:
            r, w = os.pipe()
            pid = os.fork()
        except OSError as exc:  # EAGAIN, EMFILE: answer, do not die
            for fd in (r, w):
                if fd >= 0:
                    os.close(fd)
            self.zygote.send({"type": "result", "id": job_id, "spawn_error": str(exc)})
            return None
        z = self.zygote
        if pid == 0:
            handoff.enter_child(w, slot, frame, head_len, z.others(), entry, z.limits, z.debug)
        os.close(w)
        started = time.monotonic()
        run = Run(pid, slot, r, self.zygote.limits.result_bytes, framed=False, started=started,
                  id=job_id, deadline=started + wall)
        self.zygote.adopt(run)
        return run

    def probe(self, job_id: int, frame: bytearray, head_len: int) -> None:
        """The self-test: in a prepared child like a run's (the simple path without one)."""
        if self.prepare is None or not self.prepare.self_test:
            self.simple(job_id, -1, frame, head_len, handoff.probe_child, PROBE_WALL_S)
            return
        try:
            run = self.prepared(-1, self.zygote.limits.effective_uids())
        except OSError as exc:
            self.zygote.send({"type": "result", "id": job_id, "spawn_error": str(exc)})
            return
        body = protocol.dumps({"probe": capabilities.host_facts()})
        run.hand(job_id, memoryview(body), time.monotonic(), PROBE_WALL_S)
        self.wake(run)
        self.zygote.write_job(run)

    def prepared(self, slot: int, uid_slot: int | None = None) -> Run:
        """Fork a prepared child for ``slot`` (OSError if the fork fails).

        Where it can (root, and the entry wants it), it forks the child straight into a
        new PID namespace, as its pid 1: one process fewer to fork, fault in and reap
        per run than an A that unshares and forks init.
        """
        assert self.prepare is not None
        fds = [*os.pipe(), *os.pipe()]
        r, w, job_r, job_w = fds
        status_r = status_w = None
        if self.pidns_fd is not None:
            status_r, status_w = os.pipe()
            fds += [status_r, status_w]
        try:
            pid = self._fork_into_pidns() if status_w is not None else os.fork()
        except OSError:
            for fd in fds:
                os.close(fd)
            raise
        z = self.zygote
        if pid == 0:
            handoff.enter_prepared(job_r, w, status_w, slot if uid_slot is None else uid_slot,
                                   z.others(), self.prepare.main, z.limits, z.debug)
        for end in (w, job_r, status_w):
            if end is not None:
                os.close(end)
        os.set_blocking(job_w, False)
        if status_r is not None:
            os.set_blocking(status_r, False)
        run = Run(pid, slot, r, self.zygote.limits.result_bytes, framed=True,
                  started=time.monotonic(), job_fd=job_w, status_fd=status_r)
        self.zygote.adopt(run)
        return run

    def wake(self, run: Run) -> None:
        """A prepared child gets its job: from its resting priority to the runs' own.

        Its init called setsid (its group holds the learner) or is about to (the
        learner, forked later, inherits init's priority)."""
        nice = self.zygote.limits.nice
        if nice > 0 and handoff.CAN_RAISE_PRIORITY:
            _set_nice(os.PRIO_PROCESS, run.pid, nice)
            _set_nice(os.PRIO_PGRP, run.pid, nice)

    def _fork_into_pidns(self) -> int:
        assert self.pidns_fd is not None
        linux.unshare(linux.CLONE_NEWPID)  # our next child is pid 1 of a new namespace
        try:
            pid = os.fork()
        finally:
            if os.getpid() != 1:  # the zygote (the child must stay where it is)
                # Back to our own namespace for the children after it; if that failed,
                # every later run would share this one: better to die and be restarted.
                linux.setns(self.pidns_fd, linux.CLONE_NEWPID)
        return pid


def _set_nice(which: int, who: int, nice: int) -> None:
    with contextlib.suppress(OSError):  # gone, or not yet a group; not root: it stays
        os.setpriority(which, who, nice)


def learner_status(run: Run, status: int) -> int:
    """The learner's wait status, as the run's init reported it (else init's own)."""
    if run.status_fd is None:
        return status
    try:
        reported = os.read(run.status_fd, 32)
    except OSError:
        reported = b""
    os.close(run.status_fd)
    run.status_fd = None
    return int(reported) if reported.strip().isdigit() else status
