"""Test helpers for the child side: a tiny fork harness and a process census.

``run_child`` forks this (test) process and calls ``child_main`` exactly as
the zygote does, so a test sees the real walls without the Executor. Tests
that are about the whole service (hostile code) use the Executor instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sandbox.isolation.child import child_main
from sandbox.isolation.config import Limits

HELLO_ASGI = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hi"})
"""
GET = {"requests": [{"method": "GET", "path": "/"}]}
# Own uids, so that another suite's runs are not counted as this one's leftovers.
TEST_LIMITS = replace(Limits(), base_uid=63000)


def asgi_app_running(module_code: str) -> str:
    """An ASGI app module whose body first runs ``module_code`` (learner code at import)."""
    return module_code + "\n" + HELLO_ASGI


def run_child(
    code: str,
    scenario: dict[str, Any] | None = None,
    *,
    limits: Limits | None = None,
    slot: int = 0,
    before: Any = None,
    wall_s: float = 10.0,
) -> tuple[int, dict[str, Any] | None, bytes]:
    """Fork, call child_main in the child; (wait status, parsed trace or None, raw bytes).

    ``before`` runs in the child just before child_main (e.g. become unprivileged).
    """
    limits = limits or TEST_LIMITS
    job = {"id": 1, "code": code, "scenario": scenario or GET, "interface": "auto", "app": "app"}
    read_fd, write_fd = os.pipe()
    job["forked_at"] = time.monotonic()  # so setup_ms counts from the fork
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_fd)
            if before is not None:
                before()
            child_main(job, write_fd, limits, slot)
        finally:
            os._exit(99)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + wall_s
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([read_fd], [], [], left)[0]:
            break
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    if time.monotonic() >= deadline:
        kill_quietly(pid)
    _, status = os.waitpid(pid, 0)
    raw = b"".join(chunks)
    try:
        trace = json.loads(raw) if raw else None
    except ValueError:
        trace = None
    return status, trace, raw


def kill_quietly(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)


def processes_of_uids(uids: range) -> list[int]:
    """Pids of live (not zombie) processes whose real uid is in ``uids``."""
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(
                    line.split(":", 1) for line in status.read().splitlines() if ":" in line
                )
        except OSError:
            continue
        uid = int(fields.get("Uid", "-1").split()[0])
        if uid in uids and not fields.get("State", "").strip().startswith(("Z", "X")):
            found.append(int(entry))
    return found


def leftovers(
    limits: Limits, settle_s: float = 1.0, waiting: Callable[[], set[int]] | None = None
) -> list[int]:
    """Processes still running under any slot uid (waits up to ``settle_s`` for them to go).

    ``waiting`` gives the processes of the zygote's prepared children (they run under a
    slot's uid before any job exists), which are not a run's leftovers.
    """
    uids = range(limits.base_uid, limits.base_uid + limits.effective_uids() + 2)
    deadline = time.monotonic() + settle_s
    while True:
        found = processes_of_uids(uids)
        if found and waiting is not None:
            prepared = waiting()
            found = [pid for pid in found if pid not in prepared]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def descendants(pids: list[int]) -> set[int]:
    """The processes in the trees under ``pids`` (them included), from /proc."""
    found: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                todo.extend(int(p) for p in f.read().split())
        except OSError:
            continue
    return found


def prepared_pids(status: dict[str, Any]) -> list[int]:
    """The prepared children's pids (processes A) in an ``Executor.status()`` answer."""
    return [pid for pid in status.get("prepared", {}).values() if pid]


def describe(pids: list[int]) -> str:
    """What a leftover process is, for an assertion message."""
    lines = []
    for pid in pids:
        chain = []
        while pid > 1 and len(chain) < 5:
            try:
                with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
                with open(f"/proc/{pid}/wchan", encoding="ascii", errors="replace") as wchan:
                    fields["wchan"] = wchan.read()
            except OSError:
                chain.append(f"{pid}: gone")
                break
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
            with open("/proc/uptime", encoding="ascii") as uptime:
                age = float(uptime.read().split()[0]) - started
            chain.append(" ".join(f"{k}={','.join(fields.get(k, '?').split())}"
                                  for k in ("Pid", "Uid", "State", "NSpid", "wchan"))
                         + f" age={age:.2f}s")
            pid = int(fields.get("PPid", "0").strip() or 0)
        lines.append(" <- ".join(chain))
    return "; ".join(lines)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
