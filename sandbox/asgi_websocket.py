"""ASGI WebSocket connections. Placeholder until the WebSocket work lands."""

from __future__ import annotations

from typing import Any

from sandbox.recorder import Recorder
from sandbox.scenario import WebSocketRequest


async def serve_one(
    app: Any,
    request: WebSocketRequest,
    rec: Recorder,
    state: dict[str, Any] | None,
    *,
    legacy: bool,
) -> dict[str, Any] | None:
    raise NotImplementedError
