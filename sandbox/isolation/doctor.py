"""``wsgi-asgi-tour doctor``: which sandbox protections work on this machine, and what to do.

It starts an Executor exactly as the site does (same zygote, same self-test),
prints one line per protection (✔ active / ✘ missing, with the probe's
detail), the mode, whether hosted mode would start, and for each missing wall
what would bring it. Exit status 0 when every protection hosted mode needs
is active, 1 when not. ``--json`` prints the report the site's health check
shows.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
from typing import Any, TextIO

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor

_NAMESPACES = (
    "needs Linux namespaces: start the server as root (inside a container is fine). Docker's "
    "default seccomp profile refuses unshare(); run the container with --cap-add SYS_ADMIN "
    "or a profile that allows unshare and mount."
)
ADVICE = {
    "netns": _NAMESPACES,
    "pidns": _NAMESPACES,
    "mountns": _NAMESPACES,
    "ipcns": _NAMESPACES,
    "utsns": _NAMESPACES,
    "private_proc": _NAMESPACES,
    "readonly_root": _NAMESPACES,
    "tmpfs": _NAMESPACES,
    "hidden_home": _NAMESPACES,
    "uid_drop": "start the server as root: each run then drops to its slot's own unprivileged "
    "uid (WSGI_ASGI_TOUR_BASE_UID, default 61000, and the next few).",
    "no_new_privs": "needs Linux 3.5 or later (prctl PR_SET_NO_NEW_PRIVS).",
    "seccomp": "install the system libseccomp (Debian: apt install libseccomp2) and its "
    "Python binding (pip install pyseccomp).",
    "rlimits": "needs a Unix with the resource module; check that the hard limits are not "
    "below the configured ones (ulimit -Ha).",
    "lazy_import_after_drop": "the run's uid cannot read the interpreter or site-packages "
    "(for example Python under /root, mode 700): install Python where every user can read "
    "it (/usr/local, /opt) or let the mount namespace bind it back.",
    "fork": "cannot fork a fresh process per run here; runs fall back to spawning Python.",
    "zygote": "no zygote here: each run spawns a new Python (about 40 ms more per run, and "
    "only rlimits and a timeout). Use Linux for the full sandbox.",
    "probe": "the self-test could not run; the detail says why.",
    "capabilities": "the self-test module is missing from this installation: reinstall.",
}
DEFAULT_ADVICE = "should work on any Linux; if it does not, please report it with this output."


def gather(limits: Limits | None = None) -> dict[str, Any]:
    """Start an Executor, read its self-test report, close it."""

    async def main() -> dict[str, Any]:
        executor = Executor(limits)
        await executor.start()
        try:
            return executor.capabilities
        finally:
            await executor.close()

    return asyncio.run(main())


def protections(caps: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-protection entries of a capabilities report (not strong/missing/mode)."""
    return {k: v for k, v in caps.items() if isinstance(v, dict) and "active" in v}


def render(caps: dict[str, Any], glyphs: tuple[str, str] = ("✔", "✘")) -> str:
    yes, no = glyphs
    entries = protections(caps)
    width = max((len(name) for name in entries), default=10) + 2
    missing_names = {m.split(":", 1)[0] for m in caps.get("missing", [])}
    needed_names = _strong_names() | {"zygote"}
    lines = [
        f"Sandbox self-test: mode {caps.get('mode')} "
        f"(Python {platform.python_version()}, {platform.system()} {platform.release()})",
        "",
    ]
    for name, entry in entries.items():
        mark = yes if entry.get("active") else no
        needed = "  [hosted mode needs it]" if name in needed_names else ""
        detail = str(entry.get("detail") or "")
        lines.append(f"  {mark} {name.ljust(width)}{detail}{needed}".rstrip())
        if not entry.get("active"):
            lines.append(f"      to fix: {ADVICE.get(name, DEFAULT_ADVICE)}")
    lines.append("")
    if caps.get("strong"):
        lines.append("Hosted mode (--hosted): allowed, every protection it needs is active.")
    else:
        lines.append("Hosted mode (--hosted): refused. Missing:")
        lines.extend(f"  - {item}" for item in caps.get("missing", []))
        for name in sorted(missing_names - set(entries)):
            lines.append(f"      to fix {name}: {ADVICE.get(name, DEFAULT_ADVICE)}")
        lines.append("Local mode starts anyway, with a warning: only run code you trust "
                     "enough for this machine.")
    return "\n".join(lines) + "\n"


def _strong_names() -> set[str]:
    try:
        from sandbox.isolation.capabilities import STRONG
    except ImportError:
        return set()
    return set(STRONG)


def _glyphs(out: TextIO) -> tuple[str, str]:
    try:
        "✔✘".encode(out.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ("ok", "NO")
    return ("✔", "✘")


def main(json_output: bool = False, out: TextIO | None = None) -> int:
    """Print the report; 0 when hosted mode would start, 1 when not."""
    out = sys.stdout if out is None else out
    caps = gather()
    if json_output:
        out.write(json.dumps(caps, indent=2, sort_keys=True) + "\n")
    else:
        out.write(render(caps, _glyphs(out)))
    return 0 if caps.get("strong") else 1
