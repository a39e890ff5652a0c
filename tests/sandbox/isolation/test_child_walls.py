"""The small pieces of the child side: wall bookkeeping, libc bindings, mount plan, limits."""

from __future__ import annotations

import errno
import os
import sys

import pytest

from sandbox.isolation import linux, mounts, rlimits, seccomp_filter
from sandbox.isolation.config import MIB, Limits
from sandbox.isolation.walls import Walls


def test_walls_record_what_went_up_and_why_the_rest_did_not() -> None:
    walls = Walls()
    assert walls.attempt("good", lambda: None, "fine")
    assert not walls.attempt("bad", lambda: os.close(-1))
    walls.down("good", "changed its mind")
    walls.up("bad")
    assert walls.report() == {"walls": ["bad"], "inactive": {"good": "changed its mind"}}
    assert walls.details == {"good": "fine"}


def test_a_failed_attempt_keeps_the_errno_text() -> None:
    walls = Walls()
    walls.attempt("x", lambda: os.close(-1))
    assert walls.inactive["x"] == "OSError: Bad file descriptor"


@pytest.mark.skipif(not linux.available(), reason="needs Linux libc")
def test_libc_errors_become_oserror_with_the_errno() -> None:
    with pytest.raises(OSError) as caught:
        linux.prctl(0x7FFF_FFFF)
    assert caught.value.errno == errno.EINVAL
    with pytest.raises(OSError) as caught:
        linux.mount(None, "/nonexistent-wat", None, linux.MS_REMOUNT)
    assert caught.value.errno in (errno.ENOENT, errno.EPERM, errno.EINVAL)


def test_mount_plan_hides_home_and_project_but_brings_the_interpreter_back() -> None:
    plan = mounts.plan()
    covered = (*plan.hidden, "/tmp")
    assert os.path.realpath(os.path.expanduser("~")) in plan.hidden or any(
        os.path.realpath(os.path.expanduser("~")).startswith(h + "/") for h in plan.hidden)
    if plan.project:
        assert plan.project in plan.hidden
    # Everything brought back sits inside something hidden (else it needs no bind)...
    assert all(any(k == h or k.startswith(h + "/") for h in covered) for k in plan.keep)
    # ...and the interpreter is readable again wherever it was hidden.
    prefix = os.path.realpath(sys.base_prefix)
    if any(prefix.startswith(h + "/") for h in covered):
        assert any(prefix == k or prefix.startswith(k + "/") for k in plan.keep)
    # No folder is listed inside another one.
    for group in (plan.hidden, plan.keep):
        assert not [a for a in group for b in group if a != b and a.startswith(b + "/")]


def test_mountinfo_escapes_are_decoded() -> None:
    assert mounts._unescape("/mnt/with\\040space\\134x") == "/mnt/with space\\x"


def test_outermost_drops_nested_folders() -> None:
    assert mounts._outermost(["/a/b", "/a", "/ab", "/c/d"]) == ("/a", "/ab", "/c/d")


def test_rlimits_follow_the_configuration() -> None:
    limits = Limits(cpu_soft_s=3, cpu_hard_s=1, data_bytes=64 * MIB, nproc=5)
    wanted = {name: (soft, hard) for name, soft, hard in rlimits.wanted(limits)}
    assert wanted["RLIMIT_CPU"] == (3, 3)  # the hard limit is never below the soft one
    assert wanted["RLIMIT_DATA"] == (64 * MIB, 64 * MIB)
    assert wanted["RLIMIT_NPROC"] == (5, 5)
    assert wanted["RLIMIT_CORE"] == (0, 0)
    assert "RLIMIT_AS" not in wanted  # it starves threads under glibc
    assert "heap 64 MiB" in rlimits.summary(limits)


def test_the_seccomp_filter_compiles_to_bpf() -> None:
    try:
        program = seccomp_filter.compile_filter()
    except OSError as exc:
        pytest.skip(f"needs libseccomp and pyseccomp: {exc}")
    assert len(program) % 8 == 0  # struct sock_filter is 8 bytes
    assert len(program) // 8 > len(seccomp_filter.DENIED)
