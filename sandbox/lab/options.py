"""The lab's options (the ``lab`` object of POST /api/lab), checked against the caps.

Every limit a learner can reach is here, with the message they get: a lab that
asks for too much is refused before any code runs, never left to hang a worker.
docs/lab.md lists the same caps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.i18n import tr

MAX_REQUESTS = 1000
MAX_WORKERS = 16
MAX_THREADS = 64
MAX_POOL = 64
MAX_EVERY_MS = 60_000
SIMULATED_LIMIT_S = 600  # simulated seconds; the simulation stops there and says so
MAX_PATH = 2000

DEFAULT_REQUESTS = 100
DEFAULT_WORKERS = 1
DEFAULT_THREADS = 1  # gunicorn's default: one sync worker, one thread
DEFAULT_POOL = 40  # anyio's default thread limiter, which Starlette's run_in_threadpool uses

MODELS = ("threads", "loop")
LAB_KEYS = ("requests", "every_ms", "method", "path", "server")
SERVER_KEYS = {"threads": ("model", "workers", "threads"), "loop": ("model", "workers", "pool")}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}")


class LabOptionsError(ValueError):
    """The lab request asks for something the lab cannot do; the message is for the learner."""


@dataclass(frozen=True)
class Server:
    model: str  # "threads" (WSGI: W processes x T threads) or "loop" (ASGI: W event loops)
    workers: int = DEFAULT_WORKERS
    threads: int = DEFAULT_THREADS
    pool: int = DEFAULT_POOL

    def as_json(self) -> dict[str, Any]:
        if self.model == "threads":
            return {"model": "threads", "workers": self.workers, "threads": self.threads}
        return {"model": "loop", "workers": self.workers, "pool": self.pool}


@dataclass(frozen=True)
class LabOptions:
    requests: int = DEFAULT_REQUESTS
    every_ms: float = 0.0
    method: str = "GET"
    path: str = "/"
    server: Server | None = None  # None: chosen from the app's interface once it is known

    def arrival_ns(self, index: int) -> int:
        return round(index * self.every_ms * 1_000_000)


def parse_options(raw: Any) -> LabOptions:
    """``raw`` (the JSON ``lab`` object) as LabOptions; LabOptionsError says what is wrong."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise LabOptionsError(tr('"lab" must be an object such as {{"requests": 100}}.'))
    _no_unknown(raw, LAB_KEYS, tr("the lab"))
    requests = _int(raw, "requests", DEFAULT_REQUESTS, 1, MAX_REQUESTS)
    every = raw.get("every_ms", 0)
    if isinstance(every, bool) or not isinstance(every, int | float) or not (
        0 <= every <= MAX_EVERY_MS
    ):
        raise LabOptionsError(tr(
            '"every_ms" (the time between two arrivals) must be a number from 0 to {most} '
            "milliseconds, not {value}. 0 sends every request at once.",
            most=MAX_EVERY_MS, value=repr(every)))
    method = raw.get("method", "GET")
    if not isinstance(method, str) or not _TOKEN.fullmatch(method):
        raise LabOptionsError(tr('"method" must be an HTTP method such as "GET", not {value}.',
                                 value=repr(method)))
    path = raw.get("path", "/")
    if (not isinstance(path, str) or not path.startswith("/") or len(path) > MAX_PATH
            or not path.isascii() or not path.isprintable() or " " in path):
        raise LabOptionsError(tr(
            '"path" must start with "/" and hold only printable ASCII without spaces '
            "(percent-encode the rest), at most {most} characters, such as "
            '"/hello?name=Ada".', most=MAX_PATH))
    server = None if raw.get("server") is None else parse_server(raw["server"])
    return LabOptions(requests=requests, every_ms=float(every), method=method.upper(),
                      path=path, server=server)


def parse_server(raw: Any) -> Server:
    if not isinstance(raw, dict):
        raise LabOptionsError(tr('"server" must be an object such as {{"model": "threads", '
                                 '"workers": 1, "threads": 4}} or {{"model": "loop", '
                                 '"pool": 40}}.'))
    model = raw.get("model")
    if model not in MODELS:
        raise LabOptionsError(tr(
            '"server.model" must be "threads" (a WSGI server: worker processes x threads) '
            'or "loop" (an ASGI server: one event loop per worker), not {value}.',
            value=repr(model)))
    _no_unknown(raw, SERVER_KEYS[model], tr('a "{model}" server', model=model))
    workers = _int(raw, "workers", DEFAULT_WORKERS, 1, MAX_WORKERS, "server.")
    if model == "threads":
        threads = _int(raw, "threads", DEFAULT_THREADS, 1, MAX_THREADS, "server.")
        return Server("threads", workers=workers, threads=threads)
    return Server("loop", workers=workers, pool=_int(raw, "pool", DEFAULT_POOL, 1, MAX_POOL,
                                                     "server."))


def _int(raw: dict[str, Any], key: str, default: int, low: int, high: int,
         prefix: str = "") -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LabOptionsError(tr(
            "{name} must be a whole number from {low} to {high}, not {value}. The lab caps "
            "it so that every run ends quickly.",
            name=f'"{prefix}{key}"', low=low, high=high, value=repr(value)))
    return value


def _no_unknown(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(k for k in raw if k not in allowed)
    if not unknown:
        return
    keys, known = ", ".join(map(repr, unknown)), ", ".join(allowed)
    if len(unknown) == 1:
        raise LabOptionsError(tr("Unknown key in {where}: {keys}. The keys are {known}.",
                                 where=where, keys=keys, known=known))
    raise LabOptionsError(tr("Unknown keys in {where}: {keys}. The keys are {known}.",
                             where=where, keys=keys, known=known))
