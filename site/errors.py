"""One shape for every error the site answers with: ``{"error": {"code", "message"}}``.

``code`` is a stable identifier scripts can branch on; ``message`` is written for
a learner and says what to do next.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response


class JSONResponse(Response):
    """JSON that always encodes, whatever a learner's run put in the trace.

    Starlette's own JSONResponse fails on lone surrogates (``print("\\ud800")``)
    and on NaN; a trace may hold both, and a run must never become a 500.
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(
                content, ensure_ascii=False, allow_nan=False, separators=(",", ":")
            ).encode("utf-8")
        except ValueError:  # UnicodeEncodeError is a ValueError too
            return json.dumps(_finite(content), separators=(",", ":")).encode("ascii")


def _finite(value: Any) -> Any:
    # Only on the rare failure path: name non-finite floats instead of emitting
    # NaN, which is not JSON and which browsers' JSON.parse rejects.
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


NO_STORE = {"cache-control": "no-store"}


def error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The error response; API answers are never cached (they depend on the run)."""
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )
