"""child_main through a tiny fork harness: the walls, the exit-status mirror, fallbacks."""

from __future__ import annotations

import errno
import json
import os
import signal
import statistics
import time
from dataclasses import replace
from typing import Any

import pytest

from sandbox.isolation import capabilities, linux, mounts, seccomp_filter
from sandbox.isolation.child import run_job
from sandbox.isolation.config import Limits
from tests.sandbox.isolation.child_harness import (
    GET,
    HELLO_ASGI,
    TEST_LIMITS,
    asgi_app_running,
    is_root,
    leftovers,
    run_child,
)

LIMITS = TEST_LIMITS
ALL_WALLS = {
    "setsid", "close_fds", "pdeathsig", "netns", "pidns", "mountns", "ipcns", "utsns",
    "readonly_root", "tmpfs", "hidden_home", "private_proc", "uid_drop", "no_new_privs",
    "seccomp", "rlimits", "empty_env",
}


def _needs_strong_host() -> None:
    if not is_root():
        pytest.skip("needs root: namespaces, mounts and the uid drop need CAP_SYS_ADMIN")
    report = capabilities.probe()
    ok, missing = capabilities.strong_enough(report)
    if not ok:
        pytest.skip(f"needs Linux namespaces and seccomp; missing here: {missing}")


def test_hello_world_runs_and_reports_its_walls() -> None:
    status, trace, _ = run_child(HELLO_ASGI)
    assert status == 0
    assert trace is not None
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["response"]["status"] == 200
    walls = trace["isolation"]["walls"]
    assert {"setsid", "close_fds", "rlimits", "empty_env"} <= set(walls)
    assert set(walls).isdisjoint(trace["isolation"]["inactive"])
    assert trace["isolation"]["setup_ms"] > 0


@pytest.mark.root
def test_every_wall_is_up_as_root() -> None:
    _needs_strong_host()
    _, trace, _ = run_child(HELLO_ASGI)
    assert trace is not None
    assert set(trace["isolation"]["walls"]) == ALL_WALLS, trace["isolation"]["inactive"]


@pytest.mark.root
def test_the_learner_sees_a_small_private_world() -> None:
    _needs_strong_host()
    probe = r"""
import json, os, socket, resource
facts = {
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "pid": os.getpid(),
    "ppid": os.getppid(), "host": socket.gethostname(), "env": dict(os.environ),
    "cwd": os.getcwd(), "tmp": os.statvfs("/tmp").f_blocks * os.statvfs("/tmp").f_frsize,
    "root_home": sorted(os.listdir("/root")), "procs": sorted(p for p in os.listdir("/proc")
                                                              if p.isdigit()),
    "cpu": resource.getrlimit(resource.RLIMIT_CPU),
    "nproc": resource.getrlimit(resource.RLIMIT_NPROC),
}
print(json.dumps(facts))
"""
    limits = LIMITS
    _, trace, _ = run_child(asgi_app_running(probe), limits=limits, slot=1)
    assert trace is not None and trace["outcome"] == "ok", trace
    facts = json.loads(trace["stdout"])
    assert facts["uid"] == facts["gid"] == limits.base_uid + 1
    assert facts["groups"] == []
    assert facts["pid"] == 2 and facts["ppid"] == 1
    assert facts["host"] == "sandbox"
    assert facts["env"] == {}
    assert facts["cwd"] == "/tmp"
    assert facts["tmp"] <= limits.tmpfs_bytes
    assert facts["root_home"] in ([], [".pyenv"])  # only the way back to the interpreter
    assert facts["procs"] == ["1", "2"]
    assert facts["cpu"] == [limits.cpu_soft_s, limits.cpu_hard_s]
    assert facts["nproc"] == [limits.nproc, limits.nproc]
    assert leftovers(limits) == []


@pytest.mark.root
def test_runs_with_fewer_walls_when_not_root() -> None:
    """A laptop without root: every privileged wall is recorded as missing, the run goes on."""
    if not is_root():
        pytest.skip("needs root to become an unprivileged user for this test")

    def become_nobody() -> None:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    status, trace, _ = run_child(HELLO_ASGI, before=become_nobody)
    assert status == 0 and trace is not None, status
    assert trace["outcome"] == "ok"
    inactive = trace["isolation"]["inactive"]
    for name in ("netns", "pidns", "mountns", "uid_drop"):
        assert "root" in inactive[name], inactive
    assert {"setsid", "no_new_privs", "rlimits", "empty_env"} <= set(trace["isolation"]["walls"])


