"""A seccomp deny-list: the system calls learner code never needs, answered with EPERM.

Allow by default (Python and its C extensions use hundreds of calls), deny
what opens a way out: network sockets (only AF_UNIX, which asyncio needs for
its self-pipe, is allowed), tracing other processes or reading their memory,
entering or creating namespaces (``setns``, ``unshare``, ``clone`` with a
CLONE_NEW* flag), mounting, kernel keyrings, BPF, io_uring (its calls bypass
seccomp), perf events, loading kernel modules. ``clone3`` gets ENOSYS: its
flags sit in memory a filter cannot read, and glibc falls back to ``clone``.
A syscall made for another architecture (x32/i386 tricks) kills the process
(libseccomp's default "bad arch" action).

The filter is compiled once by libseccomp (through ``pyseccomp``) in the
zygote and kept as BPF bytes; each child installs those bytes with one
``prctl``, which costs microseconds instead of a compile per run.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import socket
from typing import Any

from sandbox.isolation import linux
from sandbox.isolation.walls import Walls, describe

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "unshare", "setns",
    "mount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount", "open_tree",
    "fsopen", "fsmount", "fsconfig", "fspick", "open_by_handle_at", "name_to_handle_at",
    "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "swapon", "swapoff", "reboot", "acct", "quotactl", "syslog", "vhangup",
    "iopl", "ioperm", "lookup_dcookie",
)
NAMESPACE_FLAGS = (
    linux.CLONE_NEWUSER, linux.CLONE_NEWNS, linux.CLONE_NEWPID, linux.CLONE_NEWNET,
    linux.CLONE_NEWIPC, linux.CLONE_NEWUTS, linux.CLONE_NEWCGROUP,
)

_compiled: bytes | None = None
_compile_error: str | None = None
_loaded: tuple[ctypes.Array[ctypes.c_char], ctypes.Structure] | None = None  # kept alive


def compile_filter() -> bytes:
    """The filter as BPF bytes (cached). OSError/ImportError if libseccomp is missing."""
    global _compiled, _compile_error
    if _compiled is not None:
        return _compiled
    if _compile_error is not None:
        raise OSError(errno.ENOSYS, _compile_error)
    try:
        _compiled = _build()
    except Exception as exc:  # no pyseccomp, no libseccomp, unknown arch: remember why
        _compile_error = describe(exc)
        raise OSError(errno.ENOSYS, _compile_error) from exc
    return _compiled


def _build() -> bytes:
    import pyseccomp  # raises RuntimeError at import when libseccomp is absent

    deny = pyseccomp.ERRNO(errno.EPERM)
    filt: Any = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED:
        try:
            filt.add_rule(deny, name)
        except (OSError, ValueError):
            continue  # a call this kernel/architecture does not have cannot be made either
    for name in ("socket", "socketpair"):
        filt.add_rule(deny, name, pyseccomp.Arg(0, pyseccomp.NE, socket.AF_UNIX))
    for flag in NAMESPACE_FLAGS:
        filt.add_rule(deny, "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    with contextlib.suppress(OSError, ValueError):
        filt.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    out = os.memfd_create("seccomp-bpf", 0)
    try:
        filt.export_bpf(_Fd(out))
        size = os.lseek(out, 0, os.SEEK_END)
        return os.pread(out, size, 0)
    finally:
        os.close(out)


class _Fd:
    """What pyseccomp's export_bpf expects: something with ``fileno()``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def program() -> tuple[ctypes.Array[ctypes.c_char], ctypes.Structure]:
    """The filter as the ``struct sock_fprog`` prctl wants (built once, like the BPF)."""
    global _loaded
    if _loaded is None:
        code = compile_filter()
        buffer = ctypes.create_string_buffer(code, len(code))
        _loaded = (buffer, _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p)))
    return _loaded


def install(walls: Walls) -> None:
    """Load the filter into this process (needs no_new_privs first, or CAP_SYS_ADMIN)."""
    try:
        _, fprog = program()
        linux.prctl_ptr(
            linux.PR_SET_SECCOMP,
            linux.SECCOMP_MODE_FILTER,
            ctypes.cast(ctypes.pointer(fprog), ctypes.c_void_p),
        )
    except OSError as exc:
        walls.down("seccomp", describe(exc))
    else:
        walls.up("seccomp", f"EPERM for {len(DENIED)} calls, network sockets and namespace clones")
