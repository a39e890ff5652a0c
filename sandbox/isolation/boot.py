"""The zygote's start-up: the bootstrap line, dying with the parent, preloading.

``link.command`` starts ``python -I -S -c BOOTSTRAP <config JSON>``; the config
carries the import path (``-S`` leaves site-packages out), the limits, the
parent's pid, the child function and what to preload. ``serve`` then hands
over to ``zygote.Zygote``'s loop.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import os
import signal
import sys
from typing import Any, NoReturn

from sandbox.isolation.config import Limits
from sandbox.isolation.handoff import ChildMain, prepared_form
from sandbox.isolation.zygote import Zygote

BOOTSTRAP = (
    "import sys, json\n"
    "cfg = json.loads(sys.argv[1])\n"
    "sys.path.extend(cfg['path'])\n"
    "from sandbox.isolation.boot import serve\n"
    "serve(cfg)\n"
)
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: EOF on stdin still ends us
        pass
    if os.getppid() != parent:  # the parent died before PDEATHSIG was armed
        os._exit(0)


def _preload_package(name: str) -> None:
    """Import every module of a package now, so no run imports (and compiles) it again.

    A module that fails to import is skipped: a run that needs it fails the same way.
    """
    import pkgutil

    package = importlib.import_module(name)
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        if info.ispkg or info.name.startswith(("render_", "example_")):
            continue
        try:
            importlib.import_module(f"{name}.{info.name}")
        except Exception:
            continue


def load_entry(spec: str) -> ChildMain:
    module, _, name = spec.partition(":")
    entry: ChildMain = getattr(importlib.import_module(module), name)
    return entry


def serve(cfg: dict[str, Any]) -> NoReturn:
    """The zygote's main (BOOTSTRAP calls it with the config the Executor built)."""
    _die_with_parent(int(cfg["parent"]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    in_fd, out_fd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    limits = Limits(**cfg["limits"])
    child = load_entry(cfg["child"])
    for name in cfg.get("preload", ()):
        importlib.import_module(name)
    for package in cfg.get("preload_packages", ()):
        _preload_package(package)
    # Everything loaded so far is shared with every child; keep the garbage collector
    # from touching it (a collection in a child would copy every page it touches).
    gc.collect()
    gc.freeze()
    # Prepared children (walls up before the job arrives) when the entry has that form.
    prepare = prepared_form(child) if cfg.get("prepared", True) else None
    zygote = Zygote(in_fd, out_fd, limits, child, bool(cfg.get("debug")), prepare)
    zygote.send({"type": "hello", "pid": os.getpid(), "python": sys.version.split()[0]})
    try:
        zygote.loop()
    except BaseException:
        import traceback

        traceback.print_exc()  # fd 2 is the parent's stderr: a zygote bug is worth a log line
    zygote.shutdown()
