"""UI strings by language: one TOML catalog per language, English as the fallback.

``t("lesson.run", "zh")`` looks the key up in ``strings/zh.toml``, then in
``strings/en.toml``; a key in neither is a programming error (KeyError), so a
typo never reaches a page as a raw key. Lessons are translated differently:
``lesson.zh.md`` beside ``lesson.md`` (see ``lesson_loader``).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

STRINGS = Path(__file__).resolve().parent / "strings"
DEFAULT = "en"
# The BCP 47 tag a page says it is in (<html lang>, hreflang): "zh" alone does not say
# which script, and screen readers and CJK font fallback need Simplified ("Hans").
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
# Catalog prefixes the page hands its scripts (see templates/base.html, js/strings.js).
JS_PREFIXES = ("js.", "lab.", "follow.", "compare.", "presenter.")


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """The flat catalog of one language (``{"lesson.run": "Run", ...}``); {} if none."""
    path = STRINGS / f"{lang}.toml"
    if not lang.isidentifier() or not path.is_file():
        return {}
    with path.open("rb") as fh:
        return _flatten(tomllib.load(fh), "")


def languages() -> list[str]:
    """Languages with a catalog, English first."""
    return list(_languages())


@functools.cache
def _languages() -> tuple[str, ...]:
    # Asked on every request that names or negotiates a language: list the folder once.
    found = sorted(p.stem for p in STRINGS.glob("*.toml") if p.stem != DEFAULT)
    return (DEFAULT, *found)


def t(key: str, lang: str = DEFAULT, **params: Any) -> str:
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT)[key]
    return text.format(**params) if params else text


def strings(lang: str = DEFAULT, prefix: str = "") -> dict[str, str]:
    """Every string of `lang` (English filling the gaps), optionally under a prefix: for
    handing the front-end its labels in one JSON object."""
    merged = {**catalog(DEFAULT), **catalog(lang)}
    return {k: v for k, v in merged.items() if k.startswith(prefix)}


def html_lang(lang: str) -> str:
    return HTML_LANG.get(lang, lang)


def prefix(lang: str) -> str:
    """The URL prefix of a language: "" for English (its URLs never moved), "/zh", ..."""
    return "" if lang == DEFAULT else f"/{lang}"


def localize(path: str, lang: str) -> str:
    """The same page in `lang`: ``localize("/lessons/x", "zh") == "/zh/lessons/x"``;
    ``path`` is an English (unprefixed) path, its query and fragment are kept."""
    if lang == DEFAULT:
        return path
    return prefix(lang) + ("/" if path == "/" else path)


def split(path: str) -> tuple[str, str]:
    """``(lang, English path)`` of a request path: "/zh/rules" -> ("zh", "/rules")."""
    for lang in languages()[1:]:
        head = prefix(lang)
        if path == head or path.startswith(head + "/"):
            return lang, path[len(head):] or "/"
    return DEFAULT, path


def js_strings(lang: str) -> dict[str, str]:
    """The strings a page's scripts use (keys under JS_PREFIXES), English filling gaps."""
    merged = strings(lang)
    return {k: v for k, v in merged.items() if k.startswith(JS_PREFIXES)}


def _flatten(table: dict[str, Any], prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat
