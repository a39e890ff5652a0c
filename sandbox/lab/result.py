"""The shape of a lab result (docs/lab.md), for ``run_lab`` and for the isolation layer.

A lab result carries the trace's keys too (``response``, ``events``, ...,
empty), so the isolation layer's strict checks of a child's answer apply to
it unchanged. ``complete`` gives a result the isolation layer made up (a
timeout, a crash) the lab's keys, so a caller can always read them.
"""

from __future__ import annotations

from typing import Any

from sandbox.asgi import SPEC_VERSIONS
from sandbox.engine import ENGINE_VERSION

LAB_VERSION = "1"


def blank(interface: str, app: str, requests: int,
          server: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "kind": "lab",
        "outcome": "ok",
        "interface": None if interface == "auto" else interface,
        "app": app,
        "server": server,
        "requests_n": requests,
        "makespan_ms": None,
        "throughput_rps": None,
        "p50_ms": None,
        "p99_ms": None,
        "mean_ms": None,
        "max_in_flight": 0,
        "requests": [],
        "notes": [],
        "error": None,
        "stdout": "",
        "real_ms": 0.0,
        "isolation": None,
        # The trace's keys (docs/trace.md), empty: a lab has no message flow.
        "response": None,
        "responses": [],
        "events": [],
        "violations": [],
        "duration_ms": 0.0,
        "engine": {"version": ENGINE_VERSION, "lab": LAB_VERSION, **SPEC_VERSIONS},
    }


def complete(trace: dict[str, Any], *, interface: str, app: str, requests: int,
             server: dict[str, Any] | None) -> dict[str, Any]:
    """``trace`` with every key of a lab result (missing ones from ``blank``)."""
    full = blank(interface, app, requests, server)
    full.update(trace)
    full["kind"] = "lab"
    if not trace.get("real_ms"):
        full["real_ms"] = float(trace.get("duration_ms") or 0.0)
    return full
