"""The engine's entry point: loading learner code, errors with the learner's line, limits."""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any

import pytest

from sandbox import ScenarioError, run, run_app
from sandbox.engine import STDOUT_LIMIT

HELLO_WSGI = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]
"""

HELLO_ASGI = """\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Hello"})
"""

GET: dict[str, Any] = {"type": "http", "path": "/"}


def strict(trace: dict[str, Any]) -> dict[str, Any]:
    json.dumps(trace, allow_nan=False)  # the contract: always strict JSON
    return trace


@pytest.mark.parametrize(("code", "iface"), [(HELLO_WSGI, "wsgi"), (HELLO_ASGI, "asgi")])
def test_hello_world_has_the_contract_keys(code: str, iface: str) -> None:
    trace = strict(run(code, GET))
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["interface"] == iface
    assert trace["error"] is None
    assert trace["response"]["status"] == 200
    assert trace["responses"] == [trace["response"]]
    assert [e["seq"] for e in trace["events"]] == list(range(len(trace["events"])))
    kinds = {e["kind"] for e in trace["events"]}
    assert {"call", "return"} <= kinds
    assert trace["duration_ms"] > 0
    for key in ("stdout", "violations", "engine", "app"):
        assert key in trace


def test_missing_app_names_the_callables_it_found() -> None:
    trace = strict(run("def application(environ, start_response):\n    pass\n", GET))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "LoadError"
    assert "does not define 'app'" in trace["error"]["message"]
    assert "Callables defined in your code: application" in trace["error"]["message"]
    assert trace["events"] == []


def test_app_option_picks_another_name() -> None:
    code = HELLO_WSGI.replace("def app(", "def application(")
    assert run(code, GET, app="application")["outcome"] == "ok"
    bad = strict(run(code, GET, app="not a name"))
    assert "is not a Python name" in bad["error"]["message"]


def test_an_app_that_is_not_callable() -> None:
    trace = strict(run("app = 42\n", GET))
    assert trace["outcome"] == "error"
    assert trace["error"]["message"].startswith("Your app is an int, not something")
    assert trace["error"]["traceback"] == trace["error"]["message"]  # no engine traceback


def test_an_error_with_no_learner_frame_has_no_empty_traceback() -> None:
    trace = strict(run("import json\napp = json.loads\n", GET, interface="wsgi"))
    tb = trace["error"]["traceback"]
    assert "Traceback (most recent call last)" not in tb
    assert tb.startswith("(raised inside the server or a library, not in app.py;")
    assert tb.rstrip().endswith(trace["error"]["message"])
    assert trace["error"]["line"] is None


def test_syntax_error_points_at_the_learners_line() -> None:
    trace = strict(run("x = 1\n\ndef app(environ, start_response)\n    return []\n", GET))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "SyntaxError"
    assert trace["error"]["line"] == 3
    assert 'File "app.py", line 3' in trace["error"]["traceback"]


def test_error_in_module_body_points_at_the_learners_line() -> None:
    trace = strict(run("import os\n\nundefined_name\n", GET))
    assert (trace["outcome"], trace["error"]["type"], trace["error"]["line"]) == (
        "error",
        "NameError",
        3,
    )


@pytest.mark.parametrize(
    "code",
    [
        "def app(environ, start_response):\n    x = {}\n    return x['missing']\n",
        "async def app(scope, receive, send):\n    x = {}\n    return x['missing']\n",
    ],
)
def test_exception_in_app_shows_only_learner_frames(code: str) -> None:
    trace = strict(run(code, GET))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "KeyError"
    assert trace["error"]["line"] == 3
    tb = trace["error"]["traceback"]
    assert 'File "app.py", line 3, in app' in tb
    assert "sandbox" not in tb  # the engine's own frames are hidden
    assert trace["response"]["status"] == 500  # what a real server answers
    assert any(e["kind"] == "raise" for e in trace["events"])


@pytest.mark.parametrize("code", ["raise SystemExit(3)\n", "exit()\n", "raise KeyboardInterrupt\n"])
def test_exits_and_interrupts_do_not_end_the_engine(code: str) -> None:
    trace = strict(run(code, GET))
    assert trace["outcome"] == "error"
    assert trace["error"]["line"] == 1


def test_while_true_times_out_and_restores_the_alarm() -> None:
    before = signal.getsignal(signal.SIGALRM)
    started = time.perf_counter()
    trace = strict(
        run(
            "def app(environ, start_response):\n    while True:\n        pass\n", GET, timeout_s=0.3
        )
    )
    assert time.perf_counter() - started < 2
    assert trace["outcome"] == "timeout"
    assert trace["error"]["type"] == "Timeout"
    assert "still running after 0.3 seconds" in trace["error"]["message"]
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_loop_in_module_body_times_out() -> None:
    assert run("while True:\n    pass\n", GET, timeout_s=0.2)["outcome"] == "timeout"


def test_while_true_that_swallows_exceptions_still_times_out() -> None:
    code = (
        "def app(environ, start_response):\n"
        "    while True:\n"
        "        try:\n"
        "            pass\n"
        "        except Exception:\n"
        "            pass\n"
    )
    assert run(code, GET, timeout_s=0.2)["outcome"] == "timeout"


def test_asyncio_sleep_times_out() -> None:
    code = "import asyncio\nasync def app(scope, receive, send):\n    await asyncio.sleep(100)\n"
    started = time.perf_counter()
    trace = strict(run(code, GET, timeout_s=0.3))
    assert time.perf_counter() - started < 2
    assert trace["outcome"] == "timeout"
    assert trace["interface"] == "asgi"
    assert any(e["kind"] == "call" for e in trace["events"])


def test_print_is_captured_in_stdout() -> None:
    code = 'print("loading")\n' + HELLO_WSGI.replace(
        "    start_response", '    print("path is", environ["PATH_INFO"])\n    start_response'
    )
    trace = strict(run(code, {"path": "/x"}))
    assert trace["stdout"] == "loading\npath is /x\n"
    assert trace["outcome"] == "ok"


def test_stderr_is_captured_too() -> None:
    trace = run("import sys\nsys.stderr.write('oops\\n')\n" + HELLO_WSGI, GET)
    assert trace["stdout"] == "oops\n"


def test_output_flood_stops_the_run() -> None:
    code = "def app(environ, start_response):\n    while True:\n        print('x' * 1000)\n"
    trace = strict(run(code, GET))
    assert trace["outcome"] == "output_limit"
    assert trace["error"]["type"] == "OutputLimit"
    assert len(trace["stdout"]) == STDOUT_LIMIT


def test_too_many_events() -> None:
    code = (
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [])\n"
        "    return iter(lambda: b'x', None)\n"
    )
    trace = strict(run(code, GET, max_events=50, timeout_s=5))
    assert trace["outcome"] == "too_many_events"
    assert len(trace["events"]) == 50


@pytest.mark.parametrize(("forced", "expected"), [("wsgi", "wsgi"), ("asgi", "asgi")])
def test_interface_can_be_forced(forced: str, expected: str) -> None:
    # A callable object whose shape says nothing: only the forced interface decides.
    code = "class App:\n    def __call__(self, *args):\n        return None\napp = App()\n"
    trace = strict(run(code, GET, interface=forced))
    assert trace["interface"] == expected
    [call] = [e for e in trace["events"] if e["kind"] == "call"]
    if expected == "asgi":
        assert call["data"]["type"] == "http"
    else:
        assert "REQUEST_METHOD" in call["data"]


def test_forcing_asgi_on_a_legacy_app_still_runs_it_as_asgi2() -> None:
    code = (
        "def app(scope):\n"
        "    async def instance(receive, send):\n"
        "        await send({'type': 'http.response.start', 'status': 204, 'headers': []})\n"
        "        await send({'type': 'http.response.body', 'body': b''})\n"
        "    return instance\n"
    )
    trace = strict(run(code, GET, interface="asgi"))
    assert trace["response"]["status"] == 204
    assert any(v["rule"] == "asgi.legacy_double_callable" for v in trace["violations"])


def test_bad_scenario_raises_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="unknown key"):
        run(HELLO_WSGI, {"verb": "GET"})


def test_runs_leave_no_module_behind() -> None:
    run("import sys\nLEAK = 1\n" + HELLO_WSGI, GET)
    assert "app" not in sys.modules or not hasattr(sys.modules["app"], "LEAK")


def test_each_run_gets_a_fresh_module() -> None:
    code = "count = globals().get('count', 0) + 1\nprint(count)\n" + HELLO_WSGI
    assert run(code, GET)["stdout"] == run(code, GET)["stdout"] == "1\n"


def test_run_app_with_an_app_object() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Hi"]

    trace = strict(run_app(app, GET))
    assert (trace["outcome"], trace["interface"], trace["response"]["body"]) == ("ok", "wsgi", "Hi")
