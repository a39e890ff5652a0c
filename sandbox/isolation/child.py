"""Child side of one run: ``prepare_child`` (ahead of time) or ``child_main`` (at once).

``prepare_child(job_fd, result_fd, limits, slot)`` is what the zygote forks for
a free slot before any job exists: it puts up every wall, then the learner
process blocks reading its one job from ``job_fd`` (handoff.read_job) and runs
it like ``child_main`` does, framing the trace with its length. ``child_main``
is the simple path (a job already known; the tests' fork harness uses it).

``child_main`` puts up the walls (see tree.py for the process tree,
namespaces.py, mounts.py, lockdown.py for each wall), runs the engine on the
learner's code and writes the trace as strict UTF-8 JSON to ``result_fd``.
It never returns: it ends with ``os._exit``. What it cannot report (killed
by SIGXCPU, SIGKILL after the hard CPU limit, the wall-clock kill, a crash of
the interpreter) the zygote reads from the exit status instead.

The trace gets ``isolation``: ``walls`` (the names of the active walls),
``inactive`` (missing walls and why) and ``setup_ms`` (from ``child_main``, or from
``job["forked_at"]`` when the caller noted ``time.monotonic()`` at fork, to the
engine's start; for a prepared child: from the zygote handing the job over to
the engine's start, with ``prepare_ms``, its fork to waiting, beside it).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import time
from typing import Any, NoReturn

import sandbox
from sandbox import asgi, engine, i18n
from sandbox.isolation import capabilities, handoff, mounts, seccomp_filter, tree
from sandbox.isolation.config import Limits
from sandbox.isolation.walls import Walls
from sandbox.lab import run_lab


def child_main(job: dict[str, Any], result_fd: int, limits: Limits, slot: int) -> NoReturn:
    # CLOCK_MONOTONIC is system-wide: a caller that notes when it forked (the key
    # "forked_at") gets the whole fork-to-engine cost; otherwise it counts from here.
    forked_at = job.get("forked_at")
    started = forked_at if isinstance(forked_at, float) else time.monotonic()

    def payload(walls: Walls) -> bytes:
        isolation = {**walls.report(), "setup_ms": round((time.monotonic() - started) * 1000, 3)}
        return run_job(job, limits, isolation)

    tree.run_walled(result_fd, limits, slot, payload)


def prepare_child(job_fd: int, result_fd: int, limits: Limits, slot: int) -> NoReturn:
    """Put up every wall now; then, as the learner, wait for one job and run it.

    Forked as pid 1 of a new PID namespace (the zygote does that when it can), this
    process is the run's init (tree.run_as_init); otherwise it is process A of
    ``run_walled``. A job ``{"probe": host facts}`` runs the self-test instead.
    """
    forked = time.monotonic()

    def payload(walls: Walls) -> bytes:
        ready = time.monotonic()
        job, handed_at = handoff.read_job(job_fd)  # blocks until the zygote hands one over
        if "probe" in job:
            report = capabilities.inside(walls, job["probe"], limits)
            report["fork"] = {"active": True, "detail": "a fresh process per run"}
            return handoff.frame_result(json.dumps(report).encode())
        isolation = {
            **walls.report(),
            "setup_ms": round((time.monotonic() - handed_at) * 1000, 3),
            "prepare_ms": round((ready - forked) * 1000, 3),
        }
        return handoff.frame_result(run_job(job, limits, isolation))

    if os.getpid() == 1:
        tree.run_as_init(result_fd, limits, slot, payload, job_fd, handoff.STATUS_FD)
    tree.run_walled(result_fd, limits, slot, payload, job_fd=job_fd)


handoff.register_prepared(child_main, prepare_child, pid_namespace=True, self_test=True)


def run_job(job: dict[str, Any], limits: Limits, isolation: dict[str, Any]) -> bytes:
    """Run the engine; the trace as JSON bytes, never more than ``limits.result_bytes``.

    ``job["lang"]`` ("en" by default, "zh") is the language of the trace's messages.
    """
    with i18n.use_lang(job.get("lang")):
        return _run_job(job, limits, isolation)


def _run_job(job: dict[str, Any], limits: Limits, isolation: dict[str, Any]) -> bytes:
    try:
        if job.get("kind") == "lab":  # the concurrency lab (Executor.lab; docs/lab.md)
            trace = run_lab(job["code"], job.get("lab"), interface=job.get("interface", "auto"),
                            app=job.get("app", "app"), lang=job.get("lang", "en"),
                            timeout_s=limits.engine_timeout_s)
        else:
            trace = engine.run(
                job["code"],
                job["scenario"],
                interface=job.get("interface", "auto"),
                app=job.get("app", "app"),
                timeout_s=limits.engine_timeout_s,
            )
        error = trace.get("error") or {}
        if error.get("type") == "MemoryError":
            trace["outcome"] = "memory_limit"
        # The CPU time of this process so far (the zygote may answer before it can wait4).
        isolation["cpu_ms"] = round(time.process_time() * 1000, 3)
        trace["isolation"] = isolation
        data = json.dumps(trace, allow_nan=False).encode()
    except MemoryError:
        # The bomb's objects are gone with its frames; there is room for a short trace now.
        trace = {}
        gc.collect()
        return _short_trace(job, "memory_limit", "MemoryError", _memory_message(), isolation)
    except Exception as exc:  # e.g. a value json cannot encode: an engine bug, said plainly
        return _short_trace(
            job, "crashed", "InternalError",
            i18n.tr("The sandbox could not encode the trace of this run ({exc_type}). "
                    "This is a bug in the tutorial, not in your code.",
                    exc_type=type(exc).__name__),
            isolation,
        )
    if len(data) > limits.result_bytes:
        del trace
        return _short_trace(
            job, "output_limit", "OutputLimit",
            i18n.tr("The trace of this run is larger than {kib} KiB, so it "
                    "was not sent back. Send fewer or smaller messages, and print less.",
                    kib=limits.result_bytes // 1024),
            isolation,
        )
    return data


def _memory_message() -> str:
    return i18n.tr(
        "Your code used more memory than a run may have, so it was stopped. "
        "Look for a list or bytes object that keeps growing."
    )


def _short_trace(
    job: dict[str, Any], outcome: str, kind: str, message: str, isolation: dict[str, Any]
) -> bytes:
    """A trace with no events, for when the real one cannot be built or sent."""
    interface = job.get("interface", "auto")
    trace = {
        "interface": None if interface == "auto" else interface,
        "app": job.get("app", "app"),
        "outcome": outcome,
        "response": None,
        "responses": [],
        "events": [],
        "violations": [],
        "error": {"type": kind, "message": message, "traceback": "", "line": None},
        "stdout": "",
        "duration_ms": 0.0,
        "engine": {"version": engine.ENGINE_VERSION, **asgi.SPEC_VERSIONS},
        "isolation": isolation,
    }
    return json.dumps(trace, allow_nan=False).encode()


def prepare() -> None:
    """Work done once, in the zygote, so no run pays for it (called when this module loads).

    Compiles the seccomp filter, plans the mounts, and imports every engine module:
    after the mounts hide the project folder only the engine's package is brought
    back, and a module imported once is shared by every fork for free.
    """
    with contextlib.suppress(OSError):  # the reason is recorded when a child tries it
        seccomp_filter.program()
    mounts.plan()
    i18n.preload()  # the translations, read now: the walls may hide the files later
    _warm_up()
    for info in pkgutil.walk_packages(sandbox.__path__, "sandbox."):
        if not info.name.startswith("sandbox.isolation."):
            try:
                importlib.import_module(info.name)
            except Exception:  # a module that cannot load here is not one the engine uses
                continue
    # Objects alive now are the zygote's for good: move them out of the collector's
    # sight, so a child's garbage collection does not touch (and copy) their pages.
    gc.freeze()


def _warm_up() -> None:
    """One tiny run of each kind: lazy set-up (asyncio, regexes, caches) is then done once
    here instead of in every child, whose first touch of a page copies it."""
    hello = {"requests": [{"method": "GET", "path": "/"}]}
    for code in (_WARM_ASGI, _WARM_WSGI):
        with contextlib.suppress(Exception):
            engine.run(code, hello, filename="warm-up.py")


_WARM_ASGI = """
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"warm"})
"""
_WARM_WSGI = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"warm"]
"""

prepare()
