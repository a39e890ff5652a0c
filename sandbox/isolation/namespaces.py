"""Linux namespaces for one run: network, PID, IPC, UTS and mount.

``unshare`` (through ctypes: Python 3.11 has no ``os.unshare``) moves the
calling process into fresh namespaces:

- net: only a loopback interface, and it is down, so any connection (even to
  127.0.0.1, the tutorial server itself) fails with ENETUNREACH;
- pid: the next child becomes pid 1 of a new PID namespace; when it exits the
  kernel kills every process left in it, including a grandchild that called
  ``setsid`` to escape ``killpg``;
- ipc: no shared SysV memory or message queues with the host;
- uts: its own hostname ("sandbox"), so code cannot rename the host;
- mount: mounts made afterwards (read-only root, private /tmp, hidden home)
  are seen only by this run (see mounts.py).

All of this needs root (CAP_SYS_ADMIN). Without it every namespace is
recorded as inactive with the reason and the run continues with fewer walls.
"""

from __future__ import annotations

import functools
import os

from sandbox.isolation import linux
from sandbox.isolation.walls import Walls, describe

# wall name -> clone flag, in the order they are reported
NAMESPACES: dict[str, int] = {
    "netns": linux.CLONE_NEWNET,
    "pidns": linux.CLONE_NEWPID,
    "mountns": linux.CLONE_NEWNS,
    "ipcns": linux.CLONE_NEWIPC,
    "utsns": linux.CLONE_NEWUTS,
}
HOSTNAME = "sandbox"
DETAILS = {
    "netns": "no network: only a loopback interface, and it is down",
    "pidns": "the code runs as pid 2 under a tiny init; nothing outlives the run",
    "mountns": "mounts of its own",
    "ipcns": "no shared System V IPC with the host",
    "utsns": f"hostname {HOSTNAME!r}",
}


def enter(walls: Walls, pid_done: bool = False) -> None:
    """Unshare every namespace that can be had; record each one's fate in ``walls``.

    ``pid_done``: this process is already pid 1 of a new PID namespace (the zygote
    forked it into one), so only the other four are unshared.
    """
    if pid_done:
        walls.up("pidns", DETAILS["pidns"])
    if not linux.available():
        for name in NAMESPACES:
            walls.down(name, "no Linux namespaces on this system")
        return
    if os.geteuid() != 0:
        for name in NAMESPACES:
            walls.down(name, "needs root (CAP_SYS_ADMIN); the server is not running as root")
        return
    wanted = {name: flag for name, flag in NAMESPACES.items()
              if not (pid_done and name == "pidns")}
    everything = 0
    for flag in wanted.values():
        everything |= flag
    try:
        # One call is cheapest and the common case; fall back to one at a time below.
        linux.unshare(everything)
    except OSError:
        for name, flag in wanted.items():
            walls.attempt(name, functools.partial(linux.unshare, flag), DETAILS[name])
    else:
        for name in wanted:
            walls.up(name, DETAILS[name])
    if walls.has("utsns"):
        try:
            linux.sethostname(HOSTNAME)
        except OSError as exc:
            walls.details["utsns"] = f"hostname unchanged ({describe(exc)})"
