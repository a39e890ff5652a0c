"""Hostile learner code through the real Executor (zygote + walls), issue item 6.

Each test asserts the outcome, that no process survives in the run's uid or
PID namespace, and (through the autouse fixture) that the service stays
healthy: the same zygote answers a hello-world run right after. Tests that
need root and namespaces skip with the reason where those are unavailable.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

import sandbox.engine
from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from sandbox.isolation.mounts import project_root
from tests.sandbox.isolation.child_harness import (
    GET,
    HELLO_ASGI,
    asgi_app_running,
    describe,
    leftovers,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the isolated executor needs Linux"
)

# Own uids, so that another suite's runs are not counted as this one's leftovers.
LIMITS = replace(Limits(), slots=2, base_uid=62000)
# A canary secret in this (server-side) process's memory and environment.
CANARY_PREFIX = "wat-canary-"
CANARY = CANARY_PREFIX + secrets.token_hex(16)
os.environ["WSGI_ASGI_TOUR_TEST_CANARY"] = CANARY


class Service:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.executor = Executor(LIMITS, mode="forkserver")
        self.loop.run_until_complete(self.executor.start())
        self.zygote = self.executor.zygote_pid

    def run(self, code: str, scenario: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.loop.run_until_complete(self.executor.run(code, scenario or GET))

    def run_many(self, *codes: str) -> list[dict[str, Any]]:
        async def many() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(self.executor.run(c, GET) for c in codes)))

        return self.loop.run_until_complete(many())

    def has(self, *walls: str) -> bool:
        caps = self.executor.capabilities
        return all(caps.get(w, {}).get("active") for w in walls)

    def need(self, *walls: str) -> None:
        caps = self.executor.capabilities
        missing = [f"{w} ({caps.get(w, {}).get('detail', 'not measured')})" for w in walls
                   if not caps.get(w, {}).get("active")]
        if missing:
            pytest.skip("needs root and Linux namespaces; missing here: " + ", ".join(missing))

    def close(self) -> None:
        self.loop.run_until_complete(self.executor.close())
        self.loop.close()


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    svc = Service()
    yield svc
    svc.close()


@pytest.fixture(autouse=True)
def stays_healthy(service: Service) -> Iterator[None]:
    yield
    left = leftovers(LIMITS)
    assert left == [], f"a process of the run survived it: {describe(left)}"
    trace = service.run(HELLO_ASGI)
    assert trace["outcome"] == "ok", trace["error"]
    assert service.executor.zygote_pid == service.zygote, "the zygote had to be restarted"
    assert service.executor.restarts == 0


def stdout_json(trace: dict[str, Any]) -> Any:
    assert trace["outcome"] == "ok", (trace["outcome"], trace["error"])
    return json.loads(trace["stdout"])


# -- time and CPU ---------------------------------------------------------------------------

def test_infinite_loop(service: Service) -> None:
    trace = service.run(asgi_app_running("while True:\n    pass"))
    assert trace["outcome"] == "cpu_limit"


def test_loop_ignoring_sigxcpu_and_the_engine_alarm(service: Service) -> None:
    code = "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\n" \
           "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    started = time.monotonic()
    trace = service.run(asgi_app_running(code))
    # SIGKILL at the hard CPU limit (2 s), or the wall-clock kill (3 s), whichever is first.
    assert trace["outcome"] in ("cpu_limit", "timeout"), (trace["outcome"], trace["error"])
    assert time.monotonic() - started < LIMITS.wall_s + 2


def test_sleep(service: Service) -> None:
    assert service.run(asgi_app_running("import time\ntime.sleep(60)"))["outcome"] == "timeout"


def test_sleep_that_ignores_the_engine_alarm_meets_the_wall_clock(service: Service) -> None:
    code = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(60)"
    assert service.run(asgi_app_running(code))["outcome"] == "timeout"


def test_asyncio_hang(service: Service) -> None:
    code = """
import asyncio
async def app(scope, receive, send):
    await asyncio.Event().wait()
