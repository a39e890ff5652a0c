"""Prepared children: walls up before the job, one job each, one run per slot uid at a time.

Each slot has a child the zygote forked ahead of time (``Executor.status()``
names its process A); a job goes to the prepared child of its slot. These
tests check that such a child serves exactly one job, is replaced when it dies
while waiting, never shares its slot's uid with the remains of the last run,
and that neither the zygote nor any prepared child holds another run's code.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import pytest

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from tests.sandbox.isolation.child_harness import (
    GET,
    HELLO_ASGI,
    descendants,
    is_root,
    prepared_pids,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the zygote needs Linux (fork, /proc, waitid)"
)
T = TypeVar("T")
CHILDREN = "tests.sandbox.isolation.zygote_children"
# One slot and one identity: every run goes through the same slot and uid. Own uids.
LIMITS = replace(Limits(), slots=1, uids=1, queue=8, base_uid=64500 + os.getpid() % 100 * 4)


def with_executor(
    body: Callable[[Executor], Awaitable[T]], limits: Limits = LIMITS, child: str | None = None
) -> T:
    async def main() -> T:
        if child is None:
            executor = Executor(limits, mode="forkserver")
        else:
            executor = Executor(limits, mode="forkserver", child=f"{CHILDREN}:{child}")
        await executor.start()
        try:
            return await body(executor)
        finally:
            await executor.close()

    return asyncio.run(main())


async def prepared(ex: Executor, slot: int = 0, other_than: int = 0) -> int:
    """The pid of the slot's prepared child, once there is one (and not ``other_than``)."""
    for _ in range(500):
        pid = (await ex.status())["prepared"][str(slot)]
        if pid and pid != other_than:
            return int(pid)
        await asyncio.sleep(0.01)
    raise AssertionError("no prepared child appeared")


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


FDS = """
import json, os
PIPES = []
for fd in sorted(int(fd) for fd in os.listdir("/proc/self/fd")):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            PIPES.append(fd)
    except OSError:  # the descriptor listdir itself used
        pass
try:
    os.read(4, 1)
    JOB_FD = "readable"
except OSError as exc:
    JOB_FD = exc.strerror
print(json.dumps({"pipes": PIPES, "job_fd": JOB_FD}))
""" + HELLO_ASGI


def test_a_prepared_child_serves_one_job_and_keeps_no_job_pipe() -> None:
    async def body(ex: Executor) -> tuple[int, dict[str, Any], bool, int]:
        first = await prepared(ex)
        trace = await ex.run(FDS, GET)
        second = await prepared(ex, other_than=first)
        for _ in range(100):
            if gone(first):
                break
            await asyncio.sleep(0.01)
        return first, trace, gone(first), second

    first, trace, first_gone, second = with_executor(body)
    assert trace["outcome"] == "ok", trace["error"]
    import json

    seen = json.loads(trace["stdout"])
    assert seen["pipes"] == [3]  # the result pipe only: the job pipe was closed after reading
    assert seen["job_fd"] == "Bad file descriptor"
    assert first_gone and second != first  # the next job goes to a fresh child


def test_a_prepared_child_that_dies_while_waiting_is_replaced() -> None:
    async def body(ex: Executor) -> tuple[int, int, str]:
        first = await prepared(ex)
        os.kill(first, signal.SIGKILL)
        second = await prepared(ex, other_than=first)
        trace = await ex.run(HELLO_ASGI, GET)
        return first, second, trace["outcome"]

    first, second, outcome = with_executor(body)
    assert second != first
    assert outcome == "ok"


def test_a_job_sent_as_the_prepared_child_dies_is_answered() -> None:
    async def body(ex: Executor) -> tuple[str, str]:
        first = await prepared(ex)
        os.kill(first, signal.SIGKILL)
        lost = await ex.run(HELLO_ASGI, GET)  # may meet the dying child or its replacement
        after = await ex.run(HELLO_ASGI, GET)
        return lost["outcome"], after["outcome"]

    lost, after = with_executor(body)
    assert lost in ("ok", "crashed")
    assert after == "ok"


def test_a_lingering_grandchild_is_gone_before_the_slot_runs_again() -> None:
    # The zygote answers run 1 as soon as its result is complete, while its grandchild
    # (in a session of its own, holding the slot's uid in a real run) still lives; run 2
    # on the same slot must only start once that grandchild has been killed and reaped.
    async def body(ex: Executor) -> tuple[str, str, bool]:
        linger = await ex.run("linger", GET)
        pid = int(linger["stdout"])
        check = await ex.run(f"check:{pid}", GET)
        return linger["engine"]["sandbox"]["mode"], check["stdout"], gone(pid)

    mode, seen, gone_now = with_executor(body, child="early")
    assert mode == "forkserver"
    assert seen == "gone"
    assert gone_now


def test_a_complete_result_is_answered_before_the_processes_end() -> None:
    async def body(ex: Executor) -> dict[str, Any]:
        await prepared(ex)
        trace = await ex.run("pid", GET)
        result: dict[str, Any] = trace["engine"]["sandbox"]
        return result

    sandbox = with_executor(body, child="early")
    assert sandbox["early"] is True
    assert sandbox["cpu_ms"] == 0.0  # no exit status was waited for; the child said none


MARKED = """
import time
MARK = "MARKER"
time.sleep(0.6)
""" + HELLO_ASGI


def _count_in(pid: int, needle: bytes) -> int | None:
    """Occurrences of ``needle`` in a process's writable memory (None: unreadable)."""
    count = 0
    try:
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
            for line in maps:
                fields = line.split()
                if "rw" not in fields[1] or (len(fields) > 5 and fields[5].startswith("[v")):
                    continue
                start, end = (int(x, 16) for x in fields[0].split("-"))
                try:
                    mem.seek(start)
                    count += mem.read(end - start).count(needle)
                except (OSError, ValueError, OverflowError):
                    continue
    except OSError:
        return None
    return count


@pytest.mark.skipif(not is_root(), reason="reading other processes' memory needs root here")
def test_no_other_runs_code_in_the_zygote_or_the_prepared_children() -> None:
    marker = "wat-marker-" + os.urandom(8).hex()
    limits = replace(LIMITS, slots=2, uids=2)

    async def body(ex: Executor) -> tuple[dict[int, int | None], dict[int, int | None], str]:
        assert ex.zygote_pid is not None
        await prepared(ex, 0)
        await prepared(ex, 1)
        holder = asyncio.ensure_future(ex.run(MARKED.replace("MARKER", marker), GET))
        await asyncio.sleep(0.2)  # run 1 is running; its job went through the zygote
        await ex.run(HELLO_ASGI, GET)  # another slot runs and is prepared again meanwhile
        time.sleep(0.05)
        while_running = _census(ex.zygote_pid, await ex.status(), marker)
        first = await holder
        await asyncio.sleep(0.05)
        after = _census(ex.zygote_pid, await ex.status(), marker)
        return while_running, after, first["outcome"]

    while_running, after, outcome = with_executor(body, limits)
    assert outcome == "ok"
    for census in (while_running, after):
        readable = {pid: n for pid, n in census.items() if n is not None}
        assert readable, "no process memory could be read"
        assert all(n == 0 for n in readable.values()), census


def _census(zygote: int, status: dict[str, Any], marker: str) -> dict[int, int | None]:
    pids = {zygote, *descendants(prepared_pids(status))}
    return {pid: _count_in(pid, marker.encode()) for pid in sorted(pids)}
