"""What a loaded lesson is: plain frozen data the pages, the API and the tests read.

The loader (``lesson_loader``) builds these from a lesson folder; nothing here
reads files. docs/lessons.md describes the folder format they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = Any  # a JSON-ready value: dict, list, str, int, float, bool or None


class LessonError(Exception):
    """A lesson file is wrong. The message starts with ``path:line:`` like a compiler's."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Runnable:
    """A code block the page turns into an editor with a Run button."""

    id: str  # unique in its lesson; the page's data-code-id
    code: str
    scenario: dict[str, Json]  # the engine's scenario JSON
    interface: str  # "wsgi" | "asgi" | "auto"
    app: str = "app"
    file: str | None = None  # the lesson file it came from, if any
    golden: bool = True  # False: the content tests do not compare its trace (tag `nogolden`)
    broken: bool = False  # breaks a rule on purpose (tag `broken`): the tests expect an error


@dataclass(frozen=True)
class Check:
    """One declarative check on a trace (see ``checks`` for the kinds)."""

    kind: str  # "status", "header", "body_contains", ...
    value: Json  # the check's argument as written in the front matter
    request: int | None = None  # which response (index); None: the last one
    pass_message: str | None = None  # the lesson's own words, else the catalog's default
    fail_message: str | None = None
    line: int | None = None  # where it is written, for error messages


@dataclass(frozen=True)
class Exercise:
    starter: str  # source code the editor starts with
    solution: str
    scenario: dict[str, Json]
    checks: tuple[Check, ...]
    hints: tuple[str, ...]  # HTML, revealed one at a time
    prompt: str = ""  # HTML: what to do (the front matter's `task`)
    interface: str = "auto"
    app: str = "app"
    starter_file: str = "starter.py"
    solution_file: str = "solution.py"


@dataclass(frozen=True)
class Heading:
    level: int
    id: str  # the anchor, unique in the page
    text: str


@dataclass(frozen=True)
class Lesson:
    slug: str  # the URL's last part: /lessons/<slug>
    number: int  # the lesson's place in the course, from 1 (folders give the order)
    title: str
    summary: str
    interface: str  # "wsgi" | "asgi"
    part: int  # 1..4, the curriculum's part
    html: str  # the rendered prose, runnables as <div class="runnable">
    runnables: tuple[Runnable, ...]
    exercise: Exercise | None
    lang: str = "en"  # the language this lesson was rendered in (fallback: "en")
    folder: str = ""  # e.g. "lessons/01-first-wsgi-app"
    headings: tuple[Heading, ...] = ()
    links: tuple[tuple[str, int], ...] = ()  # every (href, line) in the prose, for checking
    source: str = ""  # the file it was rendered from, e.g. "lessons/01-.../lesson.md"
    prev: str | None = None  # slugs of the neighbours in course order
    next: str | None = None
    # Languages this lesson exists in, each with the lesson's title in that language
    # (for a language switch); always includes "en".
    translations: dict[str, str] = field(default_factory=dict)

    def runnable(self, code_id: str) -> Runnable | None:
        return next((r for r in self.runnables if r.id == code_id), None)

    def page_data(self) -> dict[str, Json]:
        """What the lesson page's script needs, as JSON: the runnables' code and scenarios,
        the exercise without its solution (served only on request, after an attempt)."""
        exercise = self.exercise
        return {
            "slug": self.slug, "title": self.title, "interface": self.interface,
            "lang": self.lang, "prev": self.prev, "next": self.next,
            "runnables": {r.id: {"code": r.code, "scenario": r.scenario,
                                 "interface": r.interface, "app": r.app, "broken": r.broken}
                          for r in self.runnables},
            "exercise": None if exercise is None else {
                "prompt": exercise.prompt, "starter": exercise.starter,
                "scenario": exercise.scenario, "interface": exercise.interface,
                "app": exercise.app, "hints": list(exercise.hints),
                "checks": len(exercise.checks),
            },
        }


@dataclass(frozen=True)
class Course:
    lessons: tuple[Lesson, ...]
    lang: str = "en"
    by_slug: dict[str, Lesson] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_slug:
            self.by_slug.update({lesson.slug: lesson for lesson in self.lessons})

    def parts(self) -> dict[int, list[Lesson]]:
        """Lessons grouped by part, for the table of contents."""
        grouped: dict[int, list[Lesson]] = {}
        for lesson in self.lessons:
            grouped.setdefault(lesson.part, []).append(lesson)
        return grouped
