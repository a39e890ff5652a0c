"""Test-only child functions for the zygote (``Executor(child="tests...:name")``).

Each has ``child_main``'s signature and runs in a process the zygote forked,
without any wall: they stand in for a learner who found the result pipe, or
for a child that misbehaves, so the parent side's handling can be tested alone.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any, NoReturn

from sandbox.isolation.config import Limits


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def trace(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "interface": "wsgi",
        "app": "app",
        "outcome": "ok",
        "response": None,
        "responses": [],
        "events": [],
        "violations": [],
        "error": None,
        "stdout": "",
        "duration_ms": 0.0,
        "engine": {"version": "test"},
    }
    base.update(extra)
    return base


def fixed(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """A valid trace at once: measures the zygote's own cost per run."""
    _write(fd, json.dumps(trace()).encode())
    os._exit(0)


def inspect(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """Report what the child inherited: open fds, environment, slot, pid."""
    info = {
        "fds": sorted(int(n) for n in os.listdir("/proc/self/fd")),
        "environ": open("/proc/self/environ", "rb").read().decode("latin-1"),  # noqa: SIM115
        "slot": slot,
        "nice": os.nice(0),
        "pid": os.getpid(),
        "job": job,
    }
    _write(fd, json.dumps(trace(stdout=json.dumps(info))).encode())
    os._exit(0)


def bad_json(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    _write(fd, b'{"outcome": "ok", "events": [1, 2')
    os._exit(0)


def not_a_trace(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    _write(fd, b'{"outcome": NaN}' if job.get("code") == "nan" else b"[1, 2, 3]")
    os._exit(0)


def flood(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    block = b"x" * 65536
    while True:
        _write(fd, block)


def by_code(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """Does what ``job["code"]`` names: sleep, exit3, sigxcpu, segv, linger."""
    what = job.get("code", "")
    os.setsid()
    if what == "sleep":
        time.sleep(3600)
    elif what == "exit3":
        os._exit(3)
    elif what == "sigxcpu":
        os.kill(os.getpid(), signal.SIGXCPU)
    elif what == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif what == "linger":
        # A grandchild that leaves the run's process group and outlives the run.
        pid = os.fork()
        if pid == 0:
            os.setsid()
            time.sleep(3600)
            os._exit(0)
        _write(fd, json.dumps(trace(stdout=str(pid))).encode())
        os._exit(0)
    elif what.startswith("hold:"):
        # Send part of a result (a marker, many times), then wait: another run forked
        # meanwhile must not find those bytes in its copy of the zygote's memory.
        _write(fd, (what[5:] * 2000).encode())
        time.sleep(1.5)
        os._exit(0)
    elif what.startswith("scan:"):
        needle = what[5:].encode()
        _write(fd, json.dumps(trace(stdout=str(_count_in_memory(needle)))).encode())
        os._exit(0)
    os._exit(0)


def _count_in_memory(needle: bytes) -> int:
    """How often ``needle`` occurs in this process's writable memory."""
    count = 0
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
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
    return count


def profiled(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """The real child, with each phase of its set-up timed; the timings go in ``stdout``.

    For the benchmark's ``--child``: where a run's milliseconds go.
    """
    from sandbox.isolation import child, lockdown, mounts, namespaces, tree

    started = time.monotonic()
    timings: dict[str, float] = {}

    def timed(module: Any, name: str) -> None:
        inner = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begun = time.monotonic()
            try:
                return inner(*args, **kwargs)
            finally:
                key = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
                timings[key] = round((time.monotonic() - begun) * 1000, 3)

        setattr(module, name, wrapper)

    for module, name in [(tree, "_own_session"), (namespaces, "enter"), (mounts, "setup"),
                         (mounts, "mount_proc"), (lockdown, "apply")]:
        timed(module, name)
    run_job = child.run_job

    def measured(job: dict[str, Any], limits: Limits, isolation: dict[str, Any]) -> bytes:
        timings["fork_to_engine"] = round((time.monotonic() - started) * 1000, 3)
        begun = time.monotonic()
        data = run_job(job, limits, isolation)
        timings["engine_and_json"] = round((time.monotonic() - begun) * 1000, 3)
        result = json.loads(data)
        result["stdout"] = json.dumps(timings)
        return json.dumps(result).encode()

    child.run_job = measured
    child.child_main(job, fd, limits, slot)


def bare(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """The engine with no wall at all: with ``fixed``, splits a run's cost into the
    zygote's, the engine's and the walls' (benchmark ``--child``)."""
    from sandbox import engine

    trace = engine.run(job["code"], job["scenario"], interface=job["interface"], app=job["app"])
    _write(fd, json.dumps(trace).encode())
    os._exit(0)


def early(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """The simple-path form of ``early_prepared`` (what ``Executor(child=...)`` names)."""
    _early(job, fd, framed=False)


def early_prepared(job_fd: int, fd: int, limits: Limits, slot: int) -> NoReturn:
    """A prepared child without walls: waits for its job, answers with a framed result.

    ``linger``: leaves a grandchild in a session of its own, then answers at once (the
    zygote answers before it is gone); ``check:<pid>``: says whether that process is
    alive when this run starts; ``pid``: its own pid; anything else: a valid trace.
    """
    from sandbox.isolation import handoff

    job, _ = handoff.read_job(job_fd)
    _early(job, fd, framed=True)


def _early(job: dict[str, Any], fd: int, framed: bool) -> NoReturn:
    from sandbox.isolation import handoff

    what = str(job.get("code", ""))
    stdout = ""
    if what == "linger":
        pid = os.fork()
        if pid == 0:
            os.setsid()
            time.sleep(3600)
            os._exit(0)
        stdout = str(pid)
    elif what.startswith("check:"):
        stdout = "alive" if _alive(int(what[6:])) else "gone"
    elif what == "pid":
        stdout = str(os.getpid())
    data = json.dumps(trace(stdout=stdout)).encode()
    _write(fd, handoff.frame_result(data) if framed else data)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _register() -> None:
    from sandbox.isolation import handoff

    handoff.register_prepared(early, early_prepared, pid_namespace=False)


_register()
