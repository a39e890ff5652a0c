"""Load one lesson folder: front matter, prose, runnable blocks and the exercise.

Every mistake becomes a ``LessonError`` naming the file and line, so a broken
lesson stops the site at start-up and fails the tests instead of showing a
half-rendered page. The format is documented in docs/lessons.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from wsgi_asgi_tour import front_matter
from wsgi_asgi_tour.lesson_exercise import ExerciseBuilder, translate_exercise
from wsgi_asgi_tour.lesson_model import Lesson, LessonError, Runnable
from wsgi_asgi_tour.markdown import Fence, MarkdownError, RenderContext, render

from sandbox.scenario import ScenarioError, parse

FOLDER = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
FILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
INTERFACES = ("wsgi", "asgi")
KEYS = {"title", "summary", "interface", "part", "scenarios", "exercise"}
# What a translation (lesson.<lang>.md) may say; the rest comes from lesson.md.
TRANSLATED_KEYS = {"title", "summary", "exercise"}


class LessonFolder:
    """One lesson being loaded; `label` is the path shown in error messages."""

    def __init__(self, folder: Path, label: str) -> None:
        match = FOLDER.match(folder.name)
        if not match:
            raise LessonError(label, None, "a lesson folder is named NN-slug, e.g. "
                              "'01-first-wsgi-app' (digits, a dash, lower-case words)")
        self.folder = folder
        self.label = label
        self.number = int(match.group(1))
        self.slug = match.group(2)
        self.source = f"{label}/lesson.md"

    def fail(self, line: int | None, message: str, source: str | None = None) -> LessonError:
        return LessonError(source or self.source, line, message)

    # ---- files ------------------------------------------------------------------------

    def read(self, name: str, line: int | None, source: str | None = None) -> str:
        if not FILE_NAME.match(name) or name.startswith("."):
            raise self.fail(line, f"{name!r} is not a file name in the lesson folder", source)
        path = self.folder / name
        if not path.is_file():
            raise self.fail(line, f"file {name!r} not found in {self.label}/", source)
        return path.read_text(encoding="utf-8")

    def document(self, name: str) -> front_matter.Document:
        source = f"{self.label}/{name}"
        try:
            return front_matter.split(self.read(name, None))
        except front_matter.FrontMatterError as exc:
            raise self.fail(exc.line, str(exc), source) from None

    def translations(self) -> dict[str, str]:
        found = {"en": ""}
        for path in sorted(self.folder.glob("lesson.*.md")):
            lang = path.name.split(".")[1]
            title = self.document(path.name).meta.get("title")
            found[lang] = str(title or "")
        return found

    # ---- scenarios ----------------------------------------------------------------------

    def scenario(self, ref: Any, meta: dict[str, Any], line: int | None,
                 source: str) -> dict[str, Any]:
        """A scenario given inline, by name (front matter `scenarios`) or as a .json file;
        checked with the engine's own parser so the Run button never meets a bad one."""
        if isinstance(ref, str) and ref.endswith(".json"):
            try:
                value = json.loads(self.read(ref, line, source))
            except json.JSONDecodeError as exc:
                raise self.fail(line, f"{ref}: not valid JSON: {exc}", source) from None
        elif isinstance(ref, str):
            named = meta.get("scenarios") or {}
            if ref not in named:
                raise self.fail(line, f"unknown scenario {ref!r}: name one under 'scenarios:' "
                                      "in the front matter, or a .json file", source)
            value = named[ref]
        else:
            value = ref
        if not isinstance(value, dict):
            raise self.fail(line, f"a scenario is a JSON object, got {value!r}", source)
        try:
            parse(value)
        except ScenarioError as exc:
            raise self.fail(line, f"invalid scenario: {exc}", source) from None
        return value


