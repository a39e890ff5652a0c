"""The engine's messages in the learner's language (English, Simplified Chinese).

Every learner-facing sentence the engine builds goes through ``tr(template,
**params)``: the English template is the key (gettext style), so the English
text stays in the code where it is used and reads as before. The language of a
run lives in a ContextVar set by ``use_lang`` (the engine's ``run(lang=...)``
and the isolation child set it), so the simulated servers need no extra
argument threaded through every check.

Translations are data: ``sandbox/locale/<lang>/messages.toml`` maps each English
template to its translation with the same ``{placeholders}``, and
``sandbox/locale/<lang>/rules/<family>.toml`` holds one table per rule id with
``title``, ``why`` and ``fix``. A missing entry falls back to English so a run
never fails for want of a translation; ``tests/sandbox/test_i18n.py`` demands
that none is missing (``templates()`` lists every template in the code).

This module imports nothing from the web stack.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import tomllib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from sandbox import rules

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
SANDBOX_DIR = Path(__file__).parent

_lang: ContextVar[str] = ContextVar("sandbox_lang", default=DEFAULT_LANG)


def normalize(lang: str | None) -> str:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8`` -> ``zh``; anything unknown -> ``en``."""
    if not lang:
        return DEFAULT_LANG
    base = lang.replace("-", "_").split(".", 1)[0].split("_", 1)[0].lower()
    return base if base in LANGS else DEFAULT_LANG


def current() -> str:
    """The language of the run in progress ("en" outside any ``use_lang``)."""
    return _lang.get()


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Make ``lang`` the language of every ``tr`` call inside the block."""
    token = _lang.set(normalize(lang))
    try:
        yield _lang.get()
    finally:
        _lang.reset(token)


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """English template -> translated template, from ``locale/<lang>/messages.toml``."""
    path = LOCALE_DIR / lang / "messages.toml"
    if lang == DEFAULT_LANG or not path.is_file():
        return {}
    with path.open("rb") as f:
        data = tomllib.load(f)
    return {key: value for key, value in data.items() if isinstance(value, str)}


def tr(template: str, /, **params: object) -> str:
    """``template`` in the current language, formatted with ``params``.

    ``template`` is the English text with ``{name}`` placeholders; params are
    already-formatted values (``repr`` of the learner's value, a header name...).
    A translation that cannot be formatted (a wrong placeholder) falls back to
    English rather than break the run; the tests keep that from happening.
    """
    lang = _lang.get()
    if lang != DEFAULT_LANG:
        translated = catalog(lang).get(template)
        if translated is not None:
            try:
                return translated.format(**params)
            except (KeyError, IndexError, ValueError):
                pass
    return template.format(**params)


@functools.cache
def rule_catalog(lang: str) -> dict[str, dict[str, str]]:
    """Rule id -> {title, why, fix} from ``locale/<lang>/rules/*.toml``."""
    folder = LOCALE_DIR / lang / "rules"
    out: dict[str, dict[str, str]] = {}
    if lang == DEFAULT_LANG or not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        for rule_id, table in data.items():
            if isinstance(table, dict):
                out[rule_id] = {k: v for k, v in table.items() if isinstance(v, str)}
    return out


def rule_text(rule_id: str, lang: str | None = None) -> dict[str, str]:
    """The rule's ``title``, ``why`` and ``fix`` in ``lang`` (default: the run's language).

    Each part falls back to the English catalogue on its own.
    """
    rule = rules.get(rule_id)
    english = {"title": rule.title, "why": rule.why, "fix": rule.fix}
    code = normalize(lang) if lang is not None else _lang.get()
    if code == DEFAULT_LANG:
        return english
    translated = rule_catalog(code).get(rule_id, {})
    return {key: translated.get(key) or value for key, value in english.items()}


def localized_rules(lang: str | None = None) -> list[rules.Rule]:
    """The rule catalogue with each rule's title, why and fix in ``lang`` (English where
    a translation is missing): the site's rules page and ``wsgi-asgi-tour rules``."""
    found = []
    for rule in rules.all_rules():
        text = rule_text(rule.id, lang)
        found.append(dataclasses.replace(rule, title=text["title"], why=text["why"],
                                         fix=text["fix"]))
    return found


def _literal_templates(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "tr"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def templates() -> set[str]:
    """Every template passed to ``tr("literal", ...)`` in sandbox/**/*.py (an AST scan)."""
    found: set[str] = set()
    for path in sorted(SANDBOX_DIR.rglob("*.py")):
        found |= _literal_templates(path)
    return found


def preload() -> None:
    """Read every language's files now (the isolation zygote calls this before forking)."""
    for lang in LANGS:
        catalog(lang)
        rule_catalog(lang)