"""
    assert service.run(code)["outcome"] == "timeout"


# -- memory, processes, threads, output ------------------------------------------------------

@pytest.mark.parametrize("bomb", [
    "b = bytearray(4 * 1024 ** 3)",
    "hoard = []\nwhile True:\n    hoard.append(bytearray(1024 * 1024))",
    "hoard = []\nwhile True:\n    hoard.append(list(range(10000)))",
])
def test_memory_bombs(service: Service, bomb: str) -> None:
    trace = service.run(asgi_app_running(bomb))
    assert trace["outcome"] == "memory_limit", (trace["outcome"], trace["error"])


@pytest.mark.root
def test_fork_bomb(service: Service) -> None:
    service.need("uid_drop", "pidns")  # RLIMIT_NPROC is not enforced for root
    code = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] in ("cpu_limit", "timeout")


@pytest.mark.root
def test_thread_bomb(service: Service) -> None:
    service.need("uid_drop")
    code = "import threading, time\nwhile True:\n" \
           "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "RuntimeError"  # can't start new thread


@pytest.mark.root
def test_grandchild_that_calls_setsid_and_lingers(service: Service) -> None:
    service.need("pidns")
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\n" \
           "    os._exit(0)"
    started = time.monotonic()
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "ok"
    assert time.monotonic() - started < 2  # it did not hold the result pipe open
    # leftovers() (in the fixture) proves the grandchild died with the PID namespace.


def test_output_flood(service: Service) -> None:
    trace = service.run(asgi_app_running("while True:\n    print('flood' * 100)"))
    assert trace["outcome"] == "output_limit"


def test_deep_recursion_is_an_error(service: Service) -> None:
    trace = service.run(asgi_app_running("def f(n):\n    return f(n + 1)\nf(0)"))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "RecursionError"


def test_deep_recursion_that_crashes_the_interpreter(service: Service) -> None:
    # Recursion in C (the json decoder) with the guard lifted overflows the C stack.
    code = "import json, sys\nsys.setrecursionlimit(10 ** 8)\n" \
           "json.loads('[' * 10 ** 6 + ']' * 10 ** 6)"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "crashed"
    assert "SIGSEGV" in trace["error"]["message"]


# -- files ---------------------------------------------------------------------------------

@pytest.fixture
def secret_files() -> Iterator[list[str]]:
    folder = tempfile.mkdtemp(prefix="wat-secret-")
    os.chmod(folder, 0o700)
    paths = [os.path.join(folder, "secret.txt")]
    root = project_root()
    if root:
        paths.append(os.path.join(root, f".wat-test-secret-{secrets.token_hex(4)}"))
    for path in paths:
        with open(path, "w") as f:
            f.write(CANARY)
        os.chmod(path, 0o600)
    yield paths
    for path in paths:
        os.unlink(path)
    os.rmdir(folder)


ATTEMPTS = """
import json, os, socket
results = {}
for item in ITEMS:
    for name, action in ACTIONS:
        try:
            outcome = action(item)
            results[f"{item} {name}"] = "ok" if outcome is None else outcome
        except OSError as exc:
            results[f"{item} {name}"] = type(exc).__name__
