"""Content tests: every lesson sample and solution runs through the engine like a learner's code.

Like the Go tour's content test and futurecoder's golden transcripts: each
runnable block and each exercise solution runs in the engine, and its trace must
match the golden file under goldens/<slug>/ (``UPDATE_GOLDENS=1 python -m pytest
tests/lessons`` regenerates them). Solutions must pass their checks; starters
must fail at least one, or the exercise teaches nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from wsgi_asgi_tour.checks import evaluate
from wsgi_asgi_tour.lessons import Lesson, Runnable, load_course

import sandbox

from . import golden

COURSE = load_course()
RUNNABLES = [(lesson, r) for lesson in COURSE.lessons for r in lesson.runnables if r.golden]
EXERCISES = [lesson for lesson in COURSE.lessons if lesson.exercise]


def _run(code: str, scenario: dict[str, Any], interface: str, app: str) -> dict[str, Any]:
    return sandbox.run(code, scenario, interface=interface, app=app)


@pytest.mark.parametrize(("lesson", "runnable"), RUNNABLES,
                         ids=[f"{lesson.slug}/{r.id}" for lesson, r in RUNNABLES])
def test_runnable_matches_golden(lesson: Lesson, runnable: Runnable) -> None:
    trace = _run(runnable.code, runnable.scenario, runnable.interface, runnable.app)
    errors = [v["rule"] for v in trace["violations"] if v["severity"] == "error"]
    if runnable.broken:  # the example exists to show the spec's answer
        assert errors or trace["outcome"] != "ok", f"{lesson.source}: {runnable.id} is " \
            "marked broken but runs cleanly"
    else:
        assert trace["outcome"] == "ok", trace["error"]
        assert not errors, f"{lesson.source}: {runnable.id} breaks {errors}; mark it `broken`"
    golden.check(lesson.slug, runnable.id, trace)


@pytest.mark.parametrize("lesson", EXERCISES, ids=[lesson.slug for lesson in EXERCISES])
def test_solution_passes_and_matches_golden(lesson: Lesson) -> None:
    exercise = lesson.exercise
    assert exercise is not None
    trace = _run(exercise.solution, exercise.scenario, exercise.interface, exercise.app)
    failed = [r.message for r in evaluate(exercise.checks, trace) if not r.passed]
    assert not failed, f"{lesson.source}: the solution fails checks: {failed}"
    golden.check(lesson.slug, "solution", trace)


@pytest.mark.parametrize("lesson", EXERCISES, ids=[lesson.slug for lesson in EXERCISES])
def test_starter_fails_a_check(lesson: Lesson) -> None:
    exercise = lesson.exercise
    assert exercise is not None
    trace = _run(exercise.starter, exercise.scenario, exercise.interface, exercise.app)
    results = evaluate(exercise.checks, trace)
    assert any(not r.passed for r in results), f"{lesson.source}: the starter passes every check"
    assert exercise.starter != exercise.solution


def test_every_lesson_has_an_exercise_with_hints() -> None:
    for lesson in COURSE.lessons:
        assert lesson.exercise, f"{lesson.source} has no exercise"
        assert len(lesson.exercise.hints) >= 2, f"{lesson.source}: give several hints"


def test_no_stale_goldens() -> None:
    wanted: dict[str, set[str]] = {}
    for lesson, runnable in RUNNABLES:
        wanted.setdefault(lesson.slug, set()).add(runnable.id)
    for lesson in EXERCISES:
        wanted.setdefault(lesson.slug, set()).add("solution")
    if golden.UPDATE:
        for slug, names in golden.expected_names().items():
            for name in names - wanted.get(slug, set()):
                (golden.GOLDENS / slug / f"{name}.json").unlink()
        return
    stale = {slug: names - wanted.get(slug, set())
             for slug, names in golden.expected_names().items()}
    assert not any(stale.values()), f"golden files without a sample: {stale}"


def test_course_order() -> None:
    numbers = [lesson.number for lesson in COURSE.lessons]
    assert numbers == list(range(1, len(numbers) + 1)), "lessons are numbered by their place"
    folders = [lesson.folder for lesson in COURSE.lessons]
    assert folders == sorted(folders), "folder numbers give the course order"
    slugs = [lesson.slug for lesson in COURSE.lessons]
    chain = [COURSE.lessons[0].slug]
    while COURSE.by_slug[chain[-1]].next:
        chain.append(str(COURSE.by_slug[chain[-1]].next))
    assert chain == slugs  # prev/next walk the whole course
    in_toc = [lesson.slug for part in COURSE.parts().values() for lesson in part]
    assert sorted(in_toc) == sorted(slugs)
    parts = [lesson.part for lesson in COURSE.lessons]
    assert parts == sorted(parts), "parts follow the course order"


def test_links_are_checked_and_spec_links_use_verified_anchors() -> None:
    # load_course() already refused any bad link; this proves the lessons have spec links
    # at all, each to a listed anchor.
    from wsgi_asgi_tour import spec_links

    spec = [href for lesson in COURSE.lessons for href, _ in lesson.links
            if "peps.python.org" in href or "asgi.readthedocs.io" in href]
    assert len(spec) >= 10
    assert all("#" in href and spec_links.problem(href) is None for href in spec)
