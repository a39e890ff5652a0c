"""Hostile learner code trying to get out: files, network, other processes, secrets,
forged output (issue item 6), through the real Executor.

Each test asserts what the code could not do; the autouse ``stays_healthy``
fixture checks that no process of the run survives and the service still answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Iterator

import pytest

import sandbox.engine
from sandbox.isolation.mounts import project_root
from tests.sandbox.isolation.child_harness import asgi_app_running
from tests.sandbox.isolation.hostile_service import (
    CANARY,
    CANARY_PREFIX,
    Service,
    attempts,
    service,
    stays_healthy,
    stdout_json,
)

__all__ = ["service", "stays_healthy"]  # fixtures, used by name

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the isolated executor needs Linux"
)


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


