"""ASGI HTTP connections. Placeholder until the HTTP work lands."""

from __future__ import annotations

from typing import Any

from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest


async def serve_one(
    app: Any, request: HttpRequest, rec: Recorder, state: dict[str, Any] | None, *, legacy: bool
) -> dict[str, Any] | None:
    raise NotImplementedError
