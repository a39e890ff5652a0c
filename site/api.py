"""The run API: ``POST /api/run`` runs learner code in the sandbox; ``GET /api/health``.

The run handler only awaits the executor, which waits for its child without
blocking the event loop, so pages and the health check keep answering while
every run slot is busy. The request and response schemas are in docs/api.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from wsgi_asgi_tour import i18n, lang_choice
from wsgi_asgi_tour.errors import NO_STORE, JSONResponse, error

from sandbox.isolation.pool import Busy
from sandbox.scenario import ScenarioError

log = logging.getLogger("wsgi_asgi_tour")

T = TypeVar("T")
RUN_KEYS = ("interface", "code", "app", "scenario", "lang")
INTERFACES = ("wsgi", "asgi", "auto")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RunRequest:
    code: str
    scenario: dict[str, Any]
    interface: str = "auto"
    app: str = "app"
    lang: str = "en"  # the language of the trace's explanations (sandbox.i18n)


async def run(request: Request) -> Response:
    settings = request.app.state.settings
    job = None
    try:
        job = parse_run_request(await read_body(request, settings.max_body_bytes),
                                request.headers.get("accept-language", ""))
        trace = await execute(request, job)
    except Exception as exc:
        return failure_response(exc, job.lang if job else "en")
    return JSONResponse(trace, headers=NO_STORE)


async def execute(request: Request, job: RunRequest) -> dict[str, Any]:
    """Run ``job`` in the sandbox for ``request``; gives up if the client hangs up."""
    return await unless_gone(request, request.app.state.executor.run(
        job.code, job.scenario, interface=job.interface, app=job.app, lang=job.lang))


def failure_response(exc: Exception, lang: str = "en") -> Response:
    """The answer for anything that kept a run from producing a trace; the messages a
    learner meets while coding (a bad scenario, busy, our bug) are in `lang`."""
    if isinstance(exc, ClientGone | ClientDisconnect):
        return Response(status_code=499)  # nginx's "client closed request"; nobody reads it
    if isinstance(exc, ApiError):
        return error(exc.status, exc.code, exc.message)
    if isinstance(exc, ScenarioError):
        return error(400, "bad_scenario", i18n.t("api.bad_scenario", lang, error=exc))
    if isinstance(exc, Busy):
        seconds = max(1, math.ceil(exc.retry_after))
        return error(
            503, "busy", i18n.t("api.busy", lang, seconds=seconds),
            headers={"retry-after": str(seconds)})
    # The learner's failures come back inside the trace; reaching here is our bug.
    log.error("run failed in the execution service", exc_info=exc)
    return error(500, "internal", i18n.t("api.internal", lang))


class ClientGone(Exception):
    """The client hung up before its run finished."""


async def unless_gone(request: Request, work: Coroutine[Any, Any, T]) -> T:
    """``await work``, but give up when the client disconnects.

    A learner who reloads the page mid-run leaves a request behind; without this it
    would keep its place in the queue. (A run that already started finishes in the
    executor anyway, which frees its slot only when the child is really gone.)
    """
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        gone.cancel()
    if not task.done():
        task.cancel()
        raise ClientGone
    return task.result()


async def _disconnect(request: Request) -> None:
    # The body has been read, so the next message is http.disconnect when it comes.
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def health(request: Request) -> Response:
    """Answer from memory only: never waits for a run slot or the zygote."""
    executor = request.app.state.executor
    settings = request.app.state.settings
    return JSONResponse(
        {
            "status": "ok",
            "mode": settings.mode,
            "isolation": summary(executor.capabilities, detail=not settings.hosted),
            "pool": executor.stats(),
        },
        headers=NO_STORE,
    )


def summary(capabilities: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    """The capabilities without their detail strings for strangers (hosted mode)."""
    walls = {
        name: ({"active": bool(v.get("active")), "detail": str(v.get("detail", ""))}
               if detail else bool(v.get("active")))
        for name, v in capabilities.items() if isinstance(v, dict) and "active" in v
    }
    return {
        "strong": bool(capabilities.get("strong")),
        "mode": capabilities.get("mode"),
        "missing": list(capabilities.get("missing", [])),
        "protections": walls,
    }


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        _too_large(request, limit)  # refuse before reading a byte of it
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            _too_large(request, limit)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(request: Request, limit: int) -> NoReturn:
    # The body (and its "lang") is unread: the message follows Accept-Language.
    lang = lang_choice.from_accept_language(request.headers.get("accept-language", ""))
    raise ApiError(413, "body_too_large", i18n.t("api.too_large", lang, kib=limit // 1024))


def parse_run_request(body: bytes, accept_language: str = "") -> RunRequest:
    """Check the request's shape; the scenario's own checks are the engine's."""
    data = load_object(body, RUN_KEYS, '{"code": "...", "scenario": {}}')
    if "code" not in data:
        _bad('The request has no "code": send the source of your app as a string.')
    code, scenario = data["code"], data.get("scenario", {})
    if not isinstance(code, str):
        _bad(f'"code" must be a string of Python source, got {_kind(code)}.')
    interface, app = interface_and_app(data)
    if not isinstance(scenario, dict):
        _bad(f'"scenario" must be a JSON object describing the request, got {_kind(scenario)}.')
    lang = request_lang(data, accept_language)
    check_encodable(data)
    return RunRequest(code=code, scenario=scenario, interface=interface, app=app, lang=lang)


# ---- checks shared by every endpoint that runs code (run, lab) ---------------------------
def load_object(body: bytes, keys: tuple[str, ...], example: str) -> dict[str, Any]:
    """The body as a JSON object with only `keys`; `example` shows the shape in errors."""
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise ApiError(400, "bad_json", "The request body nests too deeply.") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, "bad_json", f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        _bad(f"The request body must be a JSON object such as {example}; got {_kind(data)}.")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        _bad(f"Unknown key{'s' if len(unknown) > 1 else ''} in the request: "
             f"{', '.join(map(repr, unknown))}. The keys are {', '.join(keys)}.")
    return data


def interface_and_app(data: dict[str, Any]) -> tuple[str, str]:
    interface, app = data.get("interface", "auto"), data.get("app", "app")
    if interface not in INTERFACES:
        _bad(f'"interface" must be "wsgi", "asgi" or "auto", got {_show(interface)}.')
    if not isinstance(app, str) or not app.isidentifier():
        _bad(f'"app" must be the name of the variable holding your app, such as "app"; '
             f"got {_show(app)}.")
    return interface, app


def request_lang(data: dict[str, Any], accept_language: str) -> str:
    """The body's "lang", else the Accept-Language header's pick (the page sends its own)."""
    lang = data["lang"] if "lang" in data else lang_choice.from_accept_language(accept_language)
    if lang not in i18n.languages():
        _bad(f'"lang" must be one of {", ".join(map(repr, i18n.languages()))}; got {_show(lang)}.')
    return str(lang)


def check_encodable(data: dict[str, Any]) -> None:
    try:  # "\ud800" is valid JSON but no text: it cannot reach the sandbox as UTF-8
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        _bad("The request nests too deeply.")
    except UnicodeEncodeError:
        _bad("The request contains an unpaired surrogate escape (such as \\ud800), "
             "which is not a character; remove it.")


def _bad(message: str) -> NoReturn:
    raise ApiError(400, "bad_request", message)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), "a value")


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=True)
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= 40 else text[:37] + "..."
