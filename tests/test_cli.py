"""The wsgi-asgi-tour command: run, rules, serve, doctor; exit codes and plain error messages."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from wsgi_asgi_tour import __version__
from wsgi_asgi_tour.cli import main

from sandbox import rules

HELLO = """\
def app(environ, start_response):
    print("method", environ["REQUEST_METHOD"])
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]
"""

ECHO_ASGI = """\
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": message["text"].upper()})
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = [[k, v] for k, v in scope["headers"] if k.startswith(b"x-")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": scope["method"].encode() + b" " + body})
"""


@pytest.fixture
def app_file(tmp_path: Path) -> Path:
    path = tmp_path / "hello.py"
    path.write_text(HELLO)
    return path


@pytest.fixture
def echo_file(tmp_path: Path) -> Path:
    path = tmp_path / "echo.py"
    path.write_text(ECHO_ASGI)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["run", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_run_draws_the_diagram(app_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(app_file), "--path", "/hi?x=1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("WSGI message flow")
    assert "environ  GET /hi?x=1" in out
    assert "HTTP/1.1 200 OK" in out
    assert "Printed by your code\n  method GET" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "outcome: ok" in out


def test_colour_can_be_forced(app_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", str(app_file), "--color", "always"])
    assert "\x1b[" in capsys.readouterr().out


def test_json_is_the_trace(app_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, trace = run_json(capsys, str(app_file))
    assert code == 0
    assert trace["outcome"] == "ok"
    assert trace["interface"] == "wsgi"
    assert trace["response"]["status"] == 200


def test_curl_like_options(echo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, trace = run_json(
        capsys, str(echo_file), "--data", "hi", "-H", "X-One: 1", "-H", "x-two:2", "--path", "/p"
    )
    assert code == 0, trace["error"]
    assert trace["response"]["body"] == "POST hi"  # --data makes it a POST, as with curl
    assert ["x-one", "1"] in trace["response"]["headers"]
    assert ["x-two", "2"] in trace["response"]["headers"]
    _, trace = run_json(capsys, str(echo_file), "-X", "PUT", "--data", "x")
    assert trace["response"]["body"] == "PUT x"
    _, trace = run_json(capsys, str(echo_file), "-X", "delete")
    assert trace["response"]["body"] == "DELETE "


def test_websocket_and_lifespan(echo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, trace = run_json(
        capsys, str(echo_file), "--websocket", "--send", "hi", "--send", "yo", "--lifespan"
    )
    assert trace["outcome"] == "ok", trace["error"]
    calls = [e["data"]["type"] for e in trace["events"] if e["kind"] == "call"]
    assert calls == ["lifespan", "websocket"]
    sent = [e["data"].get("text") for e in trace["events"] if e["kind"] == "send"]
    assert "HI" in sent and "YO" in sent
    assert code == 0


def test_scenario_file(echo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "two.json"
    scenario.write_text(
        json.dumps({"requests": [{"method": "GET"}, {"method": "POST", "body": "b"}]})
    )
    code, trace = run_json(capsys, str(echo_file), "--scenario", str(scenario))
    assert code == 0
    assert [r["body"] for r in trace["responses"]] == ["GET ", "POST b"]


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(HELLO))
    code, trace = run_json(capsys, "-")
    assert (code, trace["outcome"]) == (0, "ok")


def test_failures_exit_1_and_show_the_learners_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.py"
    path.write_text("def app(environ, start_response):\n    return 1 / 0\n")
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out
    assert f'File "{path}", line 2' in out
    assert f"line 2 of {path}" in out


def test_error_severity_violation_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sync.py"
    path.write_text("def app(scope, receive, send):\n    return None\n")
    code, trace = run_json(capsys, str(path))
    assert any(v["severity"] == "error" for v in trace["violations"])
    assert code == 1


def test_timeout_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loop.py"
    path.write_text("def app(environ, start_response):\n    while True:\n        pass\n")
    code, trace = run_json(capsys, str(path), "--timeout", "0.2")
    assert (code, trace["outcome"]) == (1, "timeout")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-H", "no-colon"], "write a header as 'Name: value'"),
        (["--send", "x"], "--send needs --websocket"),
        (["--websocket", "--data", "x"], "-X and --data are for HTTP"),
        (["--path", "no-slash"], "bad scenario: scenario.path: expected a path starting with '/'"),
        (["-X", "GE T"], "bad scenario: scenario.method"),
        (["--timeout", "0"], "--timeout must be more than 0"),
    ],
)
def test_usage_errors_exit_2_plainly(
    app_file: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(app_file), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_scenario_file_errors(
    app_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"requests": [{"headers": [["a"]]}]}')
    assert main(["run", str(app_file), "--scenario", str(bad)]) == 2
    assert "requests[0].headers[0]: expected a [name, value] pair" in capsys.readouterr().err
    bad.write_text("{not json")
    assert main(["run", str(app_file), "--scenario", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["run", str(app_file), "--scenario", str(bad), "--path", "/x"]) == 2
    assert "--scenario describes the whole client" in capsys.readouterr().err
    assert main(["run", str(app_file), "--scenario", str(tmp_path / "none.json")]) == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_missing_file_and_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "/no/such/file.py"]) == 2
    assert "no such file: /no/such/file.py" in capsys.readouterr().err
    assert main(["run", "x.py", "--interface", "cgi"]) == 2
    assert main(["myapp.py"]) == 2
    assert "wsgi-asgi-tour run myapp.py" in capsys.readouterr().err


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    catalogue = rules.all_rules()
    for rule in catalogue:
        assert rule.id in out and rule.spec in out
    assert f"{len(catalogue)} rules" in out
    assert main(["rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [r.id for r in catalogue]
    assert {"id", "severity", "title", "spec"} <= set(listed[0])


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["--help"]) == 0
    assert "run" in capsys.readouterr().out
    assert main(["run", "--help"]) == 0
    assert "--websocket" in capsys.readouterr().out


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, func: str) -> list[Any]:
    calls: list[Any] = []
    module = types.ModuleType(name)

    def record(*args: Any, **kwargs: Any) -> int:
        calls.append((args, kwargs))
        return 0

    setattr(module, func, record)
    monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_serve_is_the_default_command(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_module(monkeypatch, "wsgi_asgi_tour.server", "serve")
    assert main([]) == 0
    assert main(["--port", "9000", "--no-browser"]) == 0
    assert main(["serve", "--hosted", "--host", "0.0.0.0", "--get", "/lessons"]) == 0
    defaults = {
        "host": "127.0.0.1",
        "port": 8000,
        "open_browser": True,
        "hosted": False,
        "get": None,
    }
    assert calls[0] == ((), defaults)
    assert calls[1] == ((), {**defaults, "port": 9000, "open_browser": False})
    assert calls[2] == ((), {**defaults, "host": "0.0.0.0", "hosted": True, "get": "/lessons"})


def test_serve_and_doctor_say_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "wsgi_asgi_tour.server", None)
    monkeypatch.setitem(sys.modules, "sandbox.isolation.doctor", None)
    assert main(["serve"]) == 1
    assert "not part of this installation" in capsys.readouterr().err
    assert main(["doctor"]) == 1
    assert "sandbox self-test" in capsys.readouterr().err


def test_doctor_delegates(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_module(monkeypatch, "sandbox.isolation.doctor", "main")
    assert main(["doctor", "--json"]) == 0
    assert main(["doctor"]) == 0
    assert calls == [((True,), {}), ((False,), {})]


def test_python_dash_m(app_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wsgi_asgi_tour", "run", str(app_file), "--json", "-X", "HEAD"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    trace = json.loads(proc.stdout)
    assert trace["response"]["status"] == 200
    assert trace["response"]["body"] == ""  # HEAD: the body is dropped on the wire


def test_every_option_is_documented() -> None:
    import argparse

    from wsgi_asgi_tour.cli_args import build_parser

    docs = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text("utf-8")
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        assert f"`{name}" in docs, name
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in docs, f"{name} {option} is not in docs/cli.md"
