"""The concurrency lab: many requests against a server model, on a virtual clock.

``run_lab(code, options)`` loads the learner's app, runs every request for
real, and places the requests on a simulated timeline: a WSGI server of W
processes x T threads (``wsgi_model``, ``schedule``) or W asyncio event loops
with a thread pool (``asgi_model``, ``loop``, ``pool``). ``time.sleep`` and
``asyncio.sleep`` cost no real time (``clock``). The result's JSON is described
in docs/lab.md. Nothing here imports the web stack.
"""

from __future__ import annotations

from sandbox.lab.options import LabOptions, LabOptionsError, parse_options
from sandbox.lab.runner import LabError, run_lab

__all__ = ["LabError", "LabOptions", "LabOptionsError", "parse_options", "run_lab"]
