"""``run_lab``: learner code and lab options in, the lab's JSON result out (docs/lab.md).

It loads the module as ``engine.run`` does (sandbox.loader), tells WSGI from
ASGI, checks that the server model fits the app (a WSGI app runs on threads,
an ASGI app on an event loop), runs the model on the virtual clock and turns
everything into the result: per-request spans, figures, notes. Like
``engine.run`` it never lets the learner's failure become its own: a load
error, an endless loop (the real-time deadline) or a print flood becomes an
``outcome`` with an ``error``; an exception in one request is that request's
``error`` and status 500.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from sandbox import i18n, loader
from sandbox.engine import DEFAULT_TIMEOUT_S, STDOUT_LIMIT, _CappedWriter, _deadline
from sandbox.lab import stats
from sandbox.lab.asgi_model import AsgiModel
from sandbox.lab.clock import NS, VirtualClock, patched, real_perf_counter
from sandbox.lab.options import SIMULATED_LIMIT_S, LabOptions, Server, parse_options
from sandbox.lab.result import blank
from sandbox.lab.timeline import MAX_SPANS_TOTAL, RequestLog
from sandbox.lab.wsgi_model import WsgiModel
from sandbox.limits import OutputLimit, RunTimeout

DEADLINE_MARGIN_S = 0.05


class LabError(Exception):
    """The app and the server model do not fit together; the message is for the learner."""


def run_lab(
    code: str,
    options: LabOptions | dict[str, Any] | None,
    *,
    interface: str = "auto",
    app: str = "app",
    filename: str = "app.py",
    lang: str = "en",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> dict[str, Any]:
    """Run the lab; LabOptionsError (before any code runs) if ``options`` are malformed."""
    with i18n.use_lang(lang):  # a LabOptionsError in the learner's language
        opts = options if isinstance(options, LabOptions) else parse_options(options)
    if interface not in ("auto", "wsgi", "asgi"):
        raise ValueError(f"interface must be wsgi, asgi or auto, not {interface!r}")
    result = blank(interface, app, opts.requests,
                   None if opts.server is None else opts.server.as_json())
    started = real_perf_counter()
    out = _CappedWriter(STDOUT_LIMIT)
    clock = VirtualClock(SIMULATED_LIMIT_S)
    with i18n.use_lang(lang):
        try:
            with (
                _deadline(timeout_s),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(out),
                loader.learner_module(code, filename) as module,
                patched(clock),
                _gc_paused(),
            ):
                loader.execute(code, module, filename)
                app_obj = loader.find_app(module, app)
                # The loop's own check comes just after the engine's SIGALRM: a backstop
                # for a signal that asyncio caught inside a callback.
                _simulate(app_obj, opts, interface, clock, filename, result,
                          started + timeout_s + DEADLINE_MARGIN_S)
        except RunTimeout:
            _fail(result, "timeout", "Timeout", i18n.tr(
                "The lab was still running after {seconds} seconds of real time, so it was "
                "stopped. Look for a loop that never ends, or use fewer requests.",
                seconds=f"{timeout_s:g}"))
        except OutputLimit:
            _fail(result, "output_limit", "OutputLimit", i18n.tr(
                "Your code printed more than {kib} KiB, so the lab was stopped. Print less: "
                "every request runs your code again.", kib=STDOUT_LIMIT // 1024))
        except LabError as exc:
            _fail(result, "error", "LabError", str(exc))
        except BaseException as exc:  # the module body failed, or there is no app
            result["outcome"] = "error"
            result["error"] = loader.format_error(exc, filename)
    result["stdout"] = out.getvalue()
    result["real_ms"] = result["duration_ms"] = round((real_perf_counter() - started) * 1000, 3)
    return result


def _simulate(app_obj: Any, opts: LabOptions, interface: str, clock: VirtualClock,
              filename: str, result: dict[str, Any], deadline: float) -> None:
    kind = loader.resolve(app_obj, interface)
    result["interface"] = "wsgi" if kind == "wsgi" else "asgi"
    server = opts.server or (Server("threads") if kind == "wsgi" else Server("loop"))
    result["server"] = server.as_json()
    _check_fit(kind, server)
    logs: list[RequestLog]
    notes: list[str]
    if kind == "wsgi":
        wsgi = WsgiModel(app_obj, options=opts, server=server, clock=clock, filename=filename)
        logs = wsgi.run()
        assert wsgi.schedule is not None
        sched = wsgi.schedule
        stopped_ns = sched.now if sched.stopped else None
        numbers = stats.figures(logs, stopped_ns)
        notes = stats.thread_notes(logs, server.workers, server.threads, sched.queued,
                                   sched.gil_waits, sched.gil_wait_ns)
    else:
        asgi = AsgiModel(app_obj, legacy=kind == "asgi2", options=opts, server=server,
                         clock=clock, filename=filename, deadline=deadline)
        logs = asgi.run()
        stopped_ns = clock.limit_ns if asgi.stopped else None
        numbers = stats.figures(logs, stopped_ns)
        notes = stats.loop_notes(logs, server.workers, server.pool, asgi.blocking_sleeps,
                                 asgi.pool.calls, asgi.pool.queued, asgi.pool.queued_ns,
                                 asgi.stuck, numbers["max_in_flight"])
    stopped_s = None if stopped_ns is None else round(stopped_ns / NS)
    notes = stats.common_notes(logs, numbers["makespan_ms"], stopped_s) + notes
    result.update(numbers)
    per_request = max(10, MAX_SPANS_TOTAL // max(1, len(logs)))
    result["requests"] = [log.as_json(per_request) for log in logs]
    result["notes"] = notes
    if stopped_s is not None:
        _fail(result, "sim_limit", "SimulatedTimeLimit", i18n.tr(
            "The simulation stopped at {seconds} s of simulated time, the lab's cap; the "
            "timeline shows the requests up to there.", seconds=stopped_s))


def _check_fit(kind: str, server: Server) -> None:
    if kind == "wsgi" and server.model == "loop":
        raise LabError(i18n.tr(
            "Your app is a WSGI app (def app(environ, start_response)): a WSGI server runs "
            "it on worker threads, not on an event loop. Choose the threads model (workers x "
            "threads), or write an ASGI app (async def app(scope, receive, send))."))
    if kind != "wsgi" and server.model == "threads":
        raise LabError(i18n.tr(
            "Your app is an ASGI app (async def app(scope, receive, send)): an ASGI server "
            "runs it on an event loop. Choose the loop model (workers, each with one event "
            "loop and a thread pool), or write a WSGI app (def app(environ, start_response))."))


def _fail(result: dict[str, Any], outcome: str, kind: str, message: str) -> None:
    result["outcome"] = outcome
    result["error"] = {"type": kind, "message": message, "traceback": "", "line": None}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No collector pauses during the simulation: a pause would be charged as CPU to
    whichever request it landed in, and the timeline would change from run to run."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


__all__ = ["LabError", "run_lab"]
