"""wsgi-asgi-tour lab: the timeline, --json, the model options, usage errors, --isolated."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from wsgi_asgi_tour.cli import main

from tests.sandbox.lab.apps import ASGI_AWAIT, ASGI_BLOCKING, WSGI_SLEEP


@pytest.fixture
def wsgi_file(tmp_path: Path) -> Path:
    path = tmp_path / "slow.py"
    path.write_text(WSGI_SLEEP)
    return path


@pytest.fixture
def asgi_file(tmp_path: Path) -> Path:
    path = tmp_path / "waits.py"
    path.write_text(ASGI_AWAIT)
    return path


def lab_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["lab", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_threads_timeline(wsgi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", str(wsgi_file), "--requests", "100", "--workers", "1",
                 "--threads", "4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Concurrency lab: {wsgi_file} (WSGI), 100 requests, 1 worker "
                          "process(es) x 4 thread(s)")
    assert sum(1 for line in out.splitlines() if line.startswith("#")) == 40
    assert "... 60 more request(s)" in out
    assert "makespan 25000 ms   throughput 4 req/s   max in flight 4" in out
    assert "latency p50 13000 ms   p99 25000 ms" in out
    assert "96 request(s) queued" in out


def test_loop_json(asgi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = lab_json(capsys, str(asgi_file), "-n", "100", "--loop", "--pool", "8")
    assert code == 0
    assert result["server"] == {"model": "loop", "workers": 1, "pool": 8}
    assert result["makespan_ms"] == 1000.0
    assert len(result["requests"]) == 100


def test_every_path_and_method(asgi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, result = lab_json(capsys, str(asgi_file), "-n", "3", "--every", "250", "--path",
                         "/x?y=1", "-X", "post")
    assert [r["arrival_ms"] for r in result["requests"]] == [0.0, 250.0, 500.0]
    assert result["makespan_ms"] == 1500.0


def test_blocking_sleep_on_a_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blocks.py"
    path.write_text(ASGI_BLOCKING)
    assert main(["lab", str(path), "-n", "10"]) == 0
    out = capsys.readouterr().out
    assert "time.sleep() inside async def blocked the event loop 10 time(s)" in out


def test_a_model_mismatch_exits_1(wsgi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", str(wsgi_file), "--loop"]) == 1
    assert "Choose the threads model" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "words"), [
    (["--requests", "0"], "--requests must be a whole number from 1 to 1000, not 0"),
    (["--threads", "65"], "--threads must be a whole number from 1 to 64"),
    (["--loop", "--threads", "2"], "--threads is for a WSGI server"),
    (["--pool", "2"], "--pool needs --loop"),
    (["--every", "-5"], "--every (milliseconds between two arrivals) must be a number"),
    (["--path", "nope"], "--path must start with"),
    (["--timeout", "0"], "--timeout must be more than 0"),
])
def test_usage_errors_exit_2(wsgi_file: Path, capsys: pytest.CaptureFixture[str],
                             argv: list[str], words: str) -> None:
    assert main(["lab", str(wsgi_file), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wsgi-asgi-tour lab: ")
    assert words in err


def test_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", "no-such-file.py"]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox needs Linux")
def test_isolated(wsgi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = lab_json(capsys, str(wsgi_file), "-n", "100", "--threads", "4", "--isolated")
    assert code == 0
    assert result["makespan_ms"] == 25000.0
    assert result["isolation"]["walls"]