def test_a_signal_that_ends_the_learner_ends_the_forked_process_too() -> None:
    code = asgi_app_running("import os, signal\nos.kill(os.getpid(), signal.SIGXCPU)")
    status, trace, _ = run_child(code)
    assert trace is None
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU


def test_an_exit_code_of_the_learner_is_passed_on() -> None:
    status, trace, _ = run_child(asgi_app_running("import os\nos._exit(7)"))
    assert trace is None
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7


def test_an_endless_loop_is_stopped_by_the_cpu_limit() -> None:
    limits = replace(LIMITS, cpu_soft_s=1, cpu_hard_s=2, engine_timeout_s=5.0)
    status, trace, _ = run_child(asgi_app_running("while True:\n    pass"), limits=limits)
    assert trace is None
    # As pid 2 (never pid 1, which would ignore it) the learner gets SIGXCPU.
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
    assert leftovers(limits) == []


def test_memory_error_becomes_memory_limit() -> None:
    job = {"code": asgi_app_running("raise MemoryError()"), "scenario": GET}
    trace = json.loads(run_job(job, Limits(), {"walls": []}))
    assert trace["outcome"] == "memory_limit"
    assert trace["isolation"]["walls"] == []
    assert trace["isolation"]["cpu_ms"] > 0  # the child's own CPU time, for early answers


def test_a_trace_too_big_to_send_becomes_output_limit() -> None:
    job = {"code": asgi_app_running("print('x' * 5000)"), "scenario": GET}
    raw = run_job(job, Limits(result_bytes=2000), {"walls": []})
    assert len(raw) <= 2000
    trace = json.loads(raw)
    assert trace["outcome"] == "output_limit"
    assert trace["events"] == []


def test_setup_cost_fork_to_engine_start() -> None:
    setups = []
    for _ in range(7):
        _, trace, _ = run_child(HELLO_ASGI)
        assert trace is not None
        setups.append(trace["isolation"]["setup_ms"])
    median = statistics.median(setups)
    print(f"child_main setup (fork -> engine start), median of 7: {median:.2f} ms")
    assert median < 50, setups


SECCOMP_CHECK = r"""
import ctypes, errno, json, os, socket
libc = ctypes.CDLL(None, use_errno=True)
def call(*args):
    ctypes.set_errno(0)
    rc = libc.syscall(*args)
    return "ok" if rc >= 0 else errno.errorcode[ctypes.get_errno()]
results = {}
for name, family, kind in (("inet", socket.AF_INET, socket.SOCK_STREAM),
                           ("inet6", socket.AF_INET6, socket.SOCK_DGRAM),
                           ("netlink", socket.AF_NETLINK, socket.SOCK_RAW),
                           ("unix", socket.AF_UNIX, socket.SOCK_STREAM)):
    try:
        socket.socket(family, kind).close()
        results[name] = "ok"
    except OSError as exc:
        results[name] = errno.errorcode[exc.errno]
params = ctypes.create_string_buffer(120)
results["io_uring_setup"] = call(425, 1, params)
results["clone3"] = call(435, 0, 0)
results["keyctl"] = call(250, 0, -3, 0)  # KEYCTL_GET_KEYRING_ID of the session keyring
results["unshare_newuser"] = call(272, 0x10000000)
results["ptrace_traceme"] = call(101, 0, 0, 0, 0)
print(json.dumps(results))
"""


def test_seccomp_denies_the_calls_on_its_list() -> None:
    if os.uname().machine != "x86_64":
        pytest.skip("the raw syscall numbers in this test are x86_64's")
    status, trace, _ = run_child(asgi_app_running(SECCOMP_CHECK))
    assert trace is not None, status
    if "seccomp" not in trace["isolation"]["walls"]:
        pytest.skip(f"needs seccomp: {trace['isolation']['inactive'].get('seccomp')}")
    results = json.loads(trace["stdout"])
    assert results == {
        "inet": "EPERM", "inet6": "EPERM", "netlink": "EPERM", "unix": "ok",
        "io_uring_setup": "EPERM", "clone3": "ENOSYS", "keyctl": "EPERM",
        "unshare_newuser": "EPERM", "ptrace_traceme": "EPERM",
    }


