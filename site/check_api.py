"""The exercise API: ``POST /api/check`` and ``POST /api/solution``.

Check runs the learner's code in the sandbox against the exercise's own
scenario (the learner cannot change what is checked) and evaluates the
lesson's declarative checks on the trace: lesson files never run code
against learner input. The solution is sent only on request, and the page
asks for it only after an attempt; it is not a secret (the lessons are
open source), just not spoiled.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from starlette.requests import Request
from starlette.responses import Response
from wsgi_asgi_tour import checks
from wsgi_asgi_tour.api import ApiError, RunRequest, execute, failure_response, read_body
from wsgi_asgi_tour.errors import NO_STORE, JSONResponse
from wsgi_asgi_tour.lesson_model import Course, Exercise, Lesson

CHECK_KEYS = ("lesson", "code", "lang")


async def check(request: Request) -> Response:
    settings = request.app.state.settings
    lang = "en"
    try:
        data = _object(await read_body(request, settings.max_body_bytes), CHECK_KEYS)
        lesson, exercise = _exercise(request, data)
        # The page's language (_exercise checked it): an untranslated lesson in a Chinese
        # page still gets Chinese check and engine messages from the catalogs.
        lang = str(data.get("lang", "en"))
        code = data.get("code")
        if not isinstance(code, str):
            _bad('"code" must be your app\'s source code as a string.')
        job = RunRequest(code=code, scenario=exercise.scenario, interface=exercise.interface,
                         app=exercise.app, lang=lang)
        trace = await execute(request, job)
    except Exception as exc:
        return failure_response(exc, lang)
    verdict = checks.report(exercise.checks, trace, lang)
    return JSONResponse(
        {"lesson": lesson.slug, "passed": verdict["passed"], "summary": verdict["summary"],
         "checks": verdict["results"], "trace": trace},
        headers=NO_STORE)


async def solution(request: Request) -> Response:
    try:
        data = _object(await read_body(request, 4096), ("lesson", "lang"))
        lesson, exercise = _exercise(request, data)
    except Exception as exc:
        return failure_response(exc)
    return JSONResponse({"lesson": lesson.slug, "solution": exercise.solution},
                        headers=NO_STORE)


def _exercise(request: Request, data: dict[str, Any]) -> tuple[Lesson, Exercise]:
    courses: dict[str, Course] = request.app.state.courses
    lang = data.get("lang", "en")
    course = courses.get(lang) if isinstance(lang, str) else None
    if course is None:
        _bad(f'"lang" must be one of {", ".join(sorted(courses))}; got {lang!r}.')
    slug = data.get("lesson")
    lesson = course.by_slug.get(slug) if isinstance(slug, str) else None
    if lesson is None:
        raise ApiError(404, "no_such_lesson", f"There is no lesson {slug!r}.")
    if lesson.exercise is None:
        raise ApiError(404, "no_exercise", f"The lesson {slug!r} has no exercise to check.")
    return lesson, lesson.exercise


def _object(body: bytes, keys: tuple[str, ...]) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        _bad("The request body is not valid JSON.")
    if not isinstance(data, dict):
        _bad("The request body must be a JSON object.")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        _bad(f"Unknown key(s) {', '.join(map(repr, unknown))}; the keys are {', '.join(keys)}.")
    return data


def _bad(message: str) -> NoReturn:
    raise ApiError(400, "bad_request", message)
