"""Thin ctypes bindings for the Linux calls Python 3.11's ``os`` module lacks.

``unshare``, ``mount``, ``prctl``, ``sethostname`` and ``mallopt`` are all the
isolation layer needs from libc. Each wrapper raises ``OSError`` with the
real errno, so callers can record *why* a wall is missing instead of
guessing. On a host without libc (Windows) or without a call (macOS has no
``unshare``), ``available()`` is False and every wrapper raises ``OSError``
with ENOSYS: the callers treat that like any other missing wall.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys

# <sched.h>
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

# <sys/mount.h>
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MNT_DETACH = 2

# <linux/mount.h>: mount_setattr(2), Linux 5.12+ (the same number on every architecture)
SYS_MOUNT_SETATTR = 442
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x00000001

# <sys/prctl.h>
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_GET_SECCOMP = 21
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
SECCOMP_MODE_FILTER = 2

# <malloc.h>
M_ARENA_MAX = -8


def _load() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_libc = _load()
if _libc is not None:
    # Resolve the symbols now (in the zygote, which imports this module): each child then
    # finds them cached instead of paying dlsym and ctypes set-up on its critical path.
    for _name in ("unshare", "setns", "mount", "umount2", "prctl", "sethostname", "mallopt",
                  "syscall"):
        getattr(_libc, _name, None)


def available() -> bool:
    return _libc is not None


def _call(name: str, *args: object) -> int:
    """Call libc ``name``; OSError(errno) on a -1 return, ENOSYS if the call is missing."""
    func = getattr(_libc, name, None) if _libc is not None else None
    if func is None:
        raise OSError(errno.ENOSYS, f"{name}() is not available on this system")
    result = int(func(*args))
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")
    return result


def unshare(flags: int) -> None:
    _call("unshare", ctypes.c_int(flags))


def setns(fd: int, nstype: int) -> None:
    _call("setns", ctypes.c_int(fd), ctypes.c_int(nstype))


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    def enc(value: str | None) -> bytes | None:
        return None if value is None else os.fsencode(value)

    _call(
        "mount",
        enc(source),
        enc(target),
        enc(fstype),
        ctypes.c_ulong(flags),
        enc(data),
    )


class _MountAttr(ctypes.Structure):
    _fields_ = (
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    )


def mount_setattr_recursive(target: str, attr_set: int) -> None:
    """Set ``attr_set`` on the mount at ``target`` and every mount below it, in one call."""
    attr = _MountAttr(attr_set, 0, 0, 0)
    _call("syscall", ctypes.c_long(SYS_MOUNT_SETATTR), ctypes.c_int(AT_FDCWD),
          os.fsencode(target), ctypes.c_uint(AT_RECURSIVE), ctypes.byref(attr),
          ctypes.c_size_t(ctypes.sizeof(attr)))


def umount2(target: str, flags: int) -> None:
    _call("umount2", os.fsencode(target), ctypes.c_int(flags))


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    return _call(
        "prctl",
        ctypes.c_int(option),
        ctypes.c_ulong(arg2),
        ctypes.c_ulong(arg3),
        ctypes.c_ulong(arg4),
        ctypes.c_ulong(arg5),
    )


def prctl_ptr(option: int, arg2: int, pointer: ctypes.c_void_p) -> int:
    """prctl whose third argument is a pointer (PR_SET_SECCOMP with a filter program)."""
    return _call("prctl", ctypes.c_int(option), ctypes.c_ulong(arg2), pointer)


def sethostname(name: str) -> None:
    raw = name.encode()
    _call("sethostname", raw, ctypes.c_size_t(len(raw)))


def mallopt(param: int, value: int) -> bool:
    """glibc's mallopt; returns False (not an error) where it does not exist (musl, macOS)."""
    func = getattr(_libc, "mallopt", None) if _libc is not None else None
    return func is not None and int(func(ctypes.c_int(param), ctypes.c_int(value))) == 1
