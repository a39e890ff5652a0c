"""A stand-in for the web app, for front-end tests: static files, the page templates
rendered from the real lessons, and /api/run + /api/check answered in-process by the
engine. It lets the browser tests drive the real JS without the Starlette app.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from wsgi_asgi_tour import checks, i18n
from wsgi_asgi_tour.lessons import load_course

import sandbox
from sandbox.rules import all_rules
from sandbox.rules.example_apps import all_examples

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ROOT / "site" / "templates"), autoescape=True)


def static_url(path: str) -> str:
    return f"/static/{path}"


class Site:
    def __init__(self) -> None:
        self.course = load_course()
        self.strings = i18n.catalog("en")
        self.runs: list[dict[str, Any]] = []  # every /api/run payload, for assertions

    def render(self, name: str, **context: Any) -> str:
        base = {"static_url": static_url, "lang": "en", "strings": self.strings, "version": "test"}
        return TEMPLATES.get_template(name).render(**base, **context)

    def page(self, path: str) -> tuple[int, str]:
        if path in ("/lessons", "/lessons/"):
            return 200, self.render("toc.html", course=self.course, active="lessons")
        if path.startswith("/lessons/") and path[9:] in self.course.by_slug:
            lesson = self.course.by_slug[path[9:]]
            return 200, self.render("lesson.html", lesson=lesson, course=self.course,
                                    active="lessons")
        if path == "/playground":
            return 200, self.render("playground.html", active="playground")
        if path == "/rules":
            return 200, self.render("rules.html", rules=all_rules(), examples=all_examples(),
                                    active="rules")
        return 404, self.render("not_found.html", path=path, suggestions=self.course.lessons[:2])

    def api(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path == "/api/run":
            self.runs.append(payload)
            return 200, sandbox.run(payload["code"], payload.get("scenario") or {},
                                    interface=payload.get("interface", "auto"))
        if path == "/api/check":
            lesson = self.course.by_slug[payload["lesson"]]
            ex = lesson.exercise
            assert ex is not None
            trace = sandbox.run(payload["code"], ex.scenario, interface=ex.interface)
            verdict = checks.report(ex.checks, trace)  # the same answer as site/check_api.py
            return 200, {"lesson": lesson.slug, "passed": verdict["passed"],
                         "summary": verdict["summary"], "checks": verdict["results"],
                         "trace": trace}
        if path == "/api/solution":
            ex = self.course.by_slug[payload["lesson"]].exercise
            assert ex is not None
            return 200, {"lesson": payload["lesson"], "solution": ex.solution}
        return 404, {"error": {"code": "not_found", "message": "no such endpoint"}}


class Handler(http.server.SimpleHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(("/static/", "/tests/frontend/")):
            super().do_GET()
            return
        status, body = self.site.page(path)
        self._send(status, "text/html; charset=utf-8", body.encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        payload = json.loads(self.rfile.read(length) or b"{}")
        status, answer = self.site.api(self.path, payload)
        self._send(status, "application/json", json.dumps(answer).encode())

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        # The site's CSP, so a stray inline script or style fails here as it would there.
        self.send_header("content-security-policy", "default-src 'self'; script-src 'self'; "
                         "style-src 'self'; img-src 'self' data:; connect-src 'self'")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve() -> Iterator[tuple[str, Site]]:
    """Serve the repository on 127.0.0.1; always stops, even when a test fails."""
    site = Site()
    handler = type("BoundHandler", (Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(ROOT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
