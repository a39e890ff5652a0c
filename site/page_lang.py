"""What makes a rendered page belong to one language: its links, alternates and switch.

Templates write site links in English (``href="/lessons"``); a page rendered in
another language has them rewritten to that language's URLs (``/zh/lessons``), so
a template someone adds is served in every language without knowing about them.
Links that name a language on purpose carry ``hreflang`` (the alternates and the
language switch) and are left alone, as are ``/static/`` and ``/api/`` URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from wsgi_asgi_tour import i18n

# An <a> or <link> start tag whose href is a site path (not //host, static or API).
_TAG = re.compile(r"<(?:a|link)\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r'href="(/(?!/|static/|api/)[^"]*)"')
# "/follow/{room}": a page whose path has parameters, served for any value.
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# The name of each language in itself, for the switch.
NAMES = {"en": "English", "zh": "中文"}


@dataclass(frozen=True)
class Alternate:
    lang: str          # site language code: "en", "zh"
    hreflang: str      # BCP 47 tag: "en", "zh-Hans"
    href: str          # the same page in that language
    name: str          # the language's name in itself
    current: bool      # this page's own language


def alternates(path: str, lang: str) -> list[Alternate]:
    """The page at English `path` in every language."""
    found = []
    for other in i18n.languages():
        href = i18n.localize(path, other)
        found.append(Alternate(other, i18n.html_lang(other), href, NAMES.get(other, other),
                               other == lang))
    return found


def localize_links(html: str, lang: str) -> str:
    """Point every site link of a page rendered in `lang` at that language's pages."""
    if lang == i18n.DEFAULT:
        return html

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        if "hreflang=" in text:
            return text
        return _HREF.sub(lambda m: f'href="{i18n.localize(m.group(1), lang)}"', text)

    return _TAG.sub(tag, html)


def pattern(path: str) -> re.Pattern[str] | None:
    """For a path with ``{name}`` parts, the regex matching it (one segment per part)."""
    if not _PARAM.search(path):
        return None
    parts = _PARAM.split(path)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)"
                    for i, p in enumerate(parts))
    return re.compile(regex + "$")


def fill(body: bytes, values: dict[str, str]) -> bytes:
    """A parameterised page with its ``{name}`` parts replaced, percent-encoded so a
    value can never become markup."""
    for name, value in values.items():
        body = body.replace(("{" + name + "}").encode(), quote(value, safe="").encode())
    return body
