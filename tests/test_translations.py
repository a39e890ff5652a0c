"""Completeness of the Simplified Chinese translation (issue 7): nothing missing, nothing
left half-done, nothing copied that must be shared.

Fails when a lesson has no lesson.zh.md, an en.toml key has no zh.toml entry, a rule
has no entry in sandbox/locale/zh/rules/*.toml, an engine message template has no entry
in sandbox/locale/zh/messages.toml, a Chinese file still holds a placeholder (TODO,
TRANSLATE, FIXME, ???, a prose paragraph without a Chinese character), the {placeholders}
of a translation differ from the English, or a Chinese lesson's runnable blocks (ids,
files, code) differ from the English lesson's. A lesson not yet translated makes this
fail until its translator is done: that is the point.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from wsgi_asgi_tour import front_matter, i18n, lesson_loader

from sandbox import i18n as engine_i18n
from sandbox import rules

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
STRINGS = ROOT / "site" / "strings"
LOCALE = ROOT / "sandbox" / "locale" / "zh"
LANG = "zh"

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LEFTOVER = re.compile(r"\bTODO\b|\bTRANSLATE\b|\bFIXME\b|\bXXX\b|\?\?\?|TBD\b")
FENCE = re.compile(r"^(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)|\{#[^}]*\}|https?://\S+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

FOLDERS = sorted(p for p in LESSONS.iterdir() if p.is_dir() and p.name[:1].isdigit())


def flat(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return i18n._flatten(tomllib.load(fh), "")


def english_prose(text: str) -> bool:
    """Whether `text` reads as English sentences: Latin words outside code and links,
    and no Chinese character at all."""
    if CJK.search(text):
        return False
    bare = PLACEHOLDER.sub(" ", LINK_TARGET.sub(" ", INLINE_CODE.sub(" ", text)))
    return len(LATIN_WORD.findall(bare)) >= 4


def prose_paragraphs(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of each paragraph outside code fences and ::: markers."""
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    fenced = False
    for number, line in enumerate(markdown.splitlines(), 1):
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if fenced:
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith(":::"):
            if current:
                paragraphs.append((start, " ".join(current)))
            current = []
            # "::: note Title" has a title to translate; "::: spec PEP 3333, Middleware"
            # names a section of the spec, which stays as the spec calls it.
            kind, _, title = stripped.lstrip(":").strip().partition(" ")
            if title and kind != "spec":
                paragraphs.append((number, title))
            continue
        if not current:
            start = number
        current.append(stripped)
    if current:
        paragraphs.append((start, " ".join(current)))
    return paragraphs


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


# ---- lessons --------------------------------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_lesson_has_a_chinese_translation(folder: Path) -> None:
    assert (folder / "lesson.zh.md").is_file(), (
        f"{folder.name}: lesson.zh.md is missing (docs/lessons.md, 'Translations')")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_chinese_lesson_has_no_placeholders(folder: Path) -> None:
    path = folder / "lesson.zh.md"
    if not path.is_file():
        pytest.skip("not translated yet (test_every_lesson_has_a_chinese_translation fails)")
    doc = front_matter.split(path.read_text(encoding="utf-8"))
    problems = []
    for text in strings_in(doc.meta):
        if LEFTOVER.search(text):
            problems.append(f"front matter: placeholder in {text[:60]!r}")
        elif english_prose(text):
            problems.append(f"front matter: English left in {text[:60]!r}")
    for line, paragraph in prose_paragraphs(doc.body):
        where = f"{path.relative_to(ROOT)}:{doc.body_line + line - 1}"
        if LEFTOVER.search(paragraph):
            problems.append(f"{where}: placeholder: {paragraph[:70]!r}")
        elif english_prose(paragraph) and not paragraph.startswith(">"):
            # A quoted spec sentence stays English (with a Chinese rendering beside it).
            problems.append(f"{where}: no Chinese in this paragraph: {paragraph[:70]!r}")
    assert problems == []


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_chinese_lesson_shares_the_code(folder: Path) -> None:
    """Samples, starters, solutions and scenarios live once, in the lesson folder: the
    translation may only point at them (file=..., the same inline blocks)."""
    if not (folder / "lesson.zh.md").is_file():
        pytest.skip("not translated yet")
    label = f"lessons/{folder.name}"
    english = lesson_loader.load(folder, label, "en")
    chinese = lesson_loader.load(folder, label, LANG)
    assert chinese.lang == LANG

    def blocks(lesson: Any) -> list[tuple[Any, ...]]:
        return [(r.id, r.file, r.code, json.dumps(r.scenario, sort_keys=True), r.interface,
                 r.app, r.broken, r.golden) for r in lesson.runnables]

    assert blocks(chinese) == blocks(english), (
        f"{folder.name}: the Chinese lesson's runnable blocks differ from lesson.md's "
        "(same ids, files and code, in the same order)")
    if english.exercise:
        assert chinese.exercise is not None
        assert chinese.exercise.starter == english.exercise.starter
        assert chinese.exercise.solution == english.exercise.solution
        assert chinese.exercise.scenario == english.exercise.scenario
        assert len(chinese.exercise.checks) == len(english.exercise.checks)
        assert len(chinese.exercise.hints) == len(english.exercise.hints)
    copies = [p.name for p in folder.iterdir() if p.name != "lesson.zh.md"
              and re.search(r"[._-]zh\b", p.name)]
    assert copies == [], f"{folder.name}: per-language copies of shared files: {copies}"


