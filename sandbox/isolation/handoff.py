"""The first moments of a child the zygote forked, before ``child_main`` takes over.

The child is a copy of the zygote: it holds the zygote's pipes and selector,
and in memory the bytes of every other run in flight (their partial results,
the next jobs). Before any learner-facing code runs it decodes its own job,
zeroes all of those bytes, keeps only its result pipe (as fd 3), points 0-2
at /dev/null, lowers its priority and restores default signal handling.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Callable
from typing import Any, NoReturn

from sandbox.isolation import protocol
from sandbox.isolation.config import Limits

ChildMain = Callable[[dict[str, Any], int, Limits, int], Any]
# Exit status of a child whose set-up failed before the learner's code could run.
EXIT_SETUP_FAILED = 70
RESULT_FD = 3


def enter_child(
    w: int,
    slot: int,
    frame: bytearray,
    head_len: int,
    others: list[bytearray],
    entry: ChildMain,
    limits: Limits,
    debug: bool,
) -> NoReturn:
    """Called right after fork in the child; never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        body = bytes(memoryview(frame)[head_len:])
        job = json.loads(body) if body else {}
        del body
        protocol.zero(frame)
        for buf in others:
            protocol.zero(buf)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1) if debug else (0, 1, 2):  # debug keeps the zygote's stderr
            os.dup2(null, fd)
        os.dup2(w, RESULT_FD)
        os.closerange(RESULT_FD + 1, max(os.sysconf("SC_OPEN_MAX"), 4096))
        if limits.nice > 0 and slot >= 0:
            with contextlib.suppress(OSError):
                os.nice(limits.nice)
        entry(job, RESULT_FD, limits, slot)
    except BaseException:
        if debug:
            import traceback

            traceback.print_exc()
    os._exit(EXIT_SETUP_FAILED)


def probe_child(job: dict[str, Any], fd: int, limits: Limits, slot: int) -> NoReturn:
    """The self-test (capabilities.probe) in a child of the zygote, like a run."""
    from sandbox.isolation.capabilities import probe

    data = memoryview(protocol.dumps(probe(limits)))
    while data:
        data = data[os.write(fd, data) :]
    os._exit(0)
