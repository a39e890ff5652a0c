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

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from wsgi_asgi_tour import api, check_api, follow, i18n, lab_api
from wsgi_asgi_tour.errors import error
from wsgi_asgi_tour.lessons import load_course
from wsgi_asgi_tour.pages import Pages
from wsgi_asgi_tour.ratelimit import RateLimitMiddleware
from wsgi_asgi_tour.security import SecurityMiddleware
from wsgi_asgi_tour.settings import Settings
from wsgi_asgi_tour.static_files import StaticFiles

from sandbox.isolation.executor import Executor

log = logging.getLogger("wsgi_asgi_tour")


def create_app(settings: Settings | None = None, *, executor: Executor | None = None) -> Starlette:
    settings = settings or Settings()
    # Everything a page needs is loaded and rendered now: a broken lesson stops start-up
    # with its file and line, and serving a page is a dictionary look-up.
    courses = {lang: load_course(lang=lang) for lang in i18n.languages()}
    static = StaticFiles()
    pages = Pages(courses, static)

    routes = [
        Route("/", pages.endpoint, methods=["GET"]),
        Route("/lessons", pages.endpoint, methods=["GET"]),
        Route("/lessons/{slug}", pages.endpoint, methods=["GET"]),
        Route("/playground", pages.endpoint, methods=["GET"]),
        Route("/lab", pages.endpoint, methods=["GET"]),
        Route("/compare", pages.endpoint, methods=["GET"]),
        Route("/rules", pages.endpoint, methods=["GET"]),
        Route("/static/{version}/{path:path}", static.endpoint, methods=["GET"]),
        Route("/api/health", api.health, methods=["GET"]),
        Route("/api/run", api.run, methods=["POST"]),
        Route("/api/lab", lab_api.lab, methods=["POST"]),
        Route("/api/check", check_api.check, methods=["POST"]),
        Route("/api/solution", check_api.solution, methods=["POST"]),
        # Follow mode (docs/follow.md): a teacher opens a room, students follow its runs.
        Route("/follow/{room}", pages.endpoint, methods=["GET"]),
        Route("/api/rooms", follow.create_room, methods=["POST"]),
        WebSocketRoute("/ws/rooms/{room}", follow.room_socket),
    ]
    # Every other language's pages live under its prefix (/zh/, /zh/rules, ...): the
    # page table knows which exist (Pages renders each page in every language).
    for lang in i18n.languages()[1:]:
        routes.append(Route(i18n.prefix(lang), pages.endpoint, methods=["GET"]))
        routes.append(Route(i18n.prefix(lang) + "/{path:path}", pages.endpoint,
                            methods=["GET"]))

    # Outermost first. Security wraps everything so its headers reach every answer,
    # the rate limiter's 429s included.
    middleware = [Middleware(SecurityMiddleware, settings=settings)]
    if settings.hosted:
        middleware.append(Middleware(
            RateLimitMiddleware, rate_per_s=settings.rate_per_s, burst=settings.rate_burst,
            paths=("/api/run", "/api/lab", "/api/rooms")))  # a room costs a run: rooms are capped

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
    app.state.courses = courses
    app.state.pages = pages
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
    if exc.status_code == 404:
        return Response(request.app.state.pages.not_found(request.url.path), status_code=404,
                         media_type="text/html; charset=utf-8")
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
