"""HTML pages. For now only the home page; the lesson pages replace and extend it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates
from wsgi_asgi_tour import __version__

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


async def home(request: Request) -> Response:
    settings = request.app.state.settings
    return TEMPLATES.TemplateResponse(
        request,
        "home.html",
        {"version": __version__, "hosted": settings.hosted, "origin": _origin(request)},
    )


def _origin(request: Request) -> str:
    # The Host header already passed the allow-list, so it is safe to show back.
    return f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"
