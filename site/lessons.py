"""The course: every lesson folder under lessons/, loaded, rendered and cross-checked.

``load_course()`` is called once at start-up (the app keeps the result); any
``LessonError`` stops the site with the file and line at fault. Links are
checked here because they cross lessons: ``/lessons/<slug>#anchor`` must name a
lesson and one of its headings, spec links must use a verified anchor
(``spec_links``), ``/rules#<rule-id>`` an existing rule.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from wsgi_asgi_tour import lesson_loader, spec_links
from wsgi_asgi_tour.lesson_model import (
    Check,
    Course,
    Exercise,
    Heading,
    Lesson,
    LessonError,
    Runnable,
)

from sandbox import rules

__all__ = ["Check", "Course", "Exercise", "Heading", "Lesson", "LessonError", "Runnable",
           "default_root", "load_course"]

# Pages of this site a lesson may link to besides other lessons.
SITE_PAGES = ("/", "/playground", "/lab", "/compare", "/rules")
LINK_SCHEMES = ("https", "http", "mailto")


def default_root() -> Path:
    """Where the lessons are: inside the installed package (``wsgi_asgi_tour/lesson_files``,
    mapped from the repository's lessons/ by pyproject), else the repository checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "lesson_files"
    return installed if installed.is_dir() else here.parent / "lessons"


def load_course(root: Path | None = None, lang: str = "en") -> Course:
    """Every lesson in `root`, in folder order, rendered in `lang` where translated."""
    root = root or default_root()
    folders = sorted((p for p in root.iterdir() if p.is_dir() and p.name[:1].isdigit()),
                     key=lambda p: p.name)
    lessons: list[Lesson] = []
    for folder in folders:
        label = f"{root.name}/{folder.name}"
        lessons.append(lesson_loader.load(folder, label, lang))
    _check_unique(lessons)
    by_slug = {lesson.slug: lesson for lesson in lessons}
    for lesson in lessons:
        _check_links(lesson, by_slug)
    # Folder numbers only order the course (gaps leave room to insert a lesson later);
    # the number a learner sees is the lesson's place in the course.
    linked = tuple(
        replace(lesson, number=i + 1, prev=lessons[i - 1].slug if i else None,
                next=lessons[i + 1].slug if i + 1 < len(lessons) else None)
        for i, lesson in enumerate(lessons))
    return Course(linked, lang, {lesson.slug: lesson for lesson in linked})


def _check_unique(lessons: list[Lesson]) -> None:
    seen: dict[object, Lesson] = {}
    for lesson in lessons:
        for key, what in ((lesson.slug, "slug"), (lesson.number, "number")):
            other = seen.get((what, key))
            if other:
                raise LessonError(lesson.source, None,
                                  f"{what} {key!r} is also used by {other.folder}")
            seen[(what, key)] = lesson


def _check_links(lesson: Lesson, by_slug: dict[str, Lesson]) -> None:
    for href, line in lesson.links:
        problem = link_problem(href, lesson, by_slug)
        if problem:
            raise LessonError(lesson.source, line, f"link {href!r}: {problem}")


def link_problem(href: str, lesson: Lesson, by_slug: dict[str, Lesson]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme:
        if parts.scheme not in LINK_SCHEMES:
            return f"scheme {parts.scheme!r} is not allowed"
        return spec_links.problem(href)
    if parts.netloc:
        return "write the scheme (https://...)"
    if not parts.path:  # "#anchor" on this page
        return _anchor_problem(parts.fragment, lesson)
    if parts.path.startswith("/lessons/"):
        target = by_slug.get(parts.path.removeprefix("/lessons/"))
        if target is None:
            return f"no lesson with the slug {parts.path.removeprefix('/lessons/')!r}"
        return _anchor_problem(parts.fragment, target)
    if parts.path == "/rules" and parts.fragment:
        known = {rule.id for rule in rules.all_rules()}
        return None if parts.fragment in known else f"no rule {parts.fragment!r}"
    if parts.path == "/compare" and parts.query:
        return _preset_problem(parts.query)
    if parts.path in SITE_PAGES:
        return None
    return ("internal links are /lessons/<slug>[#heading], #heading, /rules#<rule-id> or "
            f"one of {', '.join(SITE_PAGES)}")


def _preset_problem(query: str) -> str | None:
    # Imported here: compare reads lesson files through this module's default_root.
    from wsgi_asgi_tour.compare import KEYS

    wanted = parse_qs(query).get("preset", [""])[0]
    if wanted in KEYS:
        return None
    return f"no side-by-side preset {wanted!r} (known: {', '.join(KEYS)})"


def _anchor_problem(anchor: str, lesson: Lesson) -> str | None:
    if not anchor or anchor in {h.id for h in lesson.headings}:
        return None
    return f"lesson {lesson.slug!r} has no heading with the anchor #{anchor}"


def main() -> None:
    """``python -m wsgi_asgi_tour.lessons [ROOT]``: load the course, print it or the error."""
    import sys
    import time

    start = time.perf_counter()
    try:
        course = load_course(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    except LessonError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None
    for lesson in course.lessons:
        exercise = f", {len(lesson.exercise.checks)} checks" if lesson.exercise else ""
        print(f"{lesson.number:02d} /lessons/{lesson.slug}  {lesson.title} "
              f"(part {lesson.part}, {lesson.interface}, {len(lesson.runnables)} runnable"
              f"{exercise})")
    print(f"{len(course.lessons)} lessons loaded in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