def load(folder: Path, label: str, lang: str = "en") -> Lesson:
    """The lesson in `folder`, in `lang` when ``lesson.<lang>.md`` exists, else English."""
    lesson = LessonFolder(folder, label)
    doc = english = lesson.document("lesson.md")
    meta = _validate_meta(lesson, doc, KEYS, lesson.source)
    try:  # the exercise is built from lesson.md, so its errors point there
        exercise = ExerciseBuilder(lesson, meta, doc, "en").build()
    except MarkdownError as exc:
        raise lesson.fail(exc.line, str(exc)) from None
    name = f"lesson.{lang}.md"
    used_lang = "en"
    if lang != "en" and (folder / name).is_file():
        doc = lesson.document(name)
        lesson.source = f"{label}/{name}"
        overrides = _validate_meta(lesson, doc, TRANSLATED_KEYS, lesson.source, partial=True)
        meta = {**meta, **{k: v for k, v in overrides.items() if k != "exercise"}}
        if "exercise" in overrides:  # translate the words; checks and files stay
            exercise = translate_exercise(lesson, exercise, overrides["exercise"], doc, lang)
        used_lang = lang
    context = RenderContext(lang=used_lang)
    context.read_file = lambda name, line: lesson.read(name, line)
    context.make_runnable = lambda fence, code, line: _runnable(lesson, meta, fence, code, line,
                                                                len(context.runnables))
    try:
        rendered = render(_with_blank_front(doc), context)
    except MarkdownError as exc:
        raise lesson.fail(exc.line, str(exc)) from None
    ids = [r.id for r in context.runnables]
    for dup in {i for i in ids if ids.count(i) > 1}:
        raise lesson.fail(None, f"two runnable blocks have the id {dup!r}; give one an id=")
    return Lesson(
        slug=lesson.slug, number=lesson.number, title=meta["title"], summary=meta["summary"],
        interface=meta["interface"], part=meta["part"], html=rendered.html,
        runnables=tuple(context.runnables), exercise=exercise, lang=used_lang,
        folder=label, headings=rendered.headings,
        links=rendered.links, source=lesson.source,
        translations={**lesson.translations(), "en": str(english.meta["title"])},
    )


def _with_blank_front(doc: front_matter.Document) -> str:
    # Render the body with blank lines in place of the front matter, so markdown-it's
    # token line numbers are the file's line numbers.
    return "\n" * (doc.body_line - 1) + doc.body


def _validate_meta(lesson: LessonFolder, doc: front_matter.Document, allowed: set[str],
                   source: str, partial: bool = False) -> dict[str, Any]:
    meta = doc.meta
    for key in meta:
        if key not in allowed:
            raise lesson.fail(doc.line((key,)), f"unknown front matter key {key!r} "
                              f"(known: {', '.join(sorted(allowed))})", source)
    required = () if partial else ("title", "summary", "interface", "part")
    for key in required:
        if key not in meta:
            raise lesson.fail(1, f"front matter needs '{key}'", source)
    for key in ("title", "summary"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            raise lesson.fail(doc.line((key,)), f"'{key}' must be non-empty text", source)
    if "interface" in meta and meta["interface"] not in INTERFACES:
        raise lesson.fail(doc.line(("interface",)), "'interface' is 'wsgi' or 'asgi', got "
                          f"{meta['interface']!r}", source)
    if "part" in meta and (type(meta["part"]) is not int or not 1 <= meta["part"] <= 4):
        raise lesson.fail(doc.line(("part",)), f"'part' is 1, 2, 3 or 4, got {meta['part']!r}",
                          source)
    if "scenarios" in meta and not isinstance(meta["scenarios"], dict):
        raise lesson.fail(doc.line(("scenarios",)), "'scenarios' maps names to scenarios",
                          source)
    return meta


def _runnable(lesson: LessonFolder, meta: dict[str, Any], fence: Fence, code: str, line: int,
              index: int) -> Runnable:
    options = fence.options
    scenario_ref: Any = options.get("scenario", {})
    scenario = lesson.scenario(scenario_ref, meta, line, lesson.source)
    file = options.get("file")
    default_id = file.removesuffix(".py") if file else f"example-{index + 1}"
    interface = options.get("interface", meta["interface"])
    if interface not in (*INTERFACES, "auto"):
        raise lesson.fail(line, f"interface= is wsgi, asgi or auto, got {interface!r}")
    return Runnable(id=options.get("id", default_id), code=code, scenario=scenario,
                    interface=interface, app=options.get("app", "app"), file=file,
                    golden="nogolden" not in fence.flags, broken="broken" in fence.flags)
