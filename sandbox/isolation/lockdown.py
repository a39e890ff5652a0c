"""The walls the learner's own process puts up just before the code runs.

Order matters:

1. drop to the slot's unprivileged uid/gid (``limits.base_uid + slot``) when
   root: a root child could ``setns`` back into the host network, read
   root-only files, kill the server, and ``RLIMIT_NPROC`` is not enforced
   for root;
2. re-arm the parent-death signal: ``setuid`` silently clears it;
3. ``no_new_privs``: no setuid binary can give privileges back, and it lets an
   unprivileged process install a seccomp filter;
4. seccomp, then rlimits (the filter must not need more memory than we allow);
5. one malloc arena (``MALLOC_ARENA_MAX`` is only read at process start, so
   ``mallopt``), ``/tmp`` as working directory, an empty environment.
"""

from __future__ import annotations

import os
import signal

from sandbox.isolation import linux, rlimits, seccomp_filter
from sandbox.isolation.config import Limits
from sandbox.isolation.walls import Walls, describe


def die_with_parent(walls: Walls, parent: int) -> None:
    """SIGKILL this process when its parent dies (so a killed zygote leaves no runs behind)."""
    try:
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError as exc:
        walls.down("pdeathsig", describe(exc))
        return
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was armed: nobody waits for us
    walls.up("pdeathsig", "killed if its parent dies (re-armed after the uid change)")


def drop_uid(limits: Limits, slot: int, walls: Walls) -> None:
    if not hasattr(os, "setuid") or os.geteuid() != 0:
        walls.down("uid_drop", "needs root to switch to the per-slot uid; runs as the server's uid")
        return
    uid = limits.base_uid + slot
    try:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    except OSError as exc:
        walls.down("uid_drop", describe(exc))
        return
    walls.up("uid_drop", f"uid/gid {uid}")


def apply(limits: Limits, slot: int, walls: Walls) -> None:
    parent = os.getppid()
    if linux.available():
        # Our parent (init, or the zygote) may differ from A's; arm before anything else.
        die_with_parent(walls, parent)
    drop_uid(limits, slot, walls)
    if walls.has("uid_drop"):
        die_with_parent(walls, parent)  # setuid cleared it
    walls.attempt("no_new_privs", lambda: linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1),
                  "no setuid program or file capability can raise its privileges")
    if walls.has("no_new_privs") or os.geteuid() == 0:
        seccomp_filter.install(walls)
    else:
        walls.down("seccomp", "needs no_new_privs")
    rlimits.apply(limits, walls)
    linux.mallopt(linux.M_ARENA_MAX, 1)  # a thread's arena would count against RLIMIT_DATA
    try:
        os.chdir("/tmp" if walls.has("tmpfs") or os.path.isdir("/tmp") else "/")
    except OSError:
        os.chdir("/")
    os.environ.clear()  # also clears the C-level environ (unsetenv for each key)
    walls.up("empty_env", f"empty environment, working directory {os.getcwd()}")
