"""The simulated WSGI server (PEP 3333): every scenario request, one app call each.

Like a real WSGI server it calls the same app object once per HTTP request,
in order (``wsgi_handler`` serves one request). What WSGI cannot do is
explained instead of faked:

- WebSocket: a WSGI app answers a request and returns; it cannot hold the
  connection open to exchange messages, so the app is not called and the
  trace says why (the response is None).
- Lifespan: WSGI has no startup/shutdown protocol. Servers offer hooks
  instead (gunicorn's ``on_starting``, ``post_fork``, ``worker_exit``), and apps
  do their setup at import time; the trace notes it and serves the requests.
"""

from __future__ import annotations

import linecache
import sys
from typing import Any

from sandbox import wsgi_handler
from sandbox.i18n import tr
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest, Scenario, WebSocketRequest
from sandbox.wsgi_response import LineFinder

DEFAULT_FILENAME = "app.py"  # what the engine compiles learner code as



def lifespan_note() -> str:
    """What a WSGI server does with a lifespan scenario, in the run's language."""
    return tr(
        "WSGI has no lifespan protocol: the server sends no startup or shutdown message. "
        "Do one-time setup at import time (module level), or with your server's hooks "
        "(gunicorn: on_starting, post_fork, worker_exit). The requests are served as usual."
    )


def websocket_note() -> str:
    """Why a WSGI server cannot serve a WebSocket scenario, in the run's language."""
    return tr(
        "A WebSocket needs the connection held open for messages in both directions, but a "
        "WSGI app gets one request and returns one response, after which the server owns the "
        "connection again. So a WSGI server cannot serve it: the app was not called. Use an "
        "ASGI app (async def app(scope, receive, send)) for WebSockets."
    )


def serve(app: Any, scenario: Scenario, rec: Recorder) -> None:
    """Play the server's part for the whole scenario, appending one response per request."""
    lines = LineFinder(learner_file(app))
    if scenario.lifespan:
        rec.request_index = None
        rec.event("note", {"text": lifespan_note()})
    for index, request in enumerate(scenario.requests):
        rec.request_index = index
        if isinstance(request, HttpRequest):
            rec.responses.append(wsgi_handler.serve_one(app, request, rec, lines, index))
        else:
            _websocket(request, rec)
            rec.responses.append(None)
    rec.request_index = None


def learner_file(app: Any) -> str:
    """The file name the learner's frames carry, to find their lines in the stack.

    A function knows its file. A class or an instance (``app = App()``) counts
    only if its module is source the loader compiled (registered in linecache
    without a modification time): a Flask app object belongs to flask/app.py,
    and the learner's lines are not there.
    """
    filename = getattr(getattr(app, "__code__", None), "co_filename", None)
    if isinstance(filename, str):
        return filename
    module = sys.modules.get(str(getattr(app, "__module__", "")))
    filename = getattr(module, "__file__", None)
    entry = linecache.cache.get(filename) if isinstance(filename, str) else None
    if isinstance(filename, str) and entry is not None and len(entry) > 1 and entry[1] is None:
        return filename
    return DEFAULT_FILENAME


def _websocket(request: WebSocketRequest, rec: Recorder) -> None:
    rec.event(
        "client",
        {
            "action": "request",
            "type": "websocket",
            "path": request.path,
            "headers": [[k, v] for k, v in request.headers],
            "subprotocols": request.subprotocols,
        },
    )
    rec.event("note", {"text": websocket_note()})
