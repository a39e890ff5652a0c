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
    found = sorted(p.stem for p in STRINGS.glob("*.toml") if p.stem != DEFAULT)
    return [DEFAULT, *found]


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


def _flatten(table: dict[str, Any], prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat
