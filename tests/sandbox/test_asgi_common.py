"""What every ASGI protocol shares: the call, value checks, awaits, learner lines."""

from __future__ import annotations

import asyncio
import linecache
from typing import Any

from sandbox import run
from sandbox.asgi_common import (
    AwaitTracker,
    ClientDisconnected,
    call_app,
    caused_by,
    check_values,
    learner_line,
    message_type,
)
from sandbox.recorder import Recorder


def fired(rec: Recorder) -> list[str]:
    return [str(v["rule"]) for v in rec.violations]


def test_client_disconnected_is_an_oserror() -> None:
    assert issubclass(ClientDisconnected, OSError)


def test_check_values_reports_each_bad_value() -> None:
    rec = Recorder()
    seq = rec.event("send", {})
    ok = check_values({"a": (1,), "b": {1: "x"}, "c": float("inf"), "d": {1, 2}}, rec, seq)
    assert not ok
    assert fired(rec) == [
        "asgi.value_tuple",
        "asgi.value_dict_key",
        "asgi.value_float_not_finite",
        "asgi.value_type",
    ]


def test_message_type_explains_unusable_messages() -> None:
    rec = Recorder()
    seq = rec.event("send", {})
    assert message_type({"type": "http.response.start"}, rec, seq, "x") == "http.response.start"
    assert message_type(["http.response.start"], rec, seq, "x") is None
    assert message_type({"status": 200}, rec, seq, "x") is None
    assert message_type({"type": b"http.response.start"}, rec, seq, "x") is None
    assert fired(rec) == [
        "asgi.message_not_dict",
        "asgi.message_type_missing",
        "asgi.message_type_not_str",
    ]


def test_learner_line_finds_the_learners_frame() -> None:
    code = "def call(f):\n    return f()\n"
    linecache.cache["learner.py"] = (len(code), None, code.splitlines(True), "learner.py")
    try:
        namespace: dict[str, Any] = {}
        exec(compile(code, "learner.py", "exec"), namespace)
        assert namespace["call"](learner_line) == 2
        assert learner_line() is None  # called from this test file: no learner frame
    finally:
        del linecache.cache["learner.py"]


def test_await_tracker_reports_and_closes_unawaited_coroutines() -> None:
    async def send(message: dict[str, Any]) -> None:
        return None

    async def main() -> Recorder:
        rec = Recorder()
        tracker = AwaitTracker()
        await tracker.track(send({}), "send", 3)
        _ = tracker.track(send({}), "send", 4)  # never awaited
        tracker.check(rec)
        return rec

    rec = asyncio.run(main())  # filterwarnings=error: a "never awaited" warning would fail
    assert fired(rec) == ["asgi.send_not_awaited"]
    note = rec.events[-1]
    assert note["kind"] == "note" and note["line"] == 4


def test_call_app_keeps_server_raised_exceptions_out_of_the_error() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise ClientDisconnected("gone")

    async def nothing() -> dict[str, Any]:
        return {}

    async def ignore(message: dict[str, Any]) -> None:
        return None

    rec = Recorder()
    exc = asyncio.run(
        call_app(
            app,
            {"type": "http"},
            nothing,
            ignore,
            rec,
            legacy=False,
            server_raised=(ClientDisconnected,),
        )
    )
    assert isinstance(exc, ClientDisconnected)
    assert rec.app_error is None
    assert rec.events[-1]["data"] == {
        "type": "ClientDisconnected",
        "message": "gone",
        "expected": True,
    }


def test_sync_app_is_explained() -> None:
    trace = run(
        "def app(scope, receive, send):\n    return None\n", {"type": "http"}, interface="asgi"
    )
    assert "asgi.app_not_awaitable" in {v["rule"] for v in trace["violations"]}


def test_unawaited_receive_is_explained_after_the_type_error() -> None:
    code = """
async def app(scope, receive, send):
    message = receive()
    body = message['body']
"""
    trace = run(code, {"type": "http"})
    assert trace["error"]["type"] == "TypeError"
    v = next(v for v in trace["violations"] if v["rule"] == "asgi.receive_not_awaited")
    assert "line 3" in v["message"]


def test_caused_by_follows_the_exception_chain() -> None:
    try:
        try:
            raise ClientDisconnected("gone")
        except OSError:
            raise RuntimeError("framework's own") from None  # context kept, only hidden
    except RuntimeError as exc:
        outer = exc
    assert caused_by(outer, (ClientDisconnected,))
    assert not caused_by(ValueError("unrelated"), (ClientDisconnected,))
