"""Turn what the zygote (or a spawned run) reported into a trace a learner can read.

A child that ended normally sent its trace: it is parsed strictly (it is
untrusted text) and used as it is. So is a complete result the zygote answered
before the run's processes had ended (``early``: no exit status yet). Every
other ending becomes a trace with the usual keys (docs/trace.md), no events,
and an ``error`` whose message says what happened: ``timeout`` (wall clock),
``cpu_limit``, ``memory_limit``, ``output_limit`` or ``crashed``.
"""

from __future__ import annotations

import signal
from typing import Any

from sandbox.asgi import SPEC_VERSIONS
from sandbox.engine import ENGINE_VERSION
from sandbox.i18n import tr
from sandbox.isolation import protocol
from sandbox.isolation.config import Limits

MIB = 1024 * 1024
# Windows has neither (spawn mode there reports no signals).
SIGXCPU = getattr(signal, "SIGXCPU", -1)
SIGKILL = getattr(signal, "SIGKILL", -1)


def failure(
    outcome: str, error_type: str, message: str, *, interface: str, app: str, elapsed_ms: float
) -> dict[str, Any]:
    """A trace for a run that produced no trace of its own."""
    return {
        "interface": None if interface == "auto" else interface,
        "app": app,
        "outcome": outcome,
        "response": None,
        "responses": [],
        "events": [],
        "violations": [],
        "error": {"type": error_type, "message": message, "traceback": "", "line": None},
        "stdout": "",
        "duration_ms": elapsed_ms,
        "engine": {"version": ENGINE_VERSION, **SPEC_VERSIONS},
    }


def crashed(message: str, *, interface: str, app: str, elapsed_ms: float = 0.0) -> dict[str, Any]:
    return failure("crashed", "Crashed", message, interface=interface, app=app,
                   elapsed_ms=elapsed_ms)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def to_trace(
    answer: dict[str, Any], limits: Limits, *, interface: str, app: str, mode: str
) -> dict[str, Any]:
    """The trace for one run, from the zygote's answer (see zygote.Zygote._reap)."""
    elapsed = float(answer.get("elapsed_ms", 0.0))
    cpu_ms = float(answer.get("cpu_ms", 0.0))
    ending = _ending(answer, limits, cpu_ms)
    if ending is None:
        try:
            trace = protocol.parse_trace(answer["result"], limits.result_bytes)
        except protocol.ProtocolError as exc:
            # Killed while writing, or ended early: say that, not "bad output".
            ending = _ending({**answer, "result": None}, limits, cpu_ms)
            if ending is None or (answer.get("exit_code", 0) == 0 and "signal" not in answer):
                ending = ("crashed", "Crashed",
                          tr("The process running your code sent back something that is not a "
                             "trace ({problem}). Does your code write to file descriptors it did "
                             "not open?", problem=exc))
        else:
            _memory(trace, limits)
    if ending is not None:
        trace = failure(*ending, interface=interface, app=app, elapsed_ms=elapsed)
    early = bool(answer.get("early"))
    if early and ending is None:
        # Answered from a complete result, before the exit: the CPU time is the child's
        # own account (a number it could forge, about its own run only).
        isolation = trace.get("isolation")
        spent = isolation.get("cpu_ms") if isinstance(isolation, dict) else None
        cpu_ms = float(spent) if isinstance(spent, (int, float)) else 0.0
    engine = trace.get("engine")
    if isinstance(engine, dict):
        engine["sandbox"] = {"mode": mode, "elapsed_ms": elapsed, "cpu_ms": cpu_ms,
                             "result_ms": float(answer.get("eof_ms", elapsed)),
                             "early": early}
    return trace


def _ending(answer: dict[str, Any], limits: Limits, cpu_ms: float) -> tuple[str, str, str] | None:
    """(outcome, error type, message) when the run ended without a usable trace."""
    sig = answer.get("signal")
    if answer.get("spawn_error"):
        return ("crashed", "Crashed",
                tr("The sandbox could not start a process for your run ({problem}). "
                   "Wait a moment and run it again.", problem=answer["spawn_error"]))
    if answer.get("wall_killed"):
        return ("timeout", "Timeout",
                tr("Your code was still running after {seconds} seconds, so the sandbox "
                   "stopped it. Look for a loop that never ends, a sleep, or an await that never "
                   "returns.", seconds=f"{limits.wall_s:g}"))
    if answer.get("oversize"):
        return ("output_limit", "OutputLimit",
                tr("Your run produced more than {mib} MiB of trace, so "
                   "the sandbox stopped it. Send or print less.",
                   mib=f"{limits.result_bytes / MIB:g}"))
    hard_cpu_kill = sig == SIGKILL and cpu_ms >= limits.cpu_hard_s * 900  # 90 % of the limit
    if sig is not None and (sig == SIGXCPU or hard_cpu_kill):
        return ("cpu_limit", "CpuLimit",
                tr("Your code used more than {seconds} second(s) of processor time, "
                   "so the sandbox stopped it. Look for a loop that never ends or work that "
                   "grows too fast.", seconds=f"{limits.cpu_soft_s:g}"))
    if answer.get("result") is not None:
        return None
    if sig is not None:
        return ("crashed", "Crashed",
                tr("The process running your code was killed by {signal} before "
                   "it could report back. If your code builds something huge or recurses very "
                   "deeply, that is the likely cause.", signal=_signal_name(int(sig))))
    return ("crashed", "Crashed",
            tr("The process running your code ended with exit status {status} "
               "before it could report back: something called os._exit() or ended the "
               "interpreter.", status=answer.get("exit_code")))


def _memory(trace: dict[str, Any], limits: Limits) -> None:
    """A MemoryError escaping the app means it hit the data limit: say so as an outcome."""
    error = trace.get("error")
    if trace.get("outcome") == "error" and isinstance(error, dict) and (
        error.get("type") == "MemoryError"
    ):
        trace["outcome"] = "memory_limit"
        error["message"] = (
            tr("Your code tried to use more than {mib} MiB of memory, so Python raised "
               "MemoryError.", mib=f"{limits.data_bytes / MIB:g}")
            + " " + str(error.get("message") or "")
        ).strip()
