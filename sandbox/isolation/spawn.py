"""The fallback: one fresh ``python -I -S`` process per run, where there is no zygote.

Used where ``fork`` is unavailable or the zygote cannot start (Windows, macOS,
a locked-down host). It pays the interpreter's start-up on every run (about
40 ms) and puts up only what every platform has: an empty environment, its own
session, rlimits where the ``resource`` module exists, a size cap on what it
sends back and a wall-clock kill. ``Executor.capabilities`` says so plainly.
It answers in the zygote's shape, so ``outcomes.to_trace`` reads both.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any, NoReturn

from sandbox.isolation import protocol
from sandbox.isolation.config import Limits

BOOTSTRAP = (
    "import sys, json\n"
    "cfg = json.loads(sys.argv[1])\n"
    "sys.path.extend(cfg['path'])\n"
    "from sandbox.isolation.spawn import child\n"
    "child(cfg)\n"
)


def report() -> dict[str, dict[str, Any]]:
    """What a spawned run gets, in the capabilities report's shape (no self-test needed:
    none of the Linux walls is used in this mode)."""
    try:
        import resource  # noqa: F401
    except ImportError:
        rlimits = {"active": False, "detail": "no resource module on this platform"}
    else:
        rlimits = {"active": True, "detail": "CPU, data, file size, open files, core dumps"}
    return {
        "zygote": {"active": False, "detail": "one new Python process per run (spawn mode)"},
        "empty_env": {"active": True, "detail": "the run's environment is empty"},
        "setsid": {"active": os.name == "posix", "detail": "its own session"},
        "rlimits": rlimits,
        "wall_kill": {"active": True, "detail": "killed after the wall-clock limit"},
    }


async def run_job(body: bytes, limits: Limits, path: list[str]) -> dict[str, Any]:
    """Run one job in a new process; the zygote's answer shape."""
    cap, wall = limits.result_bytes, limits.wall_s
    cfg = {"path": path, "limits": dataclasses.asdict(limits)}
    started = time.monotonic()
    posix = os.name == "posix"
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-S", "-c", BOOTSTRAP, json.dumps(cfg),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env={}, start_new_session=posix, cwd=tempfile.gettempdir(),
        )
    except OSError as exc:
        return {"spawn_error": str(exc)}
    assert proc.stdin is not None and proc.stdout is not None
    stdout = proc.stdout
    data = bytearray()
    oversize = wall_killed = False

    def kill() -> None:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()

    async def collect() -> None:
        nonlocal oversize
        while chunk := await stdout.read(64 * 1024):
            data.extend(chunk)
            if len(data) > cap:
                oversize = True
                kill()
                return

    with contextlib.suppress(ConnectionError):
        proc.stdin.write(body)
        await proc.stdin.drain()
        proc.stdin.close()
    reader = asyncio.ensure_future(collect())
    waiter = asyncio.ensure_future(proc.wait())
    done, _ = await asyncio.wait({waiter}, timeout=wall)
    if not done:
        wall_killed = True
        kill()
        await waiter
    # The output is complete once the process is gone, unless a grandchild holds the pipe.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader, 0.5)
    if posix:  # whatever is left of its session's process group
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    code = proc.returncode or 0
    answer: dict[str, Any] = {
        "wall_killed": wall_killed,
        "oversize": oversize,
        "elapsed_ms": round((time.monotonic() - started) * 1000, 3),
        "cpu_ms": 0.0,
        "result": None if oversize or not data else bytes(data),
    }
    answer["signal" if code < 0 else "exit_code"] = abs(code)
    return answer


def _rlimits(limits: Limits) -> None:
    """The limits every Unix has; Windows has no ``resource`` module and gets none."""
    try:
        import resource
    except ImportError:
        return
    wanted = [
        ("RLIMIT_CPU", limits.cpu_soft_s, limits.cpu_hard_s),
        ("RLIMIT_DATA", limits.data_bytes, limits.data_bytes),
        ("RLIMIT_FSIZE", limits.fsize_bytes, limits.fsize_bytes),
        ("RLIMIT_NOFILE", limits.nofile, limits.nofile),
        ("RLIMIT_CORE", 0, 0),
    ]  # no RLIMIT_NPROC: it counts every process of the user, on their own machine
    if limits.nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(limits.nice)
    for name, soft, hard in wanted:
        which = getattr(resource, name, None)
        if which is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (soft, hard))


def child(cfg: dict[str, Any]) -> NoReturn:
    """The spawned process: read the job on stdin, answer on (a copy of) stdout."""
    limits = Limits(**cfg["limits"])
    out = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # the learner's os.write(1, ...) cannot forge the answer
    body = sys.stdin.buffer.read(protocol.MAX_JOB_BYTES + 1)
    os.dup2(null, 0)
    from sandbox.engine import run

    job = json.loads(body)
    _rlimits(limits)
    if job.get("kind") == "lab":  # the concurrency lab (Executor.lab)
        from sandbox.lab import run_lab

        result = run_lab(job["code"], job.get("lab"), interface=job["interface"],
                         app=job["app"], lang=job.get("lang", "en"),
                         timeout_s=limits.engine_timeout_s)
    else:
        result = run(job["code"], job["scenario"], interface=job["interface"], app=job["app"],
                     timeout_s=limits.engine_timeout_s, lang=job.get("lang", "en"))
    data = memoryview(protocol.dumps(result))
    while data:
        data = data[os.write(out, data):]
    os._exit(0)
