"""The process tree of one run, and the walls each process puts up.

A prepared child is forked by the zygote straight into a new PID namespace
and calls ``run_as_init``: it is the run's init (pid 1) and forks the learner
(pid 2) itself, so there is no process A (forks.py). Otherwise (the simple
path, or a zygote that cannot unshare a PID namespace) the zygote forks
process A, which calls ``run_walled``::

    zygote ── A: setsid, closes fds, unshares namespaces, builds mounts
              └── init (pid 1 of the new PID namespace): mounts /proc
                    └── learner (pid 2): drops uid, no_new_privs, seccomp,
                        rlimits, empty env, then runs ``payload``

Why three processes: a PID namespace only applies to the children of the
process that unshared it; and pid 1 of a namespace ignores SIGXCPU (and any
signal it has no handler for), so the code must not run as pid 1 or the CPU
limit would not stop it. When init exits, the kernel kills everything left
in the namespace, so a grandchild that called ``setsid`` dies with the run.

Exit statuses travel back up: init sends the learner's raw wait status to A
through a pipe, and A ends the same way (same exit code, or the same signal
sent to itself), so the zygote sees the learner's own fate (SIGXCPU, SIGKILL,
exit code) and maps it to an outcome. Without a PID namespace (not root, or
not Linux) A itself is the learner process.

A prepared child passes ``job_fd`` too: like the result pipe it reaches the
learner only (A and init close it once they have forked), and ``payload``
blocks on it until the zygote writes the job. Waiting costs nothing of the
CPU limit, which counts CPU time.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections.abc import Callable
from typing import NoReturn

from sandbox.isolation import linux, lockdown, mounts, namespaces, rlimits
from sandbox.isolation.config import Limits
from sandbox.isolation.walls import Walls

# Exit codes of the run's own machinery (the learner's code may exit with anything).
EXIT_SETUP_FAILED = 70  # a wall could not be put up and the run could not go on
EXIT_WRITE_FAILED = 71  # the result could not be written (too big, broken pipe, ...)

Payload = Callable[[Walls], bytes]


def run_walled(
    result_fd: int, limits: Limits, slot: int, payload: Payload, job_fd: int | None = None
) -> NoReturn:
    """Put up every available wall, run ``payload`` as the learner, write what it returns.

    ``job_fd`` (above 2) is kept open for the learner alone. Never returns: every
    process of the run ends with ``os._exit``.
    """
    try:
        parent = os.getppid()
        walls = Walls()
        if job_fd is not None and job_fd <= 2:
            raise ValueError("the job pipe must not be 0, 1 or 2")
        keep = () if job_fd is None else (job_fd,)
        result_fd = _own_session(result_fd, walls, parent, keep)
        namespaces.enter(walls)
        mounts.setup(limits, walls)
        if walls.has("pidns"):
            _spawn_init(result_fd, limits, slot, payload, walls, keep)
        walls.down("private_proc", "needs a PID namespace: /proc shows the host's processes")
        _learner(result_fd, limits, slot, payload, walls)
    except BaseException:  # never return into the zygote's code, whatever happened
        os._exit(EXIT_SETUP_FAILED)


def run_as_init(
    result_fd: int, limits: Limits, slot: int, payload: Payload, job_fd: int, status_fd: int
) -> NoReturn:
    """``run_walled`` for a process that is already pid 1 of a new PID namespace.

    The zygote forks a prepared child straight into a PID namespace of its own, so
    there is no process A: this process puts up the other walls, mounts /proc, forks
    the learner (pid 2), reaps everything, writes the learner's raw wait status to
    ``status_fd`` (the zygote reads it after reaping us: pid 1 cannot end itself by a
    signal to mirror it) and exits, which empties the namespace. Its parent is outside
    the namespace (getppid() is 0); if the zygote died before the death signal was
    armed, EOF on the job pipe ends the learner, and so this process.
    """
    try:
        walls = Walls()
        keep = (job_fd, status_fd)
        if min(result_fd, *keep) <= 2:
            raise ValueError("the run's pipes must not be 0, 1 or 2")
        result_fd = _own_session(result_fd, walls, os.getppid(), keep)
        namespaces.enter(walls, pid_done=True)
        mounts.setup(limits, walls)
        mounts.mount_proc(walls)
        pid = os.fork()
        if pid == 0:
            os.close(status_fd)
            _learner(result_fd, limits, slot, payload, walls)
        os.close(result_fd)
        os.close(job_fd)
        while True:  # reap everything; stop when the learner itself has ended
            done, status = os.waitpid(-1, 0)
            if done == pid:
                break
        os.write(status_fd, str(status).encode())
    except BaseException:
        os._exit(EXIT_SETUP_FAILED)
    os._exit(0)  # pid 1 exits: the kernel kills whatever the learner left behind


def _own_session(result_fd: int, walls: Walls, parent: int, keep: tuple[int, ...]) -> int:
    # A mirrors the learner's fatal signal onto itself: that must not write a core file
    # (RLIMIT_CORE is not enough where core_pattern pipes to a helper).
    rlimits.no_core_dumps()
    with contextlib.suppress(OSError):
        linux.prctl(linux.PR_SET_DUMPABLE, 0)
    walls.attempt("setsid", os.setsid, "own session: its process group is killed as one")
    if result_fd <= 2:  # keep it out of the way of stdin/stdout/stderr
        result_fd = os.dup(result_fd)
    # Only the result (and job) pipe survive: any other inherited descriptor (the
    # zygote's control pipe, a sibling's result pipe) would be a way to forge or eavesdrop.
    low = 3
    for fd in sorted({result_fd, *keep}):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(_max_fd(), low))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)  # print() is captured by the engine; raw fd writes go nowhere
    if null > 2:
        os.close(null)
    walls.up("close_fds", "only the result pipe is inherited; stdin/stdout/stderr: /dev/null")
    lockdown.die_with_parent(walls, parent)
    return result_fd


def _max_fd() -> int:
    try:
        return int(os.sysconf("SC_OPEN_MAX"))
    except (ValueError, OSError):
        return 65536


def _spawn_init(
    result_fd: int, limits: Limits, slot: int, payload: Payload, walls: Walls,
    keep: tuple[int, ...],
) -> NoReturn:
    status_r, status_w = os.pipe()
    alive_r, alive_w = os.pipe()  # A holds the write end: EOF on it means A is gone
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        os.close(alive_w)
        _init(result_fd, limits, slot, payload, walls, status_w, alive_r, keep)
    os.close(status_w)
    os.close(alive_r)
    # Only the learner holds the result pipe (its EOF is the learner's end) and the job pipe.
    for fd in (result_fd, *keep):
        os.close(fd)
    # Wait for init even though the status comes through the pipe: the zygote learns the
    # run's CPU time from wait4's rusage, which only counts descendants that were waited for.
    _, status = os.waitpid(pid, 0)
    reported = os.read(status_r, 32)
    _mirror(int(reported) if reported.strip().isdigit() else status)


def _init(
    result_fd: int,
    limits: Limits,
    slot: int,
    payload: Payload,
    walls: Walls,
    status_w: int,
    alive_r: int,
    keep: tuple[int, ...],
) -> NoReturn:
    try:
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        if select.select([alive_r], [], [], 0)[0]:
            os._exit(EXIT_SETUP_FAILED)  # A died before the death signal was armed
        os.close(alive_r)
        mounts.mount_proc(walls)
        pid = os.fork()
        if pid == 0:
            os.close(status_w)
            _learner(result_fd, limits, slot, payload, walls)
        for fd in (result_fd, *keep):
            os.close(fd)
        while True:  # reap everything; stop when the learner itself has ended
            done, status = os.waitpid(-1, 0)
            if done == pid:
                break
        os.write(status_w, str(status).encode())
    except BaseException:
        os._exit(EXIT_SETUP_FAILED)
    os._exit(0)  # pid 1 exits: the kernel kills whatever the learner left behind


def _mirror(status: int) -> NoReturn:
    """End this process the way the learner ended."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)  # only if the signal did not kill us (it should have)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else EXIT_SETUP_FAILED)


def _learner(result_fd: int, limits: Limits, slot: int, payload: Payload, walls: Walls) -> NoReturn:
    try:
        lockdown.apply(limits, slot, walls)
        data = payload(walls)
    except BaseException:
        os._exit(EXIT_SETUP_FAILED)
    os._exit(write_all(result_fd, data))


def write_all(fd: int, data: bytes) -> int:
    """Write ``data`` to ``fd`` and close it; the exit code to use (0, or EXIT_WRITE_FAILED)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)
    except OSError:
        return EXIT_WRITE_FAILED
    return 0
