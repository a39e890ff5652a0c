"""The first moments of a child the zygote forked, before its entry takes over.

The child is a copy of the zygote: it holds the zygote's pipes and selector,
and in memory the bytes of every other run in flight (their partial results,
the next jobs). Before anything else it zeroes all of those bytes, keeps only
its own pipes (the result pipe as fd 3; a prepared child's job pipe as fd 4),
points 0-2 at /dev/null, lowers its priority and restores default signal
handling.

Two kinds of entry:

- the simple path, ``ChildMain(job, result_fd, limits, slot)``: forked when
  the job arrives, it decodes its job from its copy of the zygote's memory;
- a prepared child, ``PreparedMain(job_fd, result_fd, limits, slot)``: forked
  ahead of time, it puts up its walls and then reads one job from the job
  pipe (``read_job``) and frames its result (``frame_result``). An entry
  declares its prepared form with ``register_prepared``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from sandbox.isolation import protocol
from sandbox.isolation.config import Limits
from sandbox.isolation.runs import JOB_HEAD, RESULT_HEAD

ChildMain = Callable[[dict[str, Any], int, Limits, int], Any]
PreparedMain = Callable[[int, int, Limits, int], Any]
# Exit status of a child whose set-up failed before the learner's code could run.
EXIT_SETUP_FAILED = 70
RESULT_FD = 3
JOB_FD = 4
STATUS_FD = 5
RESTING_NICE = 19


@dataclass(frozen=True)
class Prepared:
    """The prepared form of an entry, and how the zygote forks it."""

    main: PreparedMain
    pid_namespace: bool  # fork it as pid 1 of a new PID namespace (root only)
    self_test: bool  # it runs the self-test for a job {"probe": host facts}


_PREPARED: dict[ChildMain, Prepared] = {}


def _can_raise_priority() -> bool:
    """Root with CAP_SYS_NICE: the zygote can lower a child's niceness again."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            caps = next(line for line in status if line.startswith("CapEff:"))
    except (OSError, StopIteration):
        return False
    return bool(int(caps.split()[1], 16) >> 23 & 1)  # CAP_SYS_NICE


# Read once, in the zygote (which imports this module), for every child it forks.
CAN_RAISE_PRIORITY = _can_raise_priority()


def register_prepared(
    entry: ChildMain, prepare: PreparedMain, *, pid_namespace: bool, self_test: bool = False
) -> None:
    """Declare ``prepare`` as the prepared form of ``entry`` (the zygote then uses it).

    With ``pid_namespace`` it must run the learner as its child and write the learner's
    wait status to STATUS_FD (tree.run_as_init does).
    """
    _PREPARED[entry] = Prepared(prepare, pid_namespace, self_test)


def prepared_form(entry: ChildMain) -> Prepared | None:
    return _PREPARED.get(entry)


def enter_child(
    w: int,
    slot: int,
    frame: bytearray,
    head_len: int,
    others: list[bytearray],
    entry: ChildMain,
    limits: Limits,
    debug: bool,
) -> NoReturn:
    """Called right after fork in the child; never returns."""
    try:
        body = bytes(memoryview(frame)[head_len:])
        job = json.loads(body) if body else {}
        del body
        protocol.zero(frame)
        _settle(others, {w: RESULT_FD}, slot, limits, debug)
        entry(job, RESULT_FD, limits, slot)
    except BaseException:
        _report(debug)
    os._exit(EXIT_SETUP_FAILED)


def enter_prepared(
    job_r: int,
    w: int,
    status_w: int | None,
    slot: int,
    others: list[bytearray],
    prepare: PreparedMain,
    limits: Limits,
    debug: bool,
) -> NoReturn:
    """Called right after fork in a prepared child; never returns.

    ``status_w``: the child was forked as pid 1 of a new PID namespace and reports its
    learner's wait status there (as STATUS_FD).
    """
    try:
        fds = {w: RESULT_FD, job_r: JOB_FD}
        if status_w is not None:
            fds[status_w] = STATUS_FD
        _settle(others, fds, slot, limits, debug, resting=True)
        prepare(JOB_FD, RESULT_FD, limits, slot)
    except BaseException:
        _report(debug)
    os._exit(EXIT_SETUP_FAILED)


def _settle(
    others: list[bytearray], fds: dict[int, int], slot: int, limits: Limits, debug: bool,
    resting: bool = False,
) -> None:
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for buf in others:
        protocol.zero(buf)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1) if debug else (0, 1, 2):  # debug keeps the zygote's stderr
        os.dup2(null, fd)
    # Two steps, so that moving one pipe cannot overwrite the other.
    moved = {os.dup(old): new for old, new in fds.items()}
    for old, new in moved.items():
        os.dup2(old, new)
    os.closerange(max(fds.values()) + 1, max(os.sysconf("SC_OPEN_MAX"), 4096))
    nice = limits.nice
    if resting and nice > 0 and CAN_RAISE_PRIORITY:
        # A prepared child gets ready at the lowest priority, behind the runs going on;
        # the zygote (root) raises it to ``limits.nice`` when it hands the job over.
        nice = RESTING_NICE
    if nice > 0 and slot >= 0:
        with contextlib.suppress(OSError):
            os.nice(nice)


def _report(debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()


def read_job(fd: int, cap: int = protocol.MAX_JOB_BYTES) -> tuple[dict[str, Any], float]:
    """A prepared child's job, read from its job pipe, which is then closed; and when the
    zygote handed it over. Exactly one job: the zygote writes one and closes its end."""
    try:
        head = _read_exactly(fd, JOB_HEAD.size)
        length, handed_at = JOB_HEAD.unpack(head)
        if length > cap:
            raise ValueError(f"a job of {length} bytes")
        body = _read_exactly(fd, length)
    finally:
        os.close(fd)
    job = json.loads(body)
    if not isinstance(job, dict):
        raise ValueError("a job must be a JSON object")
    return job, handed_at


def _read_exactly(fd: int, size: int) -> bytes:
    parts: list[bytes] = []
    left = size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            raise EOFError("the job pipe closed before a whole job arrived")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def frame_result(data: bytes) -> bytes:
    """A prepared child's result: its length first, so the zygote knows it is complete."""
    return RESULT_HEAD.pack(len(data)) + data


def probe_child(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """The self-test (capabilities.probe) in a child of the zygote, like a run."""
    from sandbox.isolation.capabilities import probe

    data = memoryview(protocol.dumps(probe(limits)))
    while data:
        data = data[os.write(fd, data) :]
    os._exit(0)
