"""``wsgi-asgi-tour lab --lang zh`` (or a Chinese locale): the timeline, the figures, the
notes and the command's own errors in Chinese; English, the default, unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wsgi_asgi_tour.cli import main

from tests.sandbox.lab.apps import ASGI_BLOCKING, WSGI_SLEEP

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def blocky(tmp_path: Path) -> str:
    path = tmp_path / "blocky.py"
    path.write_text(ASGI_BLOCKING, encoding="utf-8")
    return str(path)


@pytest.fixture
def sleepy(tmp_path: Path) -> str:
    path = tmp_path / "sleepy.py"
    path.write_text(WSGI_SLEEP, encoding="utf-8")
    return str(path)


def test_lab_lang_zh(blocky: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", blocky, "-n", "10", "--loop", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (f"并发实验室：{blocky}（ASGI），10 个请求，"
                        "1 个事件循环，各带 40 个线程的线程池")
    assert any(line.startswith("图例： . 排队   # 运行") for line in lines)
    assert "总耗时 10000 毫秒   吞吐量 1 个请求/秒   最多同时处理 1 个请求" in lines
    assert "延迟 p50 5000 毫秒   p99 10000 毫秒   平均 5500 毫秒   （模拟时间）" in lines
    assert "* async def 中的 time.sleep() 阻塞了事件循环 10 次" in out
    assert lines[-1].startswith("结果：ok（真实时间 ")
    assert not re.search(r"legend|makespan|throughput|latency|outcome|\bms\b", out)


def test_a_chinese_locale_picks_chinese(sleepy: str, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["lab", sleepy, "-n", "4", "--threads", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"并发实验室：{sleepy}（WSGI），4 个请求，1 个工作进程 x 2 个线程")
    assert "总耗时 2000 毫秒" in out


def test_english_is_unchanged(blocky: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", blocky, "-n", "10", "--loop"]) == 0
    out = capsys.readouterr().out
    assert not CJK.search(out)
    assert out.startswith(f"Concurrency lab: {blocky} (ASGI), 10 requests, 1 event loop(s), "
                          "a pool of 40 thread(s) each")
    assert "#0    w0      |######" in out and out.count("    1000 ms 200") == 1
    assert "legend: . queued   # running   - waiting (await, or a sleep in its own thread)\n" \
           "        ~ blocked (ready to run, but the loop or the GIL is busy)\n" in out
    assert "makespan 10000 ms   throughput 1 req/s   max in flight 1\n" in out
    assert "latency p50 5000 ms   p99 10000 ms   mean 5500 ms   (simulated time)\n" in out
    assert out.splitlines()[-1].startswith("outcome: ok  (real time ")


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["-n", "5000"], "--requests 必须是 1 到 1000 之间的整数，而不是 5000。实验室设了这个上限，"
     "好让每次运行都能很快结束。", "--requests must be a whole number from 1 to 1000, not 5000."),
    (["--threads", "65"], "--threads 必须是 1 到 64 之间的整数", "--threads must be a whole"),
    (["--every", "-5"], "--every（两次到达之间的时间）必须是 0 到 60000 毫秒之间的数",
     "--every (milliseconds between two arrivals) must be a number"),
    (["--path", "nope"], '--path 必须以 "/" 开头', "--path must start with"),
    (["--loop", "--threads", "2"], "--threads 用于 WSGI 服务器；使用 --loop 时，请用 --pool",
     "--threads is for a WSGI server"),
    (["--pool", "2"], "--pool 需要和 --loop 一起用", "--pool needs --loop"),
    (["--timeout", "0"], "--timeout 必须大于 0 秒", "--timeout must be more than 0 seconds"),
])
def test_usage_errors_in_chinese(sleepy: str, capsys: pytest.CaptureFixture[str],
                                 argv: list[str], chinese: str, english: str) -> None:
    assert main(["lab", sleepy, *argv, "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wsgi-asgi-tour lab: ")
    assert chinese in err
    assert main(["lab", sleepy, *argv]) == 2
    err = capsys.readouterr().err
    assert english in err and not CJK.search(err)
