"""HTML pages, rendered once at start-up and served from memory.

Every page (contents, each lesson, playground, rules) depends only on the
lessons and the static files, never on the request, so ``Pages`` renders them
all when the app starts, keeps the HTML and a gzip copy, and a request costs
a dictionary look-up. A lesson that fails to render fails start-up, naming
the file, instead of failing a learner later. Each page is rendered once per
language (``i18n.languages()``): /rules and /zh/rules; only the bare entry /
looks at the request to choose one (lang_choice.py, docs/i18n.md).
"""

from __future__ import annotations

import difflib
import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from wsgi_asgi_tour import __version__, compare, i18n, lang_choice, page_lang
from wsgi_asgi_tour.lesson_model import Course
from wsgi_asgi_tour.static_files import StaticFiles

from sandbox import i18n as sandbox_i18n
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
        # Pages whose path has parameters ("/follow/{room}"): tried after `pages`.
        self.patterns: list[tuple[re.Pattern[str], Page]] = []
        # The side-by-side presets' code is the same in every language: read it once.
        self.presets = compare.presets()
        # Every page exists in every language: /rules, /zh/rules, ... (see page_lang.py).
        for lang in i18n.languages():
            self._build(lang)

    def _build(self, lang: str) -> None:
        """Every page of the site in `lang`. A page added here (English path, template,
        context) is served at its path in each language: /lab and /zh/lab."""
        course = self.courses.get(lang) or self.courses["en"]
        # One contents page at two addresses (/ and /lessons): its language switch and
        # alternates name /lessons, which never redirects, unlike the bare entry /.
        self.add(lang, "/lessons", "toc.html", course=course, active="lessons")
        self.pages[i18n.localize("/", lang).rstrip("/") or "/"] = self.pages[
            i18n.localize("/lessons", lang)]
        for lesson in course.lessons:
            self.add(lang, f"/lessons/{lesson.slug}", "lesson.html",
                     lesson=lesson, course=course, active="lessons")
        self.add(lang, "/playground", "playground.html", active="playground")
        self.add(lang, "/lab", "lab.html", active="lab", lab_strings=i18n.strings(lang, "lab."))
        self.add(lang, "/compare", "compare.html", active="compare", presets=self.presets,
                 lesson_titles={lesson.slug: lesson.title for lesson in course.lessons})
        self.add(lang, "/rules", "rules.html", rules=sandbox_i18n.localized_rules(lang),
                 examples=all_examples(), active="rules")
        self.add(lang, "/follow/{room}", "follow.html", active="")

    def add(self, lang: str, path: str, template: str, **context: Any) -> None:
        """Render `template` as the page at English `path` in `lang` (/zh/... for zh)."""
        page = self._render(template, lang, path=path, **context)
        where = i18n.localize(path, lang).rstrip("/") or "/"
        regex = page_lang.pattern(where)
        if regex is None:
            self.pages[where] = page
        else:
            self.patterns.append((regex, page))

    def _context(self, lang: str, path: str = "/") -> dict[str, Any]:
        return {"static_url": self.static.url, "lang": lang, "strings": i18n.catalog(lang),
                "version": __version__, "html_lang": i18n.html_lang(lang),
                "lang_prefix": i18n.prefix(lang), "page_path": path,
                "alternates": page_lang.alternates(path, lang),
                "js_strings": i18n.js_strings(lang)}

    def _render(self, template: str, lang: str, path: str = "/", **context: Any) -> Page:
        html = self.env.get_template(template).render(**self._context(lang, path), **context)
        body = page_lang.localize_links(html, lang).encode("utf-8")
        return Page(body, gzip.compress(body, compresslevel=6, mtime=0))

    def find(self, path: str) -> tuple[Page | None, dict[str, str]]:
        """The page at a request path (without its trailing slash) and its parameters."""
        page = self.pages.get(path)
        if page is not None:
            return page, {}
        for regex, candidate in self.patterns:
            match = regex.match(path)
            if match:
                return candidate, match.groupdict()
        return None, {}

    def not_found(self, path: str) -> bytes:
        """The 404 page, in the language the path's prefix names (/zh/... is Chinese)."""
        lang, rest = i18n.split(path)
        course = self.courses.get(lang) or self.courses["en"]
        wanted = rest.rstrip("/").rsplit("/", 1)[-1]
        titles = {lesson.slug: lesson for lesson in course.lessons}
        close = difflib.get_close_matches(wanted, list(titles), n=3, cutoff=0.4)
        html = self.env.get_template("not_found.html").render(
            **self._context(lang, rest), path=path, suggestions=[titles[s] for s in close])
        return page_lang.localize_links(html, lang).encode("utf-8")

    async def endpoint(self, request: Request) -> Response:
        vary = "accept-encoding"
        if request.url.path == "/":  # the one URL that chooses a language
            redirect = lang_choice.entry_redirect(request)
            if redirect is not None:
                return redirect
            vary += ", " + lang_choice.VARY
        path = request.url.path.rstrip("/") or "/"
        page, values = self.find(path)
        if page is None:
            return Response(self.not_found(request.url.path), status_code=404,
                            media_type="text/html; charset=utf-8")
        headers = {"cache-control": PAGE_CACHE, "vary": vary}
        if values:  # a page with parameters: filled per request, not worth compressing
            return Response(page_lang.fill(page.body, values),
                            media_type="text/html; charset=utf-8", headers=headers)
        body = page.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = page.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)

