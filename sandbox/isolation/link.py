"""The parent's end of one zygote process: start it, send jobs, match answers.

Runs on the Executor's event loop. One reader task turns the zygote's frames
into answers for the futures waiting on them; when the zygote's stdout ends
(it died, or was killed) every waiting future fails with ``ZygoteDied`` and
``on_death`` lets the Executor start a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import os
import signal
import site
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import sandbox
from sandbox.isolation import protocol
from sandbox.isolation.boot import BOOTSTRAP
from sandbox.isolation.config import Limits

DEFAULT_CHILD = "sandbox.isolation.child:child_main"
# Imported once in the zygote so that no run pays for them.
PRELOAD = ("json", "asyncio", "sandbox.engine", "sandbox.isolation.capabilities")
# Every module of these packages too: the engine imports some of them lazily.
PRELOAD_PACKAGES = ("sandbox", "sandbox.rules")
START_TIMEOUT_S = 30.0


class ZygoteDied(Exception):
    """The zygote ended while a run was in flight."""


@functools.lru_cache(maxsize=1)
def import_path() -> list[str]:
    """What the zygote appends to its bare ``-I -S`` sys.path: this package, then the
    site-packages (learner code may import Flask; the child needs pyseccomp)."""
    project = os.path.dirname(os.path.dirname(os.path.abspath(sandbox.__file__)))
    paths = [project]
    for entry in [*site.getsitepackages(), *sys.path]:
        site_dir = entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry)
        if site_dir and entry not in paths:
            paths.append(entry)
    return paths


def command(limits: Limits, child: str, debug: bool = False) -> list[str]:
    cfg = {
        "path": list(import_path()),
        "limits": dataclasses.asdict(limits),
        "parent": os.getpid(),
        "child": child,
        "preload": [*PRELOAD, child.partition(":")[0]],
        "preload_packages": list(PRELOAD_PACKAGES),
        "debug": debug,
    }
    return [sys.executable, "-I", "-S", "-c", BOOTSTRAP, json.dumps(cfg)]


class Link:
    def __init__(self, proc: asyncio.subprocess.Process, pid: int, max_body: int) -> None:
        self.proc = proc
        self.pid = pid
        self.max_body = max_body
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.on_death: Callable[[Link], None] | None = None
        self._ids = 0
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, limits: Limits, child: str = DEFAULT_CHILD, debug: bool = False) -> Link:
        proc = await asyncio.create_subprocess_exec(
            *command(limits, child, debug),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={},  # nothing secret, nothing that changes Python's behaviour
            cwd="/",
            start_new_session=True,  # Ctrl-C in the terminal is for the server
        )
        assert proc.stdout is not None
        try:
            hello = await asyncio.wait_for(
                protocol.read_frame(proc.stdout, 0), START_TIMEOUT_S
            )
        except (TimeoutError, protocol.ProtocolError):
            hello = None
        if hello is None or hello[0].get("type") != "hello":
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
            await proc.wait()
            raise RuntimeError(f"the zygote did not start (exit status {proc.returncode})")
        return cls(proc, int(hello[0]["pid"]), limits.result_bytes)

    @property
    def alive(self) -> bool:
        return not self._reader.done()

    async def submit(self, kind: str, body: bytes = b"", **fields: Any) -> dict[str, Any]:
        """Send one job; the answer header, with the child's raw bytes as ``result``."""
        if not self.alive:
            raise ZygoteDied("the zygote is not running")
        self._ids += 1
        job_id = self._ids
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[job_id] = future
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(protocol.encode_frame({"type": kind, "id": job_id, **fields},
                                                        body))
            await self.proc.stdin.drain()
            return await future
        except (ConnectionError, RuntimeError) as exc:
            raise ZygoteDied(str(exc)) from None
        finally:
            self.pending.pop(job_id, None)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                frame = await protocol.read_frame(self.proc.stdout, self.max_body)
                if frame is None:
                    break
                header, body = frame
                header["result"] = body or None  # raw bytes: decoded strictly, later
                future = self.pending.get(int(header.get("id", 0)))
                if future is not None and not future.done():
                    future.set_result(header)
        except (protocol.ProtocolError, ConnectionError, ValueError):
            pass  # a zygote that breaks the protocol is treated as dead
        finally:
            self.kill()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ZygoteDied("the sandbox process ended"))
            if self.on_death is not None:
                self.on_death(self)

    def kill(self) -> None:
        # os.kill, not proc.kill(): Popen.kill() polls, and reaping the zygote here would
        # steal its exit from asyncio's child watcher ("Unknown child process pid").
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)

    async def close(self, timeout: float = 2.0) -> None:
        """EOF on its stdin ends the zygote (it kills its runs); SIGKILL if it lingers."""
        self.on_death = None
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.kill()
            await self.proc.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
