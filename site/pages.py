"""HTML pages, rendered once at start-up and served from memory.

Every page (contents, each lesson, playground, rules) depends only on the
lessons and the static files, never on the request, so ``Pages`` renders them
all when the app starts, keeps the HTML and a gzip copy, and a request costs
a dictionary look-up. A lesson that fails to render fails start-up, naming
the file, instead of failing a learner later.
"""

from __future__ import annotations

import difflib
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from wsgi_asgi_tour import __version__, i18n
from wsgi_asgi_tour.lesson_model import Course
from wsgi_asgi_tour.static_files import StaticFiles

from sandbox.rules import all_rules
from sandbox.rules.example_apps import all_examples

TEMPLATES = Path(__file__).parent / "templates"
# Pages are the same for everyone; revalidate so a restarted server's new lessons show.
PAGE_CACHE = "no-cache"


@dataclass(frozen=True)
class Page:
    body: bytes
    gzipped: bytes


class Pages:
    def __init__(self, courses: dict[str, Course], static: StaticFiles) -> None:
        self.courses = courses
        self.static = static
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        self.pages: dict[str, Page] = {}
        course = courses["en"]
        toc = self._render("toc.html", "en", course=course, active="lessons")
        self.pages["/"] = self.pages["/lessons"] = toc
        for lesson in course.lessons:
            self.pages[f"/lessons/{lesson.slug}"] = self._render(
                "lesson.html", "en", lesson=lesson, course=course, active="lessons")
        self.pages["/playground"] = self._render("playground.html", "en", active="playground")
        self.pages["/rules"] = self._render(
            "rules.html", "en", rules=all_rules(), examples=all_examples(), active="rules")

    def _context(self, lang: str) -> dict[str, Any]:
        return {"static_url": self.static.url, "lang": lang, "strings": i18n.catalog(lang),
                "version": __version__}

    def _render(self, template: str, lang: str, **context: Any) -> Page:
        html = self.env.get_template(template).render(**self._context(lang), **context)
        body = html.encode("utf-8")
        return Page(body, gzip.compress(body, compresslevel=6, mtime=0))

    def not_found(self, path: str) -> bytes:
        course = self.courses["en"]
        wanted = path.rstrip("/").rsplit("/", 1)[-1]
        titles = {lesson.slug: lesson for lesson in course.lessons}
        close = difflib.get_close_matches(wanted, list(titles), n=3, cutoff=0.4)
        html = self.env.get_template("not_found.html").render(
            **self._context("en"), path=path, suggestions=[titles[s] for s in close])
        return html.encode("utf-8")

    async def endpoint(self, request: Request) -> Response:
        path = request.url.path.rstrip("/") or "/"
        page = self.pages.get(path)
        if page is None:
            return Response(self.not_found(request.url.path), status_code=404,
                            media_type="text/html; charset=utf-8")
        headers = {"cache-control": PAGE_CACHE, "vary": "accept-encoding"}
        body = page.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = page.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)