print(json.dumps(results))
"""


def attempts(items: list[str], actions: str) -> str:
    """Learner code trying each action on each item; prints {"item action": "ok" | error}."""
    return asgi_app_running(
        ATTEMPTS.replace("ITEMS", repr(items)).replace("ACTIONS", actions))


@pytest.mark.root
def test_reading_a_secret_file_the_server_can_read(
    service: Service, secret_files: list[str]
) -> None:
    service.need("uid_drop")
    code = attempts([*secret_files, "/etc/shadow"], "[('read', lambda p: open(p).read())]")
    results = stdout_json(service.run(code))
    assert all(v in ("FileNotFoundError", "PermissionError") for v in results.values()), results
    assert CANARY not in json.dumps(results)


@pytest.mark.root
def test_writing_or_truncating_project_files(service: Service) -> None:
    service.need("uid_drop", "mountns")
    root = project_root() or os.getcwd()
    victim = os.path.join(root, "pyproject.toml")
    engine_file = os.path.realpath(sandbox.engine.__file__)  # brought back read-only
    before = {p: _digest(p) for p in (victim, engine_file)}
    code = attempts(
        [victim, engine_file, root + "/new-file"],
        "[(how, lambda p, how=how: open(p, how).close()) for how in 'wax']"
        " + [('truncate', lambda p: os.truncate(p, 0))]",
    )
    results = stdout_json(service.run(code))
    assert "ok" not in results.values(), results
    after = {p: _digest(p) for p in (victim, engine_file)}
    assert before == after
    assert not os.path.exists(root + "/new-file")


def _digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.root
def test_filling_tmp(service: Service) -> None:
    service.need("tmpfs")
    host_free = os.statvfs("/tmp").f_bavail
    code = "import json\nwritten = 0\nerrors = set()\nfor i in range(200):\n    try:\n" \
           "        with open(f'/tmp/fill{i}', 'wb') as f:\n" \
           "            f.write(b'x' * (1024 * 1024))\n        written += 1\n" \
           "    except OSError as exc:\n        errors.add(exc.strerror)\n" \
           "print(json.dumps({'written': written, 'errors': sorted(errors)}))"
    result = stdout_json(service.run(asgi_app_running(code)))
    assert result["written"] < 10  # the 8 MiB tmpfs (and the 1 MiB file-size limit) stop it
    assert result["errors"]
    assert not os.path.exists("/tmp/fill0")
    assert abs(os.statvfs("/tmp").f_bavail - host_free) < 1024  # blocks; nothing landed here


# -- network and other processes -------------------------------------------------------------

def test_tcp_to_the_servers_own_port(service: Service) -> None:
    if not (service.has("netns") or service.has("seccomp")):
        service.need("netns", "seccomp")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        code = "import json, socket\ntry:\n" \
               f"    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n" \
               "    result = 'connected'\nexcept OSError as exc:\n" \
               "    result = type(exc).__name__\nprint(json.dumps(result))"
        result = stdout_json(service.run(asgi_app_running(code)))
        assert result in ("PermissionError", "OSError", "ConnectionRefusedError"), result
        with pytest.raises(BlockingIOError):
            listener.accept()


@pytest.mark.root
def test_unix_socket_by_path(service: Service) -> None:
    service.need("hidden_home", "tmpfs")
    folders = [tempfile.mkdtemp(prefix="wat-sock-")]
    if project_root():
        folders.append(tempfile.mkdtemp(prefix=".wat-sock-", dir=project_root()))
    listeners = []
    try:
        for folder in folders:
            os.chmod(folder, 0o777)
            s = socket.socket(socket.AF_UNIX)
            s.bind(os.path.join(folder, "s"))
            os.chmod(os.path.join(folder, "s"), 0o777)  # even a world-writable socket
            s.listen()
            s.setblocking(False)
            listeners.append(s)
        paths = [os.path.join(f, "s") for f in folders]
        code = attempts(paths, "[('connect', lambda p: socket.socket(socket.AF_UNIX).connect(p))]")
        results = stdout_json(service.run(code))
        assert "ok" not in results.values(), results
        for s in listeners:
            with pytest.raises(BlockingIOError):
                s.accept()
    finally:
        for s in listeners:
            s.close()
        for folder in folders:
            if os.path.exists(os.path.join(folder, "s")):
                os.unlink(os.path.join(folder, "s"))
            os.rmdir(folder)


SETNS_CODE = """
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
results = {}
for pid in ("1", str(os.getppid()), "ZYGOTE"):
    path = f"/proc/{pid}/ns/net"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        results[path] = type(exc).__name__
        continue
    rc = libc.setns(fd, 0)
    results[path] = "joined" if rc == 0 else os.strerror(ctypes.get_errno())
