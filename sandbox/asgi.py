"""The simulated ASGI server: lifespan around a sequence of HTTP and WebSocket connections.

Like uvicorn, it starts the lifespan protocol first (when the scenario asks
for it), serves each request as its own app call with its own scope, and
shuts lifespan down at the end. ``state`` filled in during startup is
shallow-copied into each request scope, as the lifespan spec says.

Versions we implement and put in every scope's ``asgi`` key: ASGI 3.0, HTTP
and WebSocket spec 2.5, lifespan spec 2.0.
"""

from __future__ import annotations

from typing import Any

from sandbox import asgi_http, asgi_lifespan, asgi_websocket
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest, Scenario

ASGI_VERSION = "3.0"
HTTP_SPEC = "2.5"
WEBSOCKET_SPEC = "2.5"
LIFESPAN_SPEC = "2.0"
SPEC_VERSIONS = {
    "asgi_version": ASGI_VERSION,
    "http_spec_version": HTTP_SPEC,
    "websocket_spec_version": WEBSOCKET_SPEC,
    "lifespan_spec_version": LIFESPAN_SPEC,
}


async def serve(app: Any, scenario: Scenario, rec: Recorder, *, legacy: bool) -> None:
    """Play the server's part for the whole scenario, recording into ``rec``."""
    state: dict[str, Any] = {}
    lifespan = None
    if scenario.lifespan:
        lifespan = asgi_lifespan.Lifespan(app, rec, state, legacy=legacy)
        started = await lifespan.startup()
        if not started:
            # uvicorn exits when startup fails: no request is served.
            rec.responses.extend(None for _ in scenario.requests)
            return
    use_state = lifespan is not None and lifespan.supported
    for index, request in enumerate(scenario.requests):
        rec.request_index = index
        scope_state = dict(state) if use_state else None
        if isinstance(request, HttpRequest):
            response = await asgi_http.serve_one(app, request, rec, scope_state, legacy=legacy)
        else:
            response = await asgi_websocket.serve_one(app, request, rec, scope_state, legacy=legacy)
        rec.responses.append(response)
        if lifespan is not None and scope_state is not None:
            lifespan.check_request_state(scope_state)
    rec.request_index = None
    if lifespan is not None:
        await lifespan.shutdown()