def test_probe_reports_every_protection_quickly() -> None:
    capabilities.probe()  # the first call may compile the filter
    started = time.perf_counter()
    report = capabilities.probe()
    elapsed = time.perf_counter() - started
    required = {
        "fork", "setsid", "rlimits", "netns", "pidns", "mountns", "ipcns", "utsns",
        "uid_drop", "no_new_privs", "seccomp", "tmpfs", "hidden_home", "lazy_import_after_drop",
    }
    assert required <= set(report)
    assert all(set(entry) == {"active", "detail"} for entry in report.values())
    assert elapsed < 0.3, elapsed
    ok, missing = capabilities.strong_enough(report)
    assert ok == (not missing)
    if is_root():
        assert ok, missing


def test_strong_enough_names_what_is_missing() -> None:
    report = {name: {"active": True, "detail": ""} for name in capabilities.STRONG}
    assert capabilities.strong_enough(report) == (True, [])
    report["seccomp"] = {"active": False, "detail": "no libseccomp"}
    del report["pidns"]
    ok, missing = capabilities.strong_enough(report)
    assert not ok
    assert missing == ["pidns: not measured", "seccomp: no libseccomp"]


def _refuse_pid_namespaces() -> None:
    real = linux.unshare

    def unshare(flags: int) -> None:
        if flags & linux.CLONE_NEWPID:
            raise OSError(errno.EPERM, "refused for the test")
        real(flags)

    linux.unshare = unshare  # type: ignore[assignment]


def _no_libseccomp() -> None:
    seccomp_filter._compiled = None
    seccomp_filter._compile_error = "RuntimeError: Unable to find libseccomp"
    seccomp_filter._loaded = None


def _refuse_mounts() -> None:
    def mount(*args: object) -> None:
        raise OSError(errno.EPERM, "refused for the test")

    linux.mount = mount  # type: ignore[assignment]


def _refuse_bind_back() -> None:
    def bind_back(path: str, handle: int) -> None:
        raise OSError(errno.EPERM, "refused for the test")

    mounts._bind_back = bind_back  # type: ignore[assignment]


LAZY_IMPORT = asgi_app_running("import sys\nassert 'tabnanny' not in sys.modules\nimport tabnanny")


@pytest.mark.root
@pytest.mark.parametrize(("breakage", "missing", "still_up", "outcome"), [
    (_refuse_pid_namespaces, {"pidns", "private_proc"}, {"netns", "mountns", "uid_drop"}, "ok"),
    (_no_libseccomp, {"seccomp"}, {"pidns", "uid_drop", "no_new_privs", "rlimits"}, "ok"),
    # Half-built hiding is undone; whether lazy imports then work depends on where Python
    # lives (here under /root, mode 700: they fail, the notes' trap), but the run goes on.
    (_refuse_bind_back, {"hidden_home"}, {"tmpfs", "readonly_root", "uid_drop"}, "ok or error"),
    (_refuse_mounts, {"readonly_root", "tmpfs", "hidden_home", "private_proc"},
     {"netns", "pidns", "uid_drop", "seccomp"}, "ok or error"),
])
def test_a_missing_wall_is_recorded_and_the_run_goes_on(
    breakage: Any, missing: set[str], still_up: set[str], outcome: str
) -> None:
    _needs_strong_host()
    if breakage is _refuse_bind_back and any(
            mounts._under(d, "/tmp") for d in mounts._interpreter_dirs()):
        # Python (a virtualenv, say) lives under /tmp: without the bind-back the private
        # /tmp would hide it too, so that tmpfs is undone along with the hiding.
        missing, still_up = missing | {"tmpfs"}, still_up - {"tmpfs"}
    status, trace, _ = run_child(LAZY_IMPORT, before=breakage)
    assert status == 0 and trace is not None, status
    assert trace["outcome"] in outcome.split(" or "), trace["error"]
    assert missing <= set(trace["isolation"]["inactive"]), trace["isolation"]
    assert still_up <= set(trace["isolation"]["walls"])
    assert leftovers(LIMITS) == []
