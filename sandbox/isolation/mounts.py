"""The file system a run sees, inside its own mount namespace.

- Mount propagation is made private first, so nothing below leaks to the host.
- Every existing mount is remounted read-only (``readonly_root``): a learner
  cannot write or truncate any host file, even one with loose permissions
  (a file-size limit of 0 does not stop ``open(path, "w")`` truncating).
- ``/tmp`` becomes a private tmpfs of ``limits.tmpfs_bytes`` (``tmpfs``), the
  only writable place; filling it hurts nobody else.
- Home folders, the project folder and host runtime folders (``/run``,
  ``/dev/shm``...) are covered by an empty read-only tmpfs (``hidden_home``):
  their secrets, and Unix sockets reached by path, disappear.
- The trap: the interpreter may live under a hidden folder (here
  ``/root/.pyenv``, and ``/root`` is mode 700 anyway). Lazy imports after the
  uid drop (``"x".encode("idna")``, ``import flask``) would then fail, so
  the interpreter's tree, site-packages and the engine's package are
  bind-mounted back, read-only, at their own paths.
- ``mount_proc`` (run by pid 1 of the new PID namespace) mounts a fresh
  ``/proc`` showing only the run's own processes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from dataclasses import dataclass

import sandbox
from sandbox.isolation import linux
from sandbox.isolation.config import Limits
from sandbox.isolation.walls import Walls, describe

NOSUID_NODEV = linux.MS_NOSUID | linux.MS_NODEV
# Per-mount flags kept when remounting read-only (some hosts lock them; dropping one fails).
_KEPT_FLAGS = {
    "nosuid": linux.MS_NOSUID,
    "nodev": linux.MS_NODEV,
    "noexec": linux.MS_NOEXEC,
    "noatime": linux.MS_NOATIME,
    "nodiratime": linux.MS_NODIRATIME,
    "relatime": linux.MS_RELATIME,
}
# Host folders with secrets or sockets a run has no business seeing (if they exist).
SYSTEM_HIDDEN = ("/root", "/home", "/run", "/var/run", "/dev/shm", "/dev/mqueue", "/var/tmp",
                 "/mnt", "/media", "/srv")
HIDDEN_TMPFS_OPTIONS = "size=64k,mode=755"


@dataclass(frozen=True)
class MountPlan:
    hidden: tuple[str, ...]  # covered by an empty read-only tmpfs
    keep: tuple[str, ...]  # bind-mounted back read-only inside a hidden folder or /tmp
    project: str | None


def project_root() -> str | None:
    """The checkout the engine runs from (editable install), unless it is the interpreter's."""
    root = os.path.dirname(os.path.dirname(os.path.realpath(sandbox.__file__)))
    if any(_under(root, p) for p in _interpreter_dirs()):
        return None  # installed into site-packages: hiding it would hide the interpreter
    return root


