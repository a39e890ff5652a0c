"""The lab API: ``POST /api/lab`` runs the concurrency lab on learner code in the sandbox.

Same rules as ``POST /api/run`` (api.py): the token, a JSON body of bounded size,
learner-readable 400s, 503 when every run slot is busy, and the work awaited in
the executor, never in this process. The body and the result are in docs/api.md
and docs/lab.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from wsgi_asgi_tour import i18n, lang_choice
from wsgi_asgi_tour.api import (
    INTERFACES,
    ApiError,
    _bad,
    _kind,
    _no_constant,
    _show,
    failure_response,
    read_body,
    unless_gone,
)
from wsgi_asgi_tour.errors import NO_STORE, JSONResponse, error

from sandbox import i18n as engine_i18n
from sandbox.lab import LabOptionsError, parse_options

LAB_KEYS = ("code", "interface", "app", "lab", "lang")


@dataclass(frozen=True)
class LabRequest:
    code: str
    options: dict[str, Any]
    interface: str = "auto"
    app: str = "app"
    lang: str = "en"


async def lab(request: Request) -> Response:
    settings = request.app.state.settings
    job = None
    try:
        job = parse_lab_request(await read_body(request, settings.max_body_bytes),
                                request.headers.get("accept-language", ""))
        result = await unless_gone(request, request.app.state.executor.lab(
            job.code, job.options, interface=job.interface, app=job.app, lang=job.lang))
    except LabOptionsError as exc:  # the executor checks again; the same words either way
        return bad_lab(exc, job.lang if job else "en")
    except Exception as exc:
        return failure_response(exc, job.lang if job else "en")
    return JSONResponse(result, headers=NO_STORE)


def bad_lab(exc: LabOptionsError, lang: str) -> Response:
    """The 400 for options past a cap, in the learner's language (the lab page shows it)."""
    return error(400, "bad_lab", i18n.t("api.bad_lab", lang, error=exc))


def parse_lab_request(body: bytes, accept_language: str = "") -> LabRequest:
    """Check the request's shape and the lab's options (ApiError "bad_lab" past a cap,
    in the request's language)."""
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise ApiError(400, "bad_json", "The request body nests too deeply.") from None
    except ValueError as exc:
        raise ApiError(400, "bad_json", f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        _bad(f'The request body must be a JSON object such as {{"code": "...", "lab": '
             f'{{"requests": 100}}}}; got {_kind(data)}.')
    unknown = sorted(set(data) - set(LAB_KEYS))
    if unknown:
        _bad(f"Unknown key{'s' if len(unknown) > 1 else ''} in the request: "
             f"{', '.join(map(repr, unknown))}. The keys are {', '.join(LAB_KEYS)}.")
    code = data.get("code")
    if not isinstance(code, str):
        _bad('The request needs "code": the source of your app as a string.')
    interface, app = data.get("interface", "auto"), data.get("app", "app")
    if interface not in INTERFACES:
        _bad(f'"interface" must be "wsgi", "asgi" or "auto", got {_show(interface)}.')
    if not isinstance(app, str) or not app.isidentifier():
        _bad(f'"app" must be the name of the variable holding your app, such as "app"; '
             f"got {_show(app)}.")
    options = data.get("lab", {})
    if not isinstance(options, dict):
        _bad(f'"lab" must be a JSON object such as {{"requests": 100, "server": '
             f'{{"model": "threads", "threads": 4}}}}; got {_kind(options)}.')
    lang = data.get("lang", lang_choice.from_accept_language(accept_language))
    if lang not in i18n.languages():
        _bad(f'"lang" must be one of {", ".join(map(repr, i18n.languages()))}; got {_show(lang)}.')
    try:
        with engine_i18n.use_lang(lang):  # the caps' messages in the learner's language
            parse_options(options)
    except LabOptionsError as exc:
        raise ApiError(400, "bad_lab", i18n.t("api.bad_lab", lang, error=exc)) from None
    try:  # "\ud800" is valid JSON but no text: it cannot reach the sandbox as UTF-8
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        _bad("The request contains an unpaired surrogate escape (such as \\ud800), "
             "which is not a character; remove it.")
    return LabRequest(code=code, options=options, interface=interface, app=app, lang=lang)
