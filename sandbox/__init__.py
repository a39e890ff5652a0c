"""The engine: simulated WSGI and ASGI servers that record every message.

``sandbox.run(code, scenario)`` returns a JSON-ready trace (see docs/trace.md).
Nothing here imports the web stack: the isolation layer runs this package in
a bare child process.
"""

from __future__ import annotations

from sandbox.engine import run, run_app
from sandbox.scenario import ScenarioError, parse

__all__ = ["ScenarioError", "parse", "run", "run_app"]
