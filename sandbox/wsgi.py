"""The simulated WSGI server (PEP 3333). Placeholder until the WSGI work lands."""

from __future__ import annotations

from typing import Any

from sandbox.recorder import Recorder
from sandbox.scenario import Scenario


def serve(app: Any, scenario: Scenario, rec: Recorder) -> None:
    raise NotImplementedError
