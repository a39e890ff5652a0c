"""Resource limits for the learner's process (they are inherited by anything it forks).

- CPU: SIGXCPU at the soft limit (kills, by default), SIGKILL at the hard one
  for code that ignores SIGXCPU; the zygote reports both as ``cpu_limit``.
- DATA (heap), not AS: under glibc ``RLIMIT_AS`` counts every thread's
  reserved arena and stack, so 256 MiB of AS left room for about 4 threads,
  while 256 MiB of DATA allowed ~30 and still stops memory bombs.
- NPROC bounds fork and thread bombs, but only for a non-root uid (the kernel
  does not enforce it for root): it matters after the uid drop.
- FSIZE caps any one file written (the tmpfs caps the total), NOFILE the open
  descriptors, CORE 0 keeps crashes from writing core dumps.

Limits can only be lowered without CAP_SYS_RESOURCE, so a figure above the
current hard limit is clamped to it rather than failing.
"""

from __future__ import annotations

import contextlib
import sys

from sandbox.isolation.config import Limits
from sandbox.isolation.walls import Walls, describe

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def wanted(limits: Limits) -> list[tuple[str, int, int]]:
    """(RLIMIT_ name, soft, hard) for one run."""
    return [
        ("RLIMIT_CPU", limits.cpu_soft_s, max(limits.cpu_soft_s, limits.cpu_hard_s)),
        ("RLIMIT_DATA", limits.data_bytes, limits.data_bytes),
        ("RLIMIT_NPROC", limits.nproc, limits.nproc),
        ("RLIMIT_FSIZE", limits.fsize_bytes, limits.fsize_bytes),
        ("RLIMIT_NOFILE", limits.nofile, limits.nofile),
        ("RLIMIT_CORE", 0, 0),
    ]


def set_one(name: str, soft: int, hard: int) -> None:
    if resource is None:
        raise OSError(f"no resource limits on {sys.platform}")
    which = getattr(resource, name)
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def no_core_dumps() -> None:
    """Early, in every process of the run: a mirrored SIGXCPU/SIGSEGV must not dump core."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        set_one("RLIMIT_CORE", 0, 0)


def apply(limits: Limits, walls: Walls) -> None:
    failed: list[str] = []
    for name, soft, hard in wanted(limits):
        if resource is not None and not hasattr(resource, name):
            failed.append(f"{name} (not on {sys.platform})")
            continue
        try:
            set_one(name, soft, hard)
        except (OSError, ValueError) as exc:
            failed.append(f"{name} ({describe(exc)})")
    if len(failed) == len(wanted(limits)) or "RLIMIT_CPU" in " ".join(failed):
        walls.down("rlimits", "; ".join(failed))
    else:
        walls.up("rlimits", summary(limits) + (f"; missing: {'; '.join(failed)}" if failed else ""))


def summary(limits: Limits) -> str:
    return (
        f"CPU {limits.cpu_soft_s} s (then SIGKILL at {limits.cpu_hard_s} s), "
        f"heap {limits.data_bytes // (1024 * 1024)} MiB, {limits.nproc} processes/threads, "
        f"files up to {limits.fsize_bytes // 1024} KiB, {limits.nofile} open files, no core dumps"
    )
