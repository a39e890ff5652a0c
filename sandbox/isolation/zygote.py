"""The zygote: a small, single-threaded process that forks one fresh child per run.

Forking a warm interpreter that holds the engine costs a few milliseconds,
starting Python forty; forking the web server would copy its memory and its
secrets. So the Executor starts this process (boot.py: ``-I -S``, an empty
environment) and talks to it in ``protocol`` frames over its stdin/stdout:

- a ``run`` job: fork; the child calls ``child_main(job, fd, limits, slot)``,
  which puts up the walls, runs the engine and writes the trace to ``fd``;
- it reads each child's pipe up to ``limits.result_bytes`` (beyond: kill,
  ``oversize``), kills a run that outlives ``limits.wall_s`` (``wall_killed``),
  reaps it with ``wait4`` and sends the raw bytes back, never decoding them.

It is a child subreaper, so a grandchild that escapes its run's process group
is re-parented here and killed when the run ends. What one learner sent or
produced lives only in bytearrays that are zeroed once used, and a new child
zeroes its copies of the other runs' buffers (handoff.py).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import time
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sandbox.isolation import handoff, protocol
from sandbox.isolation.config import Limits
from sandbox.isolation.handoff import ChildMain

CHUNK = 64 * 1024
PROBE_WALL_S = 30.0
HOLD_S = 1.0


@dataclass(eq=False)
class Run:
    id: int
    pid: int
    fd: int | None
    started: float
    deadline: float
    cap: int
    chunks: list[bytearray] = field(default_factory=list)
    fill: int = 0  # bytes used in the last chunk
    size: int = 0
    wall_killed: bool = False
    oversize: bool = False
    eof_ms: float = 0.0  # when its result pipe closed (the rest is the processes' exit)


class Zygote:
    def __init__(self, in_fd: int, out_fd: int, limits: Limits, child: ChildMain, debug: bool):
        self.in_fd, self.out_fd = in_fd, out_fd
        self.limits, self.child, self.debug = limits, child, debug
        self.runs: dict[int, Run] = {}
        self.outbox = protocol.Outbox(out_fd)
        self.inbuf = bytearray(protocol.PREFIX.size)  # the frame being read from the parent
        self.infill = 0
        self.head_len = -1  # -1: reading a prefix; else the frame's header length
        self.orphans = False
        # Answers of ended runs, waiting for their strays to go (see _settle).
        self.held: list[tuple[dict[str, Any], list[bytearray] | None, int]] = []
        self.held_until = float("inf")
        self.sel = selectors.DefaultSelector()
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
        while True:
            for key, _ in self.sel.select(self._timeout()):
                if key.data == "in":
                    if not self._read_parent():
                        return
                elif key.data == "out":
                    self._flush()
                elif key.data == "wake":
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wake_r, 4096)  # one byte per signal; more wake us again
                    self._reap()
                else:
                    self._read_child(key.data)
            self._enforce_walls()
            if self.orphans or self.held:
                self._settle()

    def _timeout(self) -> float | None:
        if self.orphans or self.held:
            return 0.01
        deadlines = [r.deadline for r in self.runs.values() if not r.wall_killed]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def shutdown(self) -> NoReturn:
        for run in self.runs.values():
            _kill(run.pid)
        self._kill_orphans()
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
            protocol.zero(frame)

    def _job(self, header: dict[str, Any], frame: bytearray, head_len: int) -> None:
        kind, job_id = header.get("type"), int(header.get("id", 0))
        if kind == "run":
            self._fork(job_id, int(header["slot"]), frame, head_len, self.child, self.limits.wall_s)
        elif kind == "probe":
            self._fork(job_id, -1, frame, head_len, handoff.probe_child, PROBE_WALL_S)
        else:
            raise protocol.ProtocolError(f"unknown job type {kind!r}")

    # -- one run -------------------------------------------------------------------------
    def _fork(
        self, job_id: int, slot: int, frame: bytearray, head_len: int, entry: ChildMain, wall: float
    ) -> None:
        started = time.monotonic()
        r = w = -1
        try:
            r, w = os.pipe()
            pid = os.fork()
        except OSError as exc:  # EAGAIN, EMFILE: answer, do not die
            for fd in (r, w):
                if fd >= 0:
                    os.close(fd)
            self.send({"type": "result", "id": job_id, "spawn_error": str(exc)})
            return
        if pid == 0:
            self._become_child(w, slot, frame, head_len, entry)
        os.close(w)
        os.set_blocking(r, False)
        run = Run(job_id, pid, r, started, started + wall, self.limits.result_bytes)
        self.runs[pid] = run
        self.sel.register(r, selectors.EVENT_READ, run)

    def _become_child(
        self, w: int, slot: int, frame: bytearray, head_len: int, entry: ChildMain
    ) -> NoReturn:
        # This process is a copy of the zygote: every other run's bytes get wiped from it.
        others = [self.inbuf, *self.outbox.owners()]
        others += [chunk for run in self.runs.values() for chunk in run.chunks]
        others += [chunk for _, chunks, _ in self.held for chunk in chunks or ()]
        handoff.enter_child(w, slot, frame, head_len, others, entry, self.limits, self.debug)

    def _read_child(self, run: Run) -> None:
        while run.fd is not None:
            if not run.chunks or run.fill == CHUNK:
                run.chunks.append(bytearray(CHUNK))
                run.fill = 0
            try:
                n = os.readv(run.fd, [memoryview(run.chunks[-1])[run.fill :]])
            except BlockingIOError:
                return
            except OSError:
                n = 0
            if n == 0:
                self._close_pipe(run)
                return
            run.fill += n
            run.size += n
            if run.size > run.cap:
                run.oversize = True
                _kill(run.pid)
                self._close_pipe(run)

    def _close_pipe(self, run: Run) -> None:
        if run.fd is not None:
            self.sel.unregister(run.fd)
            os.close(run.fd)
            run.fd = None
            run.eof_ms = round((time.monotonic() - run.started) * 1000, 3)

    def _enforce_walls(self) -> None:
        now = time.monotonic()
        for run in self.runs.values():
            if not run.wall_killed and now >= run.deadline:
                run.wall_killed = True
                _kill(run.pid)

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
                _kill(run.pid, group_only=True)  # the rest of its group (fallback mode)
            _, status, usage = os.wait4(info.si_pid, 0)
            if run is None:
                continue  # an orphan re-parented to us, now dead
            self._read_child(run)  # what is left in the pipe; a grandchild may hold it open
            self._close_pipe(run)
            header: dict[str, Any] = {
                "type": "result",
                "id": run.id,
                "wall_killed": run.wall_killed,
                "oversize": run.oversize,
                "elapsed_ms": round((time.monotonic() - run.started) * 1000, 3),
                "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000, 3),
                "eof_ms": run.eof_ms,
            }
            code = os.waitstatus_to_exitcode(status)
            header["signal" if code < 0 else "exit_code"] = abs(code)
            if run.oversize:
                for chunk in run.chunks:
                    protocol.zero(chunk)
            self.held.append((header, None if run.oversize else run.chunks, run.size))
            self.held_until = min(self.held_until, time.monotonic() + HOLD_S)
        self._settle()

    def _settle(self) -> None:
        """Answer for ended runs once nothing of theirs is left.

        A run killed from outside (wall clock, oversize) dies top first: its PID
        namespace's init is re-parented to us and takes a moment to empty the
        namespace. Until such strays are gone the run's slot (and uid) is not free,
        so its answer waits, at most HOLD_S.
        """
        self._kill_orphans()
        if self.held and (not self.orphans or time.monotonic() >= self.held_until):
            for header, chunks, size in self.held:
                self.send(header, chunks, size)
            self.held.clear()
            self.held_until = float("inf")

    def _kill_orphans(self) -> None:
        """Kill processes re-parented to us (we are a subreaper) that are no run's child."""
        try:
            with open(f"/proc/self/task/{os.getpid()}/children", encoding="ascii") as f:
                pids = [int(p) for p in f.read().split()]
        except OSError:
            pids = []
        stray = [pid for pid in pids if pid not in self.runs]
        for pid in stray:
            _kill(pid)
        self.orphans = bool(stray)

    # -- frames to the parent ------------------------------------------------------------
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


def _kill(pid: int, group_only: bool = False) -> None:
    """SIGKILL the run's process group (it called setsid) and the process itself.

    Only for a pid not reaped yet: a reaped pid may already belong to a stranger.
    """
    for kill in (os.killpg,) if group_only else (os.killpg, os.kill):
        with contextlib.suppress(OSError):  # already gone, or the group never existed
            kill(pid, signal.SIGKILL)
