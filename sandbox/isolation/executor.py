"""The Executor: what the web server and the CLI call to run learner code isolated.

    executor = Executor()
    await executor.start()          # spawn the zygote, probe the protections once
    trace = await executor.run(code, scenario)
    await executor.close()

``run`` checks the scenario first (``ScenarioError`` propagates before any
queueing, so the API can answer 400), takes a slot from the ``Pool`` (``Busy``
when the queue is full: answer 503), sends the job to the zygote and turns its
answer into a trace (``outcomes``). A zygote that dies is restarted; only the
runs it had in flight fail, as ``crashed``. Where there is no zygote (no
``fork``), each run is a spawned process (``spawn``): ``capabilities`` says so.
``run_sync`` serves synchronous callers (the CLI) with a loop of its own.

Start it from a thread that lives as long as it does (the event loop's): the
zygote's parent-death signal fires when the thread that spawned it ends.
Two Executors on one machine should not share ``limits.base_uid`` ranges: a
slot's uid is what bounds a run's processes (RLIMIT_NPROC counts per uid).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

from sandbox import i18n
from sandbox.isolation import outcomes, protocol, spawn
from sandbox.isolation.config import Limits
from sandbox.isolation.link import DEFAULT_CHILD, Link, ZygoteDied, import_path
from sandbox.isolation.pool import Busy, Pool
from sandbox.scenario import parse

__all__ = ["Busy", "Executor"]

log = logging.getLogger("sandbox.isolation")
INTERFACES = ("auto", "wsgi", "asgi", "asgi2")
# Beyond the wall limit, how long the zygote may take to report a killed run.
ANSWER_GRACE_S = 5.0


class Executor:
    def __init__(
        self,
        limits: Limits | None = None,
        *,
        mode: str = "auto",
        child: str = DEFAULT_CHILD,
        debug: bool = False,
    ) -> None:
        if mode not in ("auto", "forkserver", "spawn"):
            raise ValueError(f"mode must be auto, forkserver or spawn, not {mode!r}")
        self.limits = Limits.from_env() if limits is None else limits
        self.pool = Pool(self.limits.effective_slots(), self.limits.queue,
                         self.limits.effective_uids())
        self.mode = "spawn" if mode == "spawn" else "forkserver"
        self._auto = mode == "auto"
        self._child = child
        self._debug = debug
        self._link: Link | None = None
        self._ready = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._own_loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._report: dict[str, Any] = {}
        self._closing = False
        self.restarts = 0

    # -- life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Start the zygote (or settle for spawn mode) and probe the protections once."""
        if self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        note = ""
        if self._auto and not (sys.platform.startswith("linux") and hasattr(os, "fork")):
            self.mode, note = "spawn", f"no zygote on {sys.platform}: one process per run"
        if self.mode == "forkserver":
            try:
                await self._start_link()
            except (OSError, RuntimeError) as exc:
                if not self._auto:
                    raise
                self.mode, note = "spawn", f"the zygote did not start ({exc})"
        report = await self._probe()
        if note:
            report["zygote"] = {"active": False, "detail": note}
        self._report = report
        caps = self.capabilities
        if caps["strong"]:
            log.info("sandbox: %s mode, every strong protection active", self.mode)
        else:
            log.warning("sandbox: %s mode, missing protections: %s", self.mode,
                        ", ".join(caps["missing"]) or "none")

    async def _start_link(self) -> None:
        link = await Link.start(self.limits, self._child, self._debug)
        link.on_death = self._on_death
        self._link = link
        self._ready.set()

    def _on_death(self, link: Link) -> None:
        if self._closing or link is not self._link:
            return
        self._link = None
        self._ready.clear()
        self._spawn_task(self._restart())

    async def _restart(self) -> None:
        delay = 0.05
        while not self._closing:
            try:
                await self._start_link()
            except (OSError, RuntimeError) as exc:
                log.error("sandbox: the zygote did not restart: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self.restarts += 1
            log.warning("sandbox: the zygote died and was restarted")
            return

    async def _probe(self) -> dict[str, Any]:
        if self.mode == "spawn" or self._link is None:
            return spawn.report()
        answer: dict[str, Any] = {}
        try:
            answer = await self._link.submit("probe")
            report = protocol.loads_strict(answer.get("result") or b"", protocol.PROBE_BYTES)
            if not isinstance(report, dict):
                raise protocol.ProtocolError("the report is not an object")
            return report
        except (protocol.ProtocolError, ZygoteDied) as exc:
            ended = {k: answer[k] for k in ("exit_code", "signal") if k in answer}
            return {"probe": {"active": False, "detail": f"the self-test failed: {exc} {ended}"}}

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        if self._link is not None:
            await self._link.close()
            self._link = None
        self._ready.clear()

    def close_sync(self) -> None:
        """Close an Executor that ``run_sync`` started on a loop of its own."""
        if self._own_loop is not None:
            self._own_loop.run_until_complete(self.close())
            self._own_loop.close()
            self._own_loop = None

    # -- runs ----------------------------------------------------------------------------
    async def run(
        self,
        code: str,
        scenario: dict[str, Any],
        *,
        interface: str = "auto",
        app: str = "app",
        lang: str = "en",
    ) -> dict[str, Any]:
        """The trace of ``code`` run against ``scenario`` in a fresh, walled-in process.

        ``lang`` ("en", "zh") is the language of the trace's messages (sandbox.i18n).
        """
        if self._closing:
            raise RuntimeError("this Executor is closed")
        lang = i18n.normalize(lang)
        with i18n.use_lang(lang):  # the ScenarioError in the learner's language
            parse(scenario)  # ScenarioError: the caller's mistake, reported before queueing
        if interface not in INTERFACES:
            raise ValueError(f"interface must be one of {', '.join(INTERFACES)}, not {interface!r}")
        job = {"code": code, "scenario": scenario, "interface": interface, "app": app}
        if lang != i18n.DEFAULT_LANG:  # the child reads English when the key is absent
            job["lang"] = lang
        body = protocol.dumps(job)
        if len(body) > protocol.MAX_JOB_BYTES:
            raise ValueError(f"the code and scenario are {len(body)} bytes; the most is "
                             f"{protocol.MAX_JOB_BYTES}")
        if self._loop is None:
            await self.start()
        slot = await self.pool.acquire()
        # The slot (and its uid) is released only when the run has really ended: a client
        # that goes away must not let a new run share a uid with a run still going.
        with i18n.use_lang(lang):  # the task copies this context: its messages are in `lang`
            task = self._spawn_task(self._run_in_slot(slot, body, interface, app))
        return await asyncio.shield(task)

    async def lab(
        self, code: str, options: dict[str, Any], *, interface: str = "auto", app: str = "app",
        lang: str = "en",
    ) -> dict[str, Any]:
        """The concurrency lab (docs/lab.md) on ``code``, in a walled-in process like ``run``.

        ``LabOptionsError`` (bad options, past a cap) propagates before any queueing.
        """
        from sandbox.lab import parse_options
        from sandbox.lab.result import complete

        if self._closing:
            raise RuntimeError("this Executor is closed")
        with i18n.use_lang(lang):  # a LabOptionsError in the learner's language
            opts = parse_options(options)
        if interface not in ("auto", "wsgi", "asgi"):
            raise ValueError(f"interface must be auto, wsgi or asgi, not {interface!r}")
        lang = i18n.normalize(lang)
        body = protocol.dumps({"kind": "lab", "code": code, "lab": options,
                               "interface": interface, "app": app, "lang": lang})
        if len(body) > protocol.MAX_JOB_BYTES:
            raise ValueError(f"the code is {len(body)} bytes; the most is {protocol.MAX_JOB_BYTES}")
        if self._loop is None:
            await self.start()
        slot = await self.pool.acquire()
        with i18n.use_lang(lang):
            task = self._spawn_task(self._run_in_slot(slot, body, interface, app))
        trace = await asyncio.shield(task)
        server = None if opts.server is None else opts.server.as_json()
        return complete(trace, interface=interface, app=app, requests=opts.requests,
                        server=server)

    async def _run_in_slot(
        self, slot: int, body: bytes, interface: str, app: str
    ) -> dict[str, Any]:
        assert self._loop is not None
        started = self._loop.time()
        try:
            answer = await self._dispatch(slot, body)
        except ZygoteDied:
            return outcomes.crashed(
                i18n.tr("The sandbox restarted while your code was running, so this run was "
                        "lost. Run it again."), interface=interface, app=app)
        finally:
            self.pool.release(slot, ran_s=self._loop.time() - started)
        return outcomes.to_trace(answer, self.limits, interface=interface, app=app,
                                 mode=self.mode)

    async def _dispatch(self, slot: int, body: bytes) -> dict[str, Any]:
        if self.mode == "spawn":
            return await spawn.run_job(body, self.limits, list(import_path()))
        try:
            await asyncio.wait_for(self._ready.wait(), 30.0)
        except TimeoutError:
            raise ZygoteDied("the zygote did not come back") from None
        link = self._link
        if link is None:
            raise ZygoteDied("the zygote is not running")
        try:
            return await asyncio.wait_for(
                link.submit("run", body, slot=slot), self.limits.wall_s + ANSWER_GRACE_S
            )
        except TimeoutError:
            link.kill()  # it stopped answering: a new one starts, this run is lost
            self._on_death(link)  # now, not when its pipe closes: no new run may go there
            raise ZygoteDied("the zygote stopped answering") from None

    def run_sync(
        self,
        code: str,
        scenario: dict[str, Any],
        *,
        interface: str = "auto",
        app: str = "app",
        lang: str = "en",
    ) -> dict[str, Any]:
        """``run`` for synchronous callers; call ``close_sync`` when done."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and running is self._loop:
            raise RuntimeError("run_sync() inside the Executor's event loop: await run() instead")
        if self._loop is None or self._loop is self._own_loop:
            if running is not None:
                raise RuntimeError("run_sync() inside an event loop: await run() instead")
            if self._own_loop is None:
                self._own_loop = asyncio.new_event_loop()
            return self._own_loop.run_until_complete(
                self.run(code, scenario, interface=interface, app=app, lang=lang))
        # Started by an event loop in another thread: run there and wait.
        future = asyncio.run_coroutine_threadsafe(
            self.run(code, scenario, interface=interface, app=app, lang=lang), self._loop)
        return future.result()

    # -- reports -------------------------------------------------------------------------
    @property
    def capabilities(self) -> dict[str, Any]:
        """The last probe report (one entry per protection: active, detail), plus
        ``strong`` (hosted mode allowed), ``missing`` and ``mode``."""
        strong, missing = _judge(self._report)
        if self.mode != "forkserver":
            strong = False
            missing = [*missing, "zygote"] if "zygote" not in missing else missing
        return {**self._report, "strong": strong, "missing": missing, "mode": self.mode}

    def stats(self) -> dict[str, int]:
        return {**self.pool.stats(), "restarts": self.restarts}

    async def status(self) -> dict[str, Any]:
        """The zygote's slots: each one's prepared child (pid of its process A, or None),
        processes of its last run not reaped yet, and jobs waiting for it."""
        if self._link is None:
            return {}
        answer = await self._link.submit("status")
        return {k: answer[k] for k in ("prepared", "live", "waiting") if k in answer}

    def status_sync(self, timeout: float = 5.0) -> dict[str, Any]:
        """``status`` for synchronous callers outside the Executor's loop (tests)."""
        loop = self._own_loop if self._own_loop is not None else self._loop
        if loop is None:
            return {}
        if loop is self._own_loop:
            return loop.run_until_complete(self.status())
        return asyncio.run_coroutine_threadsafe(self.status(), loop).result(timeout)

    @property
    def zygote_pid(self) -> int | None:
        return self._link.pid if self._link is not None else None

    def _spawn_task(self, coro: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


def _judge(report: dict[str, Any]) -> tuple[bool, list[str]]:
    if not report:
        return False, ["probe"]
    try:
        from sandbox.isolation.capabilities import strong_enough
    except ImportError:
        return False, ["capabilities"]
    strong, missing = strong_enough(report)
    return bool(strong), list(missing)
