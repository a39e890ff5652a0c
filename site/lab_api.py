"""The lab API: ``POST /api/lab`` runs the concurrency lab on learner code in the sandbox.

Same rules as ``POST /api/run`` (api.py): the token, a JSON body of bounded size,
learner-readable 400s, 503 when every run slot is busy, and the work awaited in
the executor, never in this process. The body and the result are in docs/api.md
and docs/lab.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from wsgi_asgi_tour import i18n
from wsgi_asgi_tour.api import (
    ApiError,
    _bad,
    _kind,
    check_encodable,
    failure_response,
    interface_and_app,
    load_object,
    read_body,
    request_lang,
    unless_gone,
)
from wsgi_asgi_tour.errors import NO_STORE, JSONResponse

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
        return failure_response(bad_lab(exc, job.lang if job else "en"))
    except Exception as exc:
        return failure_response(exc, job.lang if job else "en")
    return JSONResponse(result, headers=NO_STORE)


def bad_lab(exc: LabOptionsError, lang: str) -> ApiError:
    """The 400 for options past a cap, in the learner's language (the lab page shows it)."""
    return ApiError(400, "bad_lab", i18n.t("api.bad_lab", lang, error=exc))


def parse_lab_request(body: bytes, accept_language: str = "") -> LabRequest:
    """Check the request's shape and the lab's options (ApiError "bad_lab" past a cap,
    in the request's language)."""
    data = load_object(body, LAB_KEYS, '{"code": "...", "lab": {"requests": 100}}')
    if "code" not in data:
        _bad('The request needs "code": the source of your app as a string.')
    code = data["code"]
    if not isinstance(code, str):
        _bad(f'"code" must be a string of Python source, got {_kind(code)}.')
    interface, app = interface_and_app(data)
    options = data.get("lab", {})
    if not isinstance(options, dict):
        _bad(f'"lab" must be a JSON object such as {{"requests": 100, "server": '
             f'{{"model": "threads", "threads": 4}}}}; got {_kind(options)}.')
    lang = request_lang(data, accept_language)
    try:
        with engine_i18n.use_lang(lang):  # the caps' messages in the learner's language
            parse_options(options)
    except LabOptionsError as exc:
        raise bad_lab(exc, lang) from None
    check_encodable(data)
    return LabRequest(code=code, options=options, interface=interface, app=app, lang=lang)
