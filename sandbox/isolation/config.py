"""Limits for one isolated run, with their defaults; every figure is configurable.

Environment variables ``WSGI_ASGI_TOUR_<FIELD>`` (upper case, e.g.
``WSGI_ASGI_TOUR_WALL_S=5``) override a default; ``Limits.from_env()`` reads
them. The defaults are documented in docs/isolation.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # CPU seconds: SIGXCPU at the soft limit, SIGKILL at the hard one.
    cpu_soft_s: int = 1
    cpu_hard_s: int = 2
    # Data segment (heap) bytes; RLIMIT_DATA, not RLIMIT_AS, which starves threads under glibc.
    data_bytes: int = 256 * MIB
    # Processes/threads the run's uid may own (bounds fork and thread bombs).
    nproc: int = 32
    # Largest file the run may write, and open descriptors.
    fsize_bytes: int = 1 * MIB
    nofile: int = 64
    # Size of the private tmpfs mounted on /tmp.
    tmpfs_bytes: int = 8 * MIB
    # Wall-clock seconds before the whole run (process group and PID namespace) is killed.
    wall_s: float = 3.0
    # Engine's own soft timeout inside the child (reported as outcome "timeout").
    engine_timeout_s: float = 2.0
    # Largest result (JSON trace) a child may send back; beyond it: outcome "output_limit".
    result_bytes: int = 2 * MIB
    # Concurrent runs (0: one per CPU) and runs waiting for a slot before 503.
    slots: int = 0
    queue: int = 32
    # Identities (uids) runs rotate through, each with a prepared child waiting in the
    # zygote; 0: twice the slots, so a run finds its child ready while the last run's
    # is being replaced. Never fewer than the slots.
    uids: int = 0
    # First uid/gid of the per-slot unprivileged users used when running as root.
    base_uid: int = 61000
    # Scheduling niceness added to every run (0-19): runs that spin yield the CPU to the
    # web server, so pages and the health check keep answering while the pool is busy.
    nice: int = 10

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        changes: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"WSGI_ASGI_TOUR_{f.name.upper()}")
            if raw is None:
                continue
            kind = float if f.type in ("float", float) else int
            try:
                changes[f.name] = kind(raw)
            except ValueError:
                raise ValueError(
                    f"WSGI_ASGI_TOUR_{f.name.upper()}={raw!r}: expected a number") from None
        return replace(cls(), **changes)  # type: ignore[arg-type]

    def effective_slots(self) -> int:
        return self.slots if self.slots > 0 else max(1, os.cpu_count() or 1)

    def effective_uids(self) -> int:
        """Run identities: run ``n`` of them is uid ``base_uid + n``; the self-test uses
        the uid after them."""
        slots = self.effective_slots()
        return max(slots, self.uids if self.uids > 0 else 2 * slots)
