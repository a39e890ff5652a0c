"""ASGI lifespan protocol. Placeholder until the lifespan work lands."""

from __future__ import annotations

from typing import Any

from sandbox.recorder import Recorder


class Lifespan:
    def __init__(self, app: Any, rec: Recorder, state: dict[str, Any], *, legacy: bool) -> None:
        self.supported = False

    async def startup(self) -> bool:
        raise NotImplementedError

    async def shutdown(self) -> None:
        raise NotImplementedError