def _interpreter_dirs() -> list[str]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    dirs.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    return [os.path.realpath(d) for d in dirs if d and os.path.isdir(d)]


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _outermost(paths: list[str]) -> tuple[str, ...]:
    ordered = sorted(set(paths), key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(_under(path, k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


@functools.lru_cache(maxsize=1)
def plan() -> MountPlan:
    """Which folders to hide and which to bring back (computed once, in the zygote)."""
    project = project_root()
    candidates = [*SYSTEM_HIDDEN, os.path.expanduser("~")]
    if project:
        candidates.append(project)
    hidden = [
        os.path.realpath(p)
        for p in candidates
        if p.startswith("/") and os.path.isdir(p) and os.path.realpath(p) != "/"
    ]
    keep = [*_interpreter_dirs(), os.path.dirname(os.path.realpath(sandbox.__file__))]
    covered = [*hidden, "/tmp"]
    needed = [k for k in keep if any(_under(k, h) for h in covered)]
    return MountPlan(hidden=_outermost(hidden), keep=_outermost(needed), project=project)


def setup(limits: Limits, walls: Walls) -> None:
    """Build the run's file system view; call after ``unshare(CLONE_NEWNS)``, still as root."""
    if not walls.has("mountns"):
        for name in ("readonly_root", "tmpfs", "hidden_home"):
            walls.down(name, "needs a mount namespace")
        return
    try:
        linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    except OSError as exc:
        # Without private propagation our mounts would appear on the host: do none.
        for name in ("readonly_root", "tmpfs", "hidden_home"):
            walls.down(name, f"cannot make mounts private ({describe(exc)})")
        return
    the_plan = plan()
    # Handles on the folders to bring back, taken before anything covers them.
    handles = {k: os.open(k, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC) for k in the_plan.keep}
    try:
        _remount_all_readonly(walls)
        _cover(the_plan.hidden, the_plan.keep, handles, walls, limits)
    finally:
        for fd in handles.values():
            os.close(fd)


def _remount_all_readonly(walls: Walls) -> None:
    try:
        # One call for the whole tree (Linux 5.12+), instead of one remount per mount.
        linux.mount_setattr_recursive("/", linux.MOUNT_ATTR_RDONLY)
    except OSError:
        pass  # older kernel, or a mount that refuses: one at a time below
    else:
        walls.up("readonly_root", "every mount read-only")
        return
    failed: list[str] = []
    root_done = False
    for point, flags in _mounts():
        if _under(point, "/proc"):
            continue  # replaced by a fresh /proc in the PID namespace
        try:
            linux.mount(None, point, None,
                        linux.MS_REMOUNT | linux.MS_BIND | linux.MS_RDONLY | flags)
        except OSError as exc:
            failed.append(f"{point} ({describe(exc)})")
            continue
        root_done = root_done or point == "/"
    if root_done:
        walls.up("readonly_root", "every mount read-only"
                 + (f" except {', '.join(failed)}" if failed else ""))
    else:
        walls.down("readonly_root", "; ".join(failed) or "no root mount found")


def _mounts() -> list[tuple[str, int]]:
    """(mount point, flags to keep) for every mount, from /proc/self/mountinfo."""
    result: list[tuple[str, int]] = []
    # os-level reads: the io stack's first use in a fresh child costs more than the parsing.
    fd = os.open("/proc/self/mountinfo", os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    for line in b"".join(chunks).decode("utf-8", "surrogateescape").splitlines():
        fields = line.split()
        if len(fields) < 6:
            continue
        point = _unescape(fields[4])
        flags = 0
        for option in fields[5].split(","):
            flags |= _KEPT_FLAGS.get(option, 0)
        result.append((point, flags))
    return result


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...).
    for code in ("\\040", "\\011", "\\012", "\\134"):
        field = field.replace(code, chr(int(code[1:], 8)))
    return field


def _cover(
    hidden: tuple[str, ...], keep: tuple[str, ...], handles: dict[str, int], walls: Walls,
    limits: Limits,
) -> None:
    failures: list[str] = []
    places = [(p, HIDDEN_TMPFS_OPTIONS, True) for p in hidden]
    places.append(("/tmp", f"size={limits.tmpfs_bytes},mode=1777", False))
    for place, options, read_only in places:
        try:
            linux.mount("tmpfs", place, "tmpfs", NOSUID_NODEV, options)
            try:
                for k in keep:
                    if _under(k, place):
                        _bind_back(k, handles[k])
                if read_only:
                    linux.mount(None, place, None,
                                linux.MS_REMOUNT | linux.MS_RDONLY | NOSUID_NODEV, options)
            except OSError:
                # Half done would hide the interpreter: uncover the place instead.
                with contextlib.suppress(OSError):
                    linux.umount2(place, linux.MNT_DETACH)
                raise
        except OSError as exc:
            if place == "/tmp":
                walls.down("tmpfs", f"/tmp: {describe(exc)}")
            else:
                failures.append(f"{place} ({describe(exc)})")
        else:
            if place == "/tmp":
                walls.up("tmpfs", f"/tmp is a private {limits.tmpfs_bytes // 1024} KiB tmpfs")
    if failures:
        walls.down("hidden_home", "not hidden: " + ", ".join(failures))
    else:
        walls.up("hidden_home", "hidden: " + ", ".join(hidden))


def _bind_back(path: str, handle: int) -> None:
    _make_dirs(path)
    # Bind through the handle: the original path is covered by the tmpfs by now.
    linux.mount(f"/proc/self/fd/{handle}", path, None, linux.MS_BIND | linux.MS_REC)
    linux.mount(None, path, None,
                linux.MS_REMOUNT | linux.MS_BIND | linux.MS_RDONLY | NOSUID_NODEV)


def _make_dirs(path: str) -> None:
    """mkdir -p with mode 755 whatever the umask: the unprivileged uid must traverse them."""
    current = ""
    for part in path.strip("/").split("/"):
        current += "/" + part
        if not os.path.isdir(current):
            os.mkdir(current)
            os.chmod(current, 0o755)


def mount_proc(walls: Walls) -> None:
    """A /proc for the new PID namespace (call as its pid 1): host processes vanish from it."""
    if not (walls.has("pidns") and walls.has("mountns")):
        walls.down("private_proc", "needs PID and mount namespaces")
        return
    walls.attempt(
        "private_proc",
        lambda: linux.mount("proc", "/proc", "proc", NOSUID_NODEV | linux.MS_NOEXEC),
        "/proc shows only the run's own processes",
    )