rc = libc.unshare(0x10000000)  # CLONE_NEWUSER
results["unshare(CLONE_NEWUSER)"] = "done" if rc == 0 else os.strerror(ctypes.get_errno())
print(json.dumps(results))
"""


@pytest.mark.root
def test_setns_and_unshare_newuser(service: Service) -> None:
    service.need("uid_drop", "seccomp", "netns")
    code = SETNS_CODE.replace("ZYGOTE", str(service.zygote))
    results = stdout_json(service.run(asgi_app_running(code)))
    assert "joined" not in results.values() and "done" not in results.values(), results


@pytest.mark.root
def test_killing_the_parent_or_a_sibling_run(service: Service) -> None:
    service.need("uid_drop", "pidns")
    me = os.getpid()
    killer = "import os, signal, json\nresults = {}\n" \
             f"for pid in (1, os.getppid(), {service.zygote}, {me}):\n" \
             "    try:\n        os.kill(pid, signal.SIGKILL)\n        results[pid] = 'killed'\n" \
             "    except OSError as exc:\n        results[pid] = type(exc).__name__\n" \
             "for pid in range(3, 4096):\n    try:\n        os.kill(pid, signal.SIGKILL)\n" \
             "        results[pid] = 'killed'\n    except OSError:\n        pass\n" \
             "try:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError as exc:\n" \
             "    results['-1'] = type(exc).__name__\nprint(json.dumps(results))"
    sibling = asgi_app_running("import time\ntime.sleep(0.6)\nprint('still here')")
    attack, victim = service.run_many(asgi_app_running(killer), sibling)
    assert "killed" not in stdout_json(attack).values()
    assert victim["outcome"] == "ok" and victim["stdout"] == "still here\n"


# -- secrets in memory, forged output, ways out ----------------------------------------------

CANARY_SEARCH = """
import gc, hashlib, json, os
prefix = "PREFIX".encode()
wanted = {"HASH": "secret", "CONTROL_HASH": "control"}
# A positive control: the same kind of token, planted here at run time, must be found.
control = "PREFIX" + "".join(reversed("CONTROL_REVERSED"))
found = []
def scan(data, where):
    start = data.find(prefix)
    while start >= 0:
        token = data[start + len(prefix):start + len(prefix) + 32]
        label = wanted.get(hashlib.sha256(token).hexdigest())
        if label:
            found.append([label, where])
        start = data.find(prefix, start + 1)
scan(repr(dict(os.environ)).encode(), "os.environ")
for path in ("/proc/self/environ", "/proc/1/environ", "/proc/self/cmdline"):
    try:
        scan(open(path, "rb").read(), path)
    except OSError:
        pass
scanned = 0
try:
    mem = open("/proc/self/mem", "rb", buffering=0)
    for line in open("/proc/self/maps"):
        span, perms = line.split()[:2]
        if not perms.startswith("r"):
            continue
        lo, hi = (int(x, 16) for x in span.split("-"))
        try:
            mem.seek(lo)
            scan(mem.read(hi - lo), line.split()[-1])
            scanned += hi - lo
        except (OSError, OverflowError, ValueError, MemoryError):
            pass
except OSError:  # not dumpable after the uid drop: search every object reachable instead
    for holder in gc.get_objects():
        items = list(holder.values()) + list(holder) if isinstance(holder, dict) else (
            holder if isinstance(holder, (list, tuple, set, frozenset)) else ())
        for obj in items:
            if isinstance(obj, (str, bytes)):
                scan(obj.encode("utf-8", "replace") if isinstance(obj, str) else obj, "heap")
