"""The site, built in one place: read ``routes`` and ``middleware`` to see all of it.

``create_app(settings)`` returns the Starlette app. Its lifespan starts the
execution service (a zygote process that forks one walled-in child per run)
and stops it; ``serve`` may instead hand in an executor it already started,
to check the sandbox's protections before it opens a port.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from sandbox.isolation.executor import Executor
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wsgi_asgi_tour import api, pages
from wsgi_asgi_tour.errors import error
from wsgi_asgi_tour.ratelimit import RateLimitMiddleware
from wsgi_asgi_tour.security import SecurityMiddleware
from wsgi_asgi_tour.settings import Settings

log = logging.getLogger("wsgi_asgi_tour")


def create_app(settings: Settings | None = None, *, executor: Executor | None = None) -> Starlette:
    settings = settings or Settings()

    routes = [
        Route("/", pages.home, methods=["GET"]),
        Route("/api/health", api.health, methods=["GET"]),
        Route("/api/run", api.run, methods=["POST"]),
    ]

    # Outermost first. Security wraps everything so its headers reach every answer,
    # the rate limiter's 429s included.
    middleware = [Middleware(SecurityMiddleware, settings=settings)]
    if settings.hosted:
        middleware.append(Middleware(
            RateLimitMiddleware, rate_per_s=settings.rate_per_s, burst=settings.rate_burst))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = executor is None
        ex = Executor(settings.limits) if executor is None else executor
        if owned:
            await ex.start()
        try:
            refuse_weak_hosting(settings, ex.capabilities)
            app.state.executor = ex
            log.info("sandbox: %s", describe(ex.capabilities))
            yield
        finally:
            if owned:
                await ex.close()

    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    app.state.settings = settings
    return app


def refuse_weak_hosting(settings: Settings, capabilities: dict[str, object]) -> None:
    # serve() says this more kindly before it binds; this guards other ways of launching.
    if settings.hosted and not capabilities.get("strong"):
        raise RuntimeError(f"hosted mode needs strong isolation; {describe(capabilities)}")


def describe(capabilities: dict[str, object]) -> str:
    """One line: which walls are up, which are missing."""
    missing = capabilities.get("missing") or []
    assert isinstance(missing, list)
    if capabilities.get("strong"):
        return "strong isolation: every protection is active"
    return "weak isolation, missing: " + (", ".join(map(str, missing)) or "(unknown)")


async def http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 as JSON under /api/ (scripts parse them), as text elsewhere."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {
            404: f"There is no API endpoint at {request.url.path}; see docs/api.md.",
            405: f"{request.url.path} does not accept {request.method}.",
        }.get(exc.status_code, exc.detail)
        return error(exc.status_code, code, message, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