def test_no_golden_trace_per_language() -> None:
    goldens = ROOT / "tests" / "lessons" / "goldens"
    copies = [str(p.relative_to(goldens)) for p in goldens.rglob("*")
              if re.search(r"[._-]zh\b", p.name)]
    assert copies == []


# ---- UI strings -------------------------------------------------------------------------


def test_every_ui_string_has_a_chinese_entry() -> None:
    english, chinese = flat(STRINGS / "en.toml"), flat(STRINGS / "zh.toml")
    assert sorted(set(english) - set(chinese)) == [], "keys of en.toml missing in zh.toml"
    assert sorted(set(chinese) - set(english)) == [], "keys in zh.toml that en.toml lacks"


def test_ui_strings_keep_their_placeholders_and_are_chinese() -> None:
    english, chinese = flat(STRINGS / "en.toml"), flat(STRINGS / "zh.toml")
    problems = []
    for key, text in chinese.items():
        if key not in english:
            continue
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(english[key])):
            problems.append(f"{key}: placeholders {PLACEHOLDER.findall(text)} vs "
                            f"{PLACEHOLDER.findall(english[key])}")
        if LEFTOVER.search(text):
            problems.append(f"{key}: placeholder text {text!r}")
        elif english_prose(text):
            problems.append(f"{key}: still English: {text!r}")
    assert problems == []


# Templates and scripts name their strings with an English fallback: the key must be in
# en.toml (so zh.toml has it too) and say the same, or the fallback would mislead.
KEY = r'''["']([a-z][a-z0-9_.]*)["']'''
STR = r'''(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')'''
TEMPLATE_CALL = re.compile(rf"\bt\(\s*{KEY}\s*,\s*({STR})")
JS_CALL = re.compile(rf"\bt\(\s*{KEY}\s*,\s*({STR}(?:\s*\+\s*{STR})*)")
JS_PLURAL = re.compile(rf"\btn\(\s*{KEY}\s*,[^,]+,\s*({STR})\s*,\s*({STR})")


def _js_literal(text: str) -> str:
    out = ""
    for part in re.findall(STR, text):
        body = part[1:-1]
        if part[0] == "'":
            body = body.replace("\\'", "'").replace('"', '\\"')
        out += json.loads(f'"{body}"')
    return out


def test_script_and_template_strings_are_in_the_catalog() -> None:
    english = flat(STRINGS / "en.toml")
    problems = []
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        found = [(m.group(1), _js_literal(m.group(2))) for m in JS_CALL.finditer(source)]
        for m in JS_PLURAL.finditer(source):
            found += [(m.group(1) + "_one", _js_literal(m.group(2))),
                      (m.group(1) + "_other", _js_literal(m.group(3)))]
        for key, fallback in found:
            if not key.startswith(i18n.JS_PREFIXES):
                problems.append(f"{path.name}: {key} is not under {i18n.JS_PREFIXES}")
            elif key not in english:
                problems.append(f"{path.name}: {key} is not in en.toml")
            elif english[key] != fallback:
                problems.append(f"{path.name}: {key}: fallback {fallback!r} but en.toml says "
                                f"{english[key]!r}")
    for path in sorted((ROOT / "site" / "templates").glob("*.html")):
        for m in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) not in english:
                problems.append(f"{path.name}: {m.group(1)} is not in en.toml")
    assert problems == []


# ---- the engine: rules and messages -------------------------------------------------------


def test_every_rule_has_a_chinese_explanation() -> None:
    catalog: dict[str, dict[str, Any]] = {}
    for path in sorted((LOCALE / "rules").glob("*.toml")):
        with path.open("rb") as fh:
            catalog.update(tomllib.load(fh))
    problems = []
    for rule in rules.all_rules():
        entry = catalog.get(rule.id)
        if entry is None:
            problems.append(f"{rule.id}: no table in sandbox/locale/zh/rules/{rule.family}.toml")
            continue
        english = {"title": rule.title, "why": rule.why, "fix": rule.fix}
        for part, text in english.items():
            value = entry.get(part)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{rule.id}: no {part}")
            elif LEFTOVER.search(value) or not CJK.search(value):
                problems.append(f"{rule.id}.{part}: not translated: {value[:60]!r}")
            elif set(PLACEHOLDER.findall(value)) != set(PLACEHOLDER.findall(text)):
                problems.append(f"{rule.id}.{part}: placeholders differ")
    unknown = sorted(set(catalog) - {rule.id for rule in rules.all_rules()})
    assert problems == [] and unknown == [], problems + [f"no such rule: {u}" for u in unknown]


def test_every_engine_message_has_a_chinese_template() -> None:
    path = LOCALE / "messages.toml"
    assert path.is_file(), "sandbox/locale/zh/messages.toml is missing"
    with path.open("rb") as fh:
        catalog = tomllib.load(fh)
    problems = []
    for template in sorted(engine_i18n.templates()):
        value = catalog.get(template)
        if not isinstance(value, str):
            problems.append(f"missing: {template[:70]!r}")
        elif LEFTOVER.search(value):
            problems.append(f"placeholder left: {value[:70]!r}")
        elif set(PLACEHOLDER.findall(value)) != set(PLACEHOLDER.findall(template)):
            problems.append(f"placeholders differ: {template[:70]!r}")
        elif english_prose(value):
            problems.append(f"still English: {value[:70]!r}")
    assert problems == []
