"""Measure which walls this host really gives a run: ``probe`` and ``strong_enough``.

``probe`` forks a child that goes through exactly the same set-up as a real
run (tree.run_walled; in the zygote, a prepared child like every run's, with
``host_facts`` taken by the zygote in its job) and then, instead of learner code, checks each
protection from the inside: is it in another network namespace, is it pid 2,
can it open an AF_INET socket, can it see the server's home, can it still
import a module it had not imported yet... Each entry is
``{"active": bool, "detail": str}``. Hosted mode requires ``STRONG``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import time
from typing import Any

from sandbox.isolation import tree
from sandbox.isolation.config import Limits
from sandbox.isolation.mounts import plan
from sandbox.isolation.walls import Walls, describe

STRONG = ("netns", "pidns", "mountns", "uid_drop", "no_new_privs", "seccomp", "rlimits")
NAMESPACE_FILES = {"netns": "net", "mountns": "mnt", "ipcns": "ipc", "utsns": "uts"}
# Modules a run may import lazily; the probe imports the first one not yet loaded.
LAZY_CANDIDATES = ("encodings.idna", "stringprep", "fractions", "colorsys", "wave", "tomllib")
PROBE_TIMEOUT_S = 5.0


def probe(limits: Limits | None = None) -> dict[str, dict[str, Any]]:
    """Fork a test child through the real set-up; what each protection does here."""
    limits = limits or Limits()
    if not hasattr(os, "fork"):
        return {"fork": {"active": False, "detail": "no fork() on this system"}}
    host = host_facts()
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        return {"fork": {"active": False, "detail": describe(exc)}}
    if pid == 0:
        os.close(read_fd)
        tree.run_walled(write_fd, limits, limits.effective_uids(),
                        lambda walls: json.dumps(inside(walls, host, limits)).encode())
    os.close(write_fd)
    data = _read_all(read_fd, time.monotonic() + PROBE_TIMEOUT_S)
    if not data:  # it hung or died: make sure it is gone before waiting for it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    try:
        report: dict[str, dict[str, Any]] = json.loads(data)
    except ValueError:
        return {"fork": {"active": False, "detail": f"probe child failed (wait status {status})"}}
    report["fork"] = {"active": True, "detail": "a fresh process per run"}
    return report


def strong_enough(report: dict[str, dict[str, Any]]) -> tuple[bool, list[str]]:
    """Whether hosted mode may start; the missing protections, with why, if not."""
    missing = [
        f"{name}: {report.get(name, {}).get('detail') or 'not measured'}"
        for name in STRONG
        if not report.get(name, {}).get("active")
    ]
    return not missing, missing


def _read_all(fd: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def host_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {"uid": os.geteuid() if hasattr(os, "geteuid") else None}
    for wall, kind in NAMESPACE_FILES.items():
        try:
            facts[wall] = os.stat(f"/proc/self/ns/{kind}").st_ino
        except OSError:
            facts[wall] = None
    facts["lazy"] = next((m for m in LAZY_CANDIDATES if m not in sys.modules), "")
    facts["hidden"] = [p for p in (os.path.expanduser("~"), plan().project) if p]
    facts["keep"] = list(plan().keep)
    return facts


def inside(walls: Walls, host: dict[str, Any], limits: Limits) -> dict[str, dict[str, Any]]:
    """Runs as the learner would: every check from the inside, never raising."""
    report: dict[str, dict[str, Any]] = {}

    def check(name: str, active: bool, detail: str = "") -> None:
        detail = detail or walls.details.get(name, "") or walls.inactive.get(name, "")
        report[name] = {"active": bool(active), "detail": detail}

    for name in ("setsid", "close_fds", "pdeathsig", "empty_env"):
        check(name, walls.has(name))
    for wall, kind in NAMESPACE_FILES.items():
        try:
            inode = os.stat(f"/proc/self/ns/{kind}").st_ino
        except OSError as exc:
            check(wall, False, describe(exc))
            continue
        check(wall, host[wall] is not None and inode != host[wall])
    check("pidns", os.getpid() == 2, f"learner is pid {os.getpid()}")
    check("private_proc", walls.has("private_proc"))
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    check("uid_drop", walls.has("uid_drop") and host["uid"] == 0 and uid != 0,
          f"runs as uid {uid}" if walls.has("uid_drop") else "")
    check("no_new_privs", _status_field("NoNewPrivs") == "1")
    check("seccomp", _seccomp_blocks_inet() and walls.has("seccomp"))
    check("rlimits", walls.has("rlimits"))
    check("readonly_root", walls.has("readonly_root") and not os.access("/", os.W_OK)
          and _statvfs_readonly("/"))
    check("tmpfs", walls.has("tmpfs") and _tmp_works(limits))
    shown = [p for p in host["hidden"] if _visible(p, host["keep"])]
    check("hidden_home", walls.has("hidden_home") and not shown,
          f"still visible: {', '.join(shown)}" if shown else "")
    check("lazy_import_after_drop", *_lazy_import(host["lazy"]))
    return report


def _status_field(field: str) -> str:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _seccomp_blocks_inet() -> bool:
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def _statvfs_readonly(path: str) -> bool:
    return bool(os.statvfs(path).f_flag & os.ST_RDONLY)


def _tmp_works(limits: Limits) -> bool:
    size = os.statvfs("/tmp")
    with open("/tmp/probe", "wb") as handle:
        handle.write(b"x")
    return size.f_blocks * size.f_frsize <= limits.tmpfs_bytes


def _visible(path: str, keep: list[str]) -> bool:
    """Whether ``path`` shows anything besides the way down to a folder brought back."""
    try:
        entries = os.listdir(path)
    except OSError:
        return False  # gone or unreadable: hidden either way
    for entry in entries:
        full = os.path.join(path, entry)
        if not any(k == full or k.startswith(full + "/") for k in keep):
            return True
    return False


def _lazy_import(module: str) -> tuple[bool, str]:
    """Import a module for the first time, and use the idna codec (the notes' trap)."""
    try:
        if module:
            __import__(module)
        "bücher.example".encode("idna")
        with open(os.__file__, "rb") as source:
            source.read(1)
    except Exception as exc:
        return False, f"import {module or 'idna'} after the uid drop: {describe(exc)}"
    return True, f"imported {module or 'encodings.idna'} after the uid drop"