print(json.dumps({"found": found, "scanned": scanned}))
"""


def test_canary_secret_in_memory_and_environment(service: Service) -> None:
    token = CANARY[len(CANARY_PREFIX):]
    control = secrets.token_hex(16)
    code = (CANARY_SEARCH.replace("PREFIX", CANARY_PREFIX)
            .replace("CONTROL_HASH", hashlib.sha256(control.encode()).hexdigest())
            .replace("CONTROL_REVERSED", control[::-1])
            .replace("HASH", hashlib.sha256(token.encode()).hexdigest()))
    assert token not in code and control not in code
    result = stdout_json(service.run(asgi_app_running(code)))
    labels = {label for label, _ in result["found"]}
    assert "control" in labels, "the search could not even find a planted token"
    assert "secret" not in labels, result["found"]
    # The zygote, which every run is a copy of, holds no trace of it either.
    with open(f"/proc/{service.zygote}/environ", "rb") as env:
        assert env.read() == b""
    assert not _process_memory_contains(service.zygote, CANARY.encode())


def _process_memory_contains(pid: int, needle: bytes) -> bool:
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in span.split("-"))
            if not perms.startswith("r") or line.rstrip().endswith("[vvar]"):
                continue
            try:
                mem.seek(lo)
                if needle in mem.read(hi - lo):
                    return True
            except (OSError, OverflowError, ValueError):
                continue
    return False


def test_forging_output_on_inherited_fds(service: Service) -> None:
    code = "import os\nforged = b'{\"outcome\": \"ok\", \"forged\": true}'\nopened = []\n" \
           "for fd in range(3, 21):\n    try:\n        os.write(fd, forged)\n" \
           "        opened.append(fd)\n    except OSError:\n        pass\nprint(opened)"
    trace = service.run(asgi_app_running(code))
    assert "forged" not in trace
    # Only the run's own result pipe is open; writing into it spoils the run's own trace.
    assert trace["outcome"] in ("ok", "crashed")
    if trace["outcome"] == "ok":
        assert trace["stdout"] == "[]\n"


@pytest.mark.parametrize(("code", "outcome"), [
    ("import os\nos._exit(3)", "crashed"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "crashed"),
    ("raise SystemExit(0)", "error"),
    ("raise KeyboardInterrupt", "error"),
])
def test_exits_and_interrupts(service: Service, code: str, outcome: str) -> None:
    assert service.run(asgi_app_running(code))["outcome"] == outcome


# -- protocol floods -------------------------------------------------------------------------

def test_a_million_asgi_messages(service: Service) -> None:
    code = """
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for _ in range(1_000_000):
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
"""
    assert service.run(code)["outcome"] in ("too_many_events", "output_limit")


def test_an_endless_wsgi_iterator(service: Service) -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    while True:
        yield b"x"
"""
    assert service.run(code)["outcome"] in ("too_many_events", "output_limit", "timeout")


# -- imports after the uid drop, odd output ----------------------------------------------------

def test_lazy_imports_after_the_uid_drop(service: Service) -> None:
    code = """
import json, sys
fresh = {name: name not in sys.modules for name in ("encodings.idna", "decimal", "flask")}
import decimal
import flask
result = {"idna": "bücher.example".encode("idna").decode(), "fresh": fresh,
          "decimal": str(decimal.Decimal("1.10") + decimal.Decimal("2.20")),
          "flask": flask.Flask.__name__}
print(json.dumps(result))
"""
    result = stdout_json(service.run(asgi_app_running(code)))
    assert result["idna"] == "xn--bcher-kva.example"
    assert result["decimal"] == "3.30"
    assert result["flask"] == "Flask"
    assert result["fresh"]["flask"], "flask was preloaded, so this did not test a lazy import"


def test_script_tags_and_ansi_escapes_come_back_as_data(service: Service) -> None:
    nasty = "<script>alert(1)</script>\x1b[31mred\x1b[0m\x07"
    code = f"""
async def app(scope, receive, send):
    print({nasty!r})
    await send({{"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html")]}})
    await send({{"type": "http.response.body", "body": {nasty.encode()!r}}})
"""
    trace = service.run(code)
    assert trace["outcome"] == "ok"
    assert trace["stdout"] == nasty + "\n"
    assert nasty in json.dumps(trace["response"], ensure_ascii=False) or \
        "PHNjcmlwdD5" in json.dumps(trace["response"])  # as text or as base64 bytes


def test_the_trace_says_which_walls_were_up(service: Service) -> None:
    trace = service.run(HELLO_ASGI)
    walls = trace["isolation"]["walls"]
    assert set(walls) >= {"setsid", "close_fds", "rlimits"}
    if service.has("uid_drop"):
        assert {"netns", "pidns", "mountns", "uid_drop", "seccomp", "no_new_privs"} <= set(walls)
