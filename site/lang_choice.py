"""Which language a visitor gets at the bare entry ``/``, and how the choice is kept.

Every page has one stable URL per language (``/rules`` and ``/zh/rules``); only ``/``
chooses. In order: ``/?lang=zh`` (a link that picks the language and remembers it,
for a teacher to hand out), the ``wat_lang`` cookie (set by the switch in every page's
header, static/js/lang-switch.js), then the browser's ``Accept-Language``. When that
is not English, ``/`` redirects to the language's home (``/zh/``); the answer varies
with both headers, and says so.

The cookie holds nothing secret (a language code), so it is readable by the page's
scripts (not HttpOnly) and ``SameSite=Lax``: following a link to the tour from
elsewhere keeps the learner's language. The token cookie's rules (security.py) are
untouched.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wsgi_asgi_tour import i18n

COOKIE = "wat_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
VARY = "Accept-Language, Cookie"


def parse_accept_language(header: str) -> list[tuple[str, float]]:
    """``"zh-CN,zh;q=0.9,en;q=0.8"`` -> ``[("zh-cn", 1.0), ("zh", 0.9), ("en", 0.8)]``,
    best first (ties keep the header's order); malformed entries are skipped."""
    ranges: list[tuple[str, float, int]] = []
    for index, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        if not tag or len(tag) > 64:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 < q <= 1.0:
            ranges.append((tag.lower(), q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(tag, q) for tag, q, _ in ranges]


def match(tag: str) -> str | None:
    """The site language a language range names: "zh-Hans-CN", "zh-TW", "zh" -> "zh";
    "*" -> None (no preference beyond the default)."""
    primary = tag.split("-", 1)[0]
    return primary if primary in i18n.languages() else None


def from_accept_language(header: str) -> str:
    for tag, _q in parse_accept_language(header):
        lang = match(tag)
        if lang:
            return lang
    return i18n.DEFAULT


def chosen(request: Request) -> str:
    """The language for ``/``: query, then cookie, then Accept-Language."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in i18n.languages():
            return str(candidate)
    return from_accept_language(request.headers.get("accept-language", ""))


def remember(response: Response, lang: str) -> None:
    response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")


def entry_redirect(request: Request) -> Response | None:
    """The redirect ``/`` answers with, or None to serve the English home page."""
    lang = chosen(request)
    asked = request.query_params.get("lang")
    if lang == i18n.DEFAULT and asked is None:
        return None
    # 303 and no-store: the target depends on headers a shared cache cannot see.
    response = RedirectResponse(i18n.localize("/", lang), status_code=303,
                                headers={"vary": VARY, "cache-control": "no-store"})
    if asked in i18n.languages():
        remember(response, lang)
    return response
