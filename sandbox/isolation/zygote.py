"""The zygote: a small, single-threaded process that forks a fresh child for every run.

Forking a warm interpreter that holds the engine costs a few milliseconds,
starting Python forty; forking the web server would copy its memory and its
secrets. So the Executor starts this process (boot.py: ``-I -S``, an empty
environment) and talks to it in ``protocol`` frames over its stdin/stdout.

**Prepared children.** For every free slot (here: every identity a run frame
may name, uid ``base_uid + slot``; see pool.py) the zygote forks, ahead of
time, a child that puts up every wall (namespaces, mounts, init as pid 1, the learner
process as pid 2 under the slot's uid, no_new_privs, seccomp, rlimits) and
then blocks reading its job from a pipe only the zygote writes to (slots.py).
A ``run`` job is written to the prepared child of its slot; the wall-clock
limit starts then. A prepared child serves exactly one job. Its replacement is
forked only once every process of the slot's last run is reaped, so a slot's
uid never belongs to two runs at once. Entries without a prepared form (the
test children) are forked when their job arrives (the simple path).

**Answers.** The zygote reads each child's pipe up to ``limits.result_bytes``
(beyond: kill, ``oversize``) and kills a run that outlives ``limits.wall_s``
(``wall_killed``). A complete framed result is answered at once and the run's
processes are killed and reaped afterwards (``early``); anything else is
answered when ``wait4`` gives its exit status. It never decodes a child's bytes.

It is a child subreaper, so a grandchild that escapes its run's process group
is re-parented here and killed. What one learner sent or produced lives only
in bytearrays that are zeroed once used, and a new child zeroes its copies of
the other runs' buffers (handoff.py).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import time
from typing import Any, NoReturn

from sandbox.isolation import forks, protocol, runs
from sandbox.isolation.config import Limits
from sandbox.isolation.forks import Forks
from sandbox.isolation.handoff import ChildMain, Prepared
from sandbox.isolation.runs import Run
from sandbox.isolation.slots import Slots


class Zygote:
    def __init__(
        self, in_fd: int, out_fd: int, limits: Limits, child: ChildMain, debug: bool,
        prepare: Prepared | None = None,
    ):
        self.in_fd, self.out_fd = in_fd, out_fd
        self.limits, self.child, self.debug = limits, child, debug
        self.runs: dict[int, Run] = {}  # every child not reaped yet, by pid
        self.outbox = protocol.Outbox(out_fd)
        self.inbuf = bytearray(protocol.PREFIX.size)  # the frame being read from the parent
        self.infill = 0
        self.head_len = -1  # -1: reading a prefix; else the frame's header length
        self.sel = selectors.DefaultSelector()
        self.slots = Slots(self, limits.effective_uids(), prepare)
        self.forks = Forks(self, prepare)
        for fd in (in_fd, out_fd):
            os.set_blocking(fd, False)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        # SIGCHLD only writes a byte to wake_w; the loop does the reaping.
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        self.wake_r = wake_r
        self.sel.register(in_fd, selectors.EVENT_READ, "in")
        self.sel.register(wake_r, selectors.EVENT_READ, "wake")

    # -- the loop ------------------------------------------------------------------------
    def loop(self) -> None:
        self.slots.refill()
        while True:
            for key, events in self.sel.select(self._timeout()):
                if key.data == "in":
                    if not self._read_parent():
                        return
                elif key.data == "out":
                    self._flush()
                elif key.data == "wake":
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wake_r, 4096)  # one byte per signal; more wake us again
                    self._reap()
                elif events & selectors.EVENT_WRITE:
                    self.write_job(key.data)
                else:
                    self._read_child(key.data)
            self._enforce_walls()
            self.slots.sweep()

    def _timeout(self) -> float | None:
        if self.slots.strays_pending():
            return 0.01  # re-parented strays do not wake us: look again soon
        now = time.monotonic()
        times = [r.deadline for r in self.runs.values() if r.id and not r.wall_killed
                 and not r.answered]
        times += self.slots.retry_times()
        return max(0.0, min(times) - now) if times else None

    def shutdown(self) -> NoReturn:
        for run in self.runs.values():
            runs.kill(run.pid)
        self.slots.kill_orphans()
        os._exit(0)

    # -- frames from the parent ----------------------------------------------------------
    def _read_parent(self) -> bool:
        """Read what the parent sent; False when it has gone."""
        while True:
            try:
                n = os.readv(self.in_fd, [memoryview(self.inbuf)[self.infill :]])
            except BlockingIOError:
                return True
            if n == 0:
                return False
            self.infill += n
            if self.infill < len(self.inbuf):
                continue
            if self.head_len < 0:
                self.head_len, body_len = protocol.split_prefix(self.inbuf, protocol.MAX_JOB_BYTES)
                self.inbuf, self.infill = bytearray(self.head_len + body_len), 0
                continue
            frame, head_len = self.inbuf, self.head_len
            self.inbuf, self.infill, self.head_len = bytearray(protocol.PREFIX.size), 0, -1
            header = protocol.decode_header(memoryview(frame)[:head_len])
            self._job(header, frame, head_len)

    def _job(self, header: dict[str, Any], frame: bytearray, head_len: int) -> None:
        """Act on one frame; its bytes are zeroed once used (a run's job: once written)."""
        kind, job_id = header.get("type"), int(header.get("id", 0))
        if kind == "run":
            self.slots.submit(int(header["slot"]), job_id, frame, head_len)
            return
        if kind == "probe":
            self.forks.probe(job_id, frame, head_len)
        elif kind == "status":
            self.send({"type": "result", "id": job_id, **self.slots.status()})
        else:
            protocol.zero(frame)
            raise protocol.ProtocolError(f"unknown job type {kind!r}")
        protocol.zero(frame)

    # -- children ------------------------------------------------------------------------
    def adopt(self, run: Run) -> None:
        assert run.fd is not None
        os.set_blocking(run.fd, False)
        self.runs[run.pid] = run
        self.sel.register(run.fd, selectors.EVENT_READ, run)

    def others(self) -> list[bytearray]:
        """Every buffer with some run's bytes: a new child zeroes its copies of them."""
        found = [self.inbuf, *self.outbox.owners(), *self.slots.waiting_frames()]
        for run in self.runs.values():
            found += run.buffers()
        return found

    def write_job(self, run: Run) -> None:
        if not run.write_job():
            if run.job_fd is not None and run.job_fd not in self.sel.get_map():
                self.sel.register(run.job_fd, selectors.EVENT_WRITE, run)
            return
        self._close_job(run)

    def _close_job(self, run: Run) -> None:
        if run.job_fd is not None:
            if run.job_fd in self.sel.get_map():
                self.sel.unregister(run.job_fd)
            os.close(run.job_fd)  # EOF after the job: the learner reads one job, no more
            run.job_fd = None
        run.wipe_job()

    def _read_child(self, run: Run) -> None:
        state = run.read()
        if state == "more":
            return
        if state == "over":
            self.kill(run)
        self._close_pipe(run)
        if state == "eof" and run.id and not run.answered and run.complete():
            self._answer(run, None)
            self.kill(run)  # its processes are done anyway; the slot waits for their reaping

    def _close_pipe(self, run: Run) -> None:
        if run.fd is not None:
            self.sel.unregister(run.fd)
            os.close(run.fd)
            run.fd = None
            run.eof_ms = round((time.monotonic() - run.started) * 1000, 3)

    def kill(self, run: Run) -> None:
        """Kill a run not reaped yet; its init (if any) is remembered until reaped too.

        A run forked as pid 1 of its namespace (``status_fd``) is its own init: once it
        is reaped, the kernel has emptied its namespace.
        """
        if run.status_fd is None:
            self.slots.track(run.slot, runs.children(run.pid))
        runs.kill(run.pid)

    def _enforce_walls(self) -> None:
        now = time.monotonic()
        for run in self.runs.values():
            if run.id and not run.wall_killed and not run.answered and now >= run.deadline:
                run.wall_killed = True
                self.kill(run)

    def _reap(self) -> None:
        while True:
            # Peek first (WNOWAIT): while the run is a zombie its pid, and so its process
            # group id, cannot be reused, so killing the group cannot hit a stranger.
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if info is None:
                break
            run = self.runs.pop(info.si_pid, None)
            if run is not None:
                runs.kill(run.pid, group_only=True)  # the rest of its group (fallback mode)
            _, status, usage = os.wait4(info.si_pid, 0)
            self.slots.reaped(info.si_pid, run)
            if run is None:
                continue  # a stray re-parented to us, now dead
            if run.fd is not None:
                run.read()  # what is left in the pipe (never kill: the pid is reaped)
            self._close_pipe(run)
            self._close_job(run)
            status = forks.learner_status(run, status)
            if run.answered or not run.id:
                for chunk in run.wipe():  # answered already, or a prepared child died waiting
                    protocol.zero(chunk)
                continue
            self._answer(run, (status, usage.ru_utime + usage.ru_stime))
        # Strays re-parented to us by these deaths are found (and hold their slots back)
        # before any waiting job may start.
        self.slots.sweep()

    # -- frames to the parent ------------------------------------------------------------
    def _answer(self, run: Run, ended: tuple[int, float] | None) -> None:
        """Answer for a run: from its exit status, or (None) from a complete result."""
        header: dict[str, Any] = {
            "type": "result",
            "id": run.id,
            "wall_killed": run.wall_killed,
            "oversize": run.oversize,
            "elapsed_ms": round((time.monotonic() - run.started) * 1000, 3),
            "eof_ms": run.eof_ms,
        }
        if ended is None:
            header["early"] = True  # the exit status is not known yet, nor needed
        else:
            code = os.waitstatus_to_exitcode(ended[0])
            header["signal" if code < 0 else "exit_code"] = abs(code)
            header["cpu_ms"] = round(ended[1] * 1000, 3)
        chunks = run.wipe()
        if run.oversize:
            for chunk in chunks:
                protocol.zero(chunk)
        run.answered = True
        self.send(header, None if run.oversize else chunks, run.size)

    def send(
        self, header: dict[str, Any], chunks: list[bytearray] | None = None, size: int = 0
    ) -> None:
        self.outbox.add(header, chunks, size)
        self._flush()

    def _flush(self) -> None:
        try:
            empty = self.outbox.flush()
        except BrokenPipeError:  # the parent has gone
            self.shutdown()
        registered = self.out_fd in self.sel.get_map()
        if not empty and not registered:
            self.sel.register(self.out_fd, selectors.EVENT_WRITE, "out")
        elif empty and registered:
            self.sel.unregister(self.out_fd)
