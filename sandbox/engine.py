"""The engine's entry point: source code and a scenario in, a JSON-ready trace out.

``run(code, scenario)`` is what the isolation layer calls in its child process
and what the CLI and tests call in-process. It loads the learner's module,
finds the app, picks the simulated server, and turns whatever happens (normal
end, exception, endless loop, flood of output or messages) into a trace
with an ``outcome``. It never lets the learner's failure become its own.

Outcomes: ``ok`` (the app ran to the end, violations or not), ``error`` (code
did not load, or an exception escaped the app), ``timeout`` (wall-clock limit),
``too_many_events`` (the trace filled up), ``output_limit`` (print flood).
The isolation layer adds ``memory_limit``, ``cpu_limit`` and ``crashed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import signal
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any

from sandbox import asgi, i18n, loader, wsgi
from sandbox.limits import EventLimit, OutputLimit, RunTimeout
from sandbox.recorder import MAX_EVENTS, Recorder
from sandbox.scenario import Scenario, parse

ENGINE_VERSION = "1"
STDOUT_LIMIT = 64 * 1024  # characters of print() output kept
DEFAULT_TIMEOUT_S = 2.0


class _CappedWriter(io.TextIOBase):
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self.size
        self.parts.append(text[: max(room, 0)])
        self.size += len(text)
        if self.size > self.limit:
            raise OutputLimit(f"more than {self.limit} characters of output")
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise RunTimeout in the main thread after ``seconds``, even inside ``while True``.

    Only the main thread can receive signals; elsewhere the asyncio timeout
    (ASGI) and the isolation layer's kill are the limits.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _fire(signum: int, frame: Any) -> None:
        raise RunTimeout(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(
    code: str,
    scenario: Scenario | dict[str, Any],
    *,
    interface: str = "auto",
    app: str = "app",
    filename: str = "app.py",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_events: int = MAX_EVENTS,
    lang: str | None = None,
) -> dict[str, Any]:
    """Run learner ``code`` against ``scenario``; ScenarioError if the scenario is malformed.

    ``lang`` ("en", "zh") is the language of every message in the trace (violations,
    errors, notes); None keeps the caller's (``i18n.use_lang``), English by default.
    """
    if lang is not None:
        with i18n.use_lang(lang):
            return run(code, scenario, interface=interface, app=app, filename=filename,
                       timeout_s=timeout_s, max_events=max_events)
    scen = scenario if isinstance(scenario, Scenario) else parse(scenario)
    rec = Recorder(max_events)
    out = _CappedWriter(STDOUT_LIMIT)
    started = time.perf_counter()
    trace = _blank(interface, app)
    try:
        with (
            _deadline(timeout_s),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(out),
            loader.learner_module(code, filename) as module,
        ):
            try:
                loader.execute(code, module, filename)
                app_obj = loader.find_app(module, app)
            except loader.LoadError as exc:
                trace["outcome"] = "error"
                trace["error"] = {
                    "type": "LoadError",
                    "message": str(exc),
                    "traceback": str(exc),
                    "line": None,
                }
                return _done(trace, rec, out, started)
            _serve(app_obj, scen, rec, interface, trace, timeout_s)
    except RunTimeout:
        trace["outcome"] = "timeout"
        trace["error"] = {
            "type": "Timeout",
            "line": None,
            "traceback": "",
            "message": i18n.tr(
                "Your code was still running after {seconds} seconds, so the server gave up "
                "on it. Look for a loop that never ends or an await that never returns.",
                seconds=f"{timeout_s:g}",
            ),
        }
    except OutputLimit:
        trace["outcome"] = "output_limit"
        trace["error"] = {
            "type": "OutputLimit",
            "line": None,
            "traceback": "",
            "message": i18n.tr(
                "Your code printed more than {kib} KiB, so the run was stopped. Print less, "
                "or print inside a loop that ends.",
                kib=STDOUT_LIMIT // 1024,
            ),
        }
    except EventLimit:
        trace["outcome"] = "too_many_events"
        trace["error"] = {
            "type": "TooManyEvents",
            "line": None,
            "traceback": "",
            "message": i18n.tr(
                "Your app exchanged more than {count} messages with the server, so the run "
                "was stopped to keep the trace readable. Send fewer, larger messages.",
                count=max_events,
            ),
        }
    except BaseException as exc:  # the module body itself failed: SyntaxError, NameError, exit()
        trace["outcome"] = "error"
        trace["error"] = loader.format_error(exc, filename)
    if trace["error"] is None and rec.app_error is not None:
        trace["outcome"] = "error"
        trace["error"] = loader.format_error(rec.app_error, filename)
    return _done(trace, rec, out, started)


def run_app(
    app_obj: Any,
    scenario: Scenario | dict[str, Any],
    *,
    interface: str = "auto",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> dict[str, Any]:
    """Run an already-built app object (tests, benchmarks, fidelity checks)."""
    scen = scenario if isinstance(scenario, Scenario) else parse(scenario)
    rec = Recorder()
    out = _CappedWriter(STDOUT_LIMIT)
    started = time.perf_counter()
    trace = _blank(interface, getattr(app_obj, "__name__", "app"))
    try:
        with _deadline(timeout_s), contextlib.redirect_stdout(out):
            _serve(app_obj, scen, rec, interface, trace, timeout_s)
    except RunTimeout:
        trace["outcome"] = "timeout"
    except (EventLimit, OutputLimit) as exc:
        trace["outcome"] = "too_many_events" if isinstance(exc, EventLimit) else "output_limit"
    if rec.app_error is not None and trace["outcome"] == "ok":
        trace["outcome"] = "error"
        trace["error"] = loader.format_error(rec.app_error, "<app>")
    return _done(trace, rec, out, started)


def _serve(
    app_obj: Any,
    scen: Scenario,
    rec: Recorder,
    interface: str,
    trace: dict[str, Any],
    timeout_s: float,
) -> None:
    kind = loader.resolve(app_obj, interface)
    trace["interface"] = "wsgi" if kind == "wsgi" else "asgi"
    if kind == "wsgi":
        wsgi.serve(app_obj, scen, rec)
    else:
        main = asyncio.wait_for(asgi.serve(app_obj, scen, rec, legacy=kind == "asgi2"), timeout_s)
        try:
            _run_loop(main)
        except TimeoutError:
            raise RunTimeout(f"still running after {timeout_s:g} s") from None


def _run_loop(main: Coroutine[Any, Any, None]) -> None:
    """asyncio.run without its Ctrl-C handler set-up, a third of a hello-world run's cost.

    A fresh loop per run (state never leaks between runs); tasks the app left
    running are cancelled and async generators closed, as asyncio.run does.
    """
    # A caller's own loop (a notebook, playwright's sync API) may be marked as running
    # in this thread; the simulated server runs on a loop of its own meanwhile.
    outer = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main)
    finally:
        try:
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            if leftovers:
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
            asyncio._set_running_loop(outer)


def _blank(interface: str, app: str) -> dict[str, Any]:
    return {
        "interface": None if interface == "auto" else interface,
        "app": app,
        "outcome": "ok",
        "response": None,
        "responses": [],
        "events": [],
        "violations": [],
        "error": None,
        "stdout": "",
        "duration_ms": 0.0,
        "engine": {"version": ENGINE_VERSION, **asgi.SPEC_VERSIONS},
    }


def _done(
    trace: dict[str, Any], rec: Recorder, out: _CappedWriter, started: float
) -> dict[str, Any]:
    trace["events"] = rec.events
    trace["violations"] = rec.violations
    trace["responses"] = rec.responses
    trace["response"] = rec.responses[-1] if rec.responses else None
    trace["stdout"] = out.getvalue()
    trace["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
    return trace
