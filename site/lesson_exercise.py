"""The exercise block of a lesson's front matter: files, scenario, checks and hints.

```yaml
exercise:
  task: Make the app greet the visitor by name.   # Markdown
  starter: starter.py          # default
  solution: solution.py        # default
  scenario: greet              # inline mapping, a name under `scenarios:`, or a .json file
  checks:
    - status: 200
  hints:
    - Look at `environ["PATH_INFO"]`.
```
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from wsgi_asgi_tour import checks
from wsgi_asgi_tour.front_matter import Document
from wsgi_asgi_tour.lesson_model import Check, Exercise
from wsgi_asgi_tour.markdown import MarkdownError, render_fragment

if TYPE_CHECKING:
    from wsgi_asgi_tour.lesson_loader import LessonFolder

KEYS = ("task", "starter", "solution", "scenario", "checks", "hints", "app", "interface")


class ExerciseBuilder:
    def __init__(self, lesson: LessonFolder, meta: dict[str, Any], doc: Document,
                 lang: str) -> None:
        self.lesson = lesson
        self.meta = meta
        self.doc = doc
        self.lang = lang
        self.raw = meta.get("exercise")
        self.spec: dict[str, Any] = {}

    def line(self, *path: str | int) -> int | None:
        return self.doc.line(("exercise", *path))

    def fail(self, message: str, *path: str | int) -> Exception:
        return self.lesson.fail(self.line(*path), message)

    def build(self) -> Exercise | None:
        if self.raw is None:
            return None
        if not isinstance(self.raw, dict):
            raise self.fail("'exercise' is a mapping (task, starter, solution, scenario, "
                            "checks, hints)")
        spec = self.spec = self.raw
        for key in spec:
            if key not in KEYS:
                raise self.fail(f"unknown exercise key {key!r} (known: {', '.join(KEYS)})", key)
        for key in ("scenario", "checks", "hints"):
            if key not in spec:
                raise self.fail(f"the exercise needs '{key}'")
        starter_file = self._text("starter", "starter.py")
        solution_file = self._text("solution", "solution.py")
        interface = self._text("interface", self.meta["interface"])
        if interface not in ("wsgi", "asgi", "auto"):
            raise self.fail(f"interface is wsgi, asgi or auto, got {interface!r}", "interface")
        return Exercise(
            starter=self.lesson.read(starter_file, self.line("starter")),
            solution=self.lesson.read(solution_file, self.line("solution")),
            scenario=self.lesson.scenario(spec["scenario"], self.meta, self.line("scenario"),
                                          self.lesson.source),
            checks=self._checks(),
            hints=self._hints(),
            prompt=self._fragment(self._text("task", ""), "task"),
            interface=interface,
            app=self._text("app", "app"),
            starter_file=starter_file,
            solution_file=solution_file,
        )

    def _text(self, key: str, default: str) -> str:
        value = self.spec.get(key, default)
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be text, got {value!r}", key)
        return value

    def _checks(self) -> tuple[Check, ...]:
        items = self.spec["checks"]
        if not isinstance(items, list) or not items:
            raise self.fail("'checks' is a non-empty list", "checks")
        parsed = []
        for i, item in enumerate(items):
            try:
                parsed.append(checks.parse(item, self.line("checks", i)))
            except checks.CheckSpecError as exc:
                path = ("checks", i, exc.key) if exc.key else ("checks", i)
                raise self.fail(str(exc), *path) from None
        return tuple(parsed)

    def _hints(self) -> tuple[str, ...]:
        items = self.spec["hints"]
        if not isinstance(items, list) or not items:
            raise self.fail("'hints' is a non-empty list (revealed one at a time)", "hints")
        for i, item in enumerate(items):
            if isinstance(item, dict):  # YAML read "a: b" in an unquoted hint as a mapping
                raise self.fail("this hint was read as a mapping because it contains ': '; "
                                "put the hint in quotes", "hints", i)
            if not isinstance(item, str) or not item.strip():
                raise self.fail("each hint is non-empty text (Markdown)", "hints", i)
        return tuple(self._fragment(item, "hints", i) for i, item in enumerate(items))

    def _fragment(self, text: str, *path: str | int) -> str:
        try:
            return render_fragment(text, self.lang)
        except MarkdownError as exc:  # its line counts within the text: point at the key
            raise self.fail(str(exc), *path) from None


TRANSLATED_KEYS = ("task", "hints", "check_messages")


def translate_exercise(lesson: LessonFolder, exercise: Exercise | None, words: Any,
                       doc: Document, lang: str) -> Exercise:
    """`exercise` with a translation's words: `task`, `hints` and `check_messages` (one
    entry per check, in order: null or {pass, fail}). Checks, files and scenario stay."""
    def fail(message: str, *path: str | int) -> Exception:
        return lesson.fail(doc.line(("exercise", *path)), message)

    if exercise is None:
        raise fail("lesson.md has no exercise to translate")
    if not isinstance(words, dict):
        raise fail("'exercise' in a translation maps task, hints, check_messages")
    for key in words:
        if key not in TRANSLATED_KEYS:
            raise fail(f"a translation may only set {', '.join(TRANSLATED_KEYS)} of the "
                       f"exercise, not {key!r}", key)
    prompt, hints, checks = exercise.prompt, exercise.hints, exercise.checks
    if "task" in words:
        if not isinstance(words["task"], str):
            raise fail("'task' must be text", "task")
        prompt = _translated(words["task"], lang, fail, "task")
    if "hints" in words:
        items = words["hints"]
        if not isinstance(items, list) or not all(isinstance(h, str) and h for h in items):
            raise fail("'hints' is a list of texts (quote a hint that contains ': ')", "hints")
        hints = tuple(_translated(item, lang, fail, "hints", i) for i, item in enumerate(items))
    if "check_messages" in words:
        items = words["check_messages"]
        if not isinstance(items, list) or len(items) != len(checks):
            raise fail(f"'check_messages' has one entry per check ({len(checks)})",
                       "check_messages")
        checks = tuple(_messages(check, item, fail, i) for i, (check, item)
                       in enumerate(zip(checks, items, strict=True)))
    return replace(exercise, prompt=prompt, hints=hints, checks=checks)


def _translated(text: str, lang: str, fail: Any, *path: str | int) -> str:
    try:
        return render_fragment(text, lang)
    except MarkdownError as exc:
        raise fail(str(exc), *path) from None


def _messages(check: Check, item: Any, fail: Any, index: int) -> Check:
    if item is None:
        return check
    if not isinstance(item, dict) or set(item) - {"pass", "fail"} or not all(
            isinstance(v, str) for v in item.values()):
        raise fail("each check message is null or {pass: text, fail: text}",
                   "check_messages", index)
    return replace(check, pass_message=item.get("pass", check.pass_message),
                   fail_message=item.get("fail", check.fail_message))
