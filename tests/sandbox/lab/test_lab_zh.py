"""The lab in Simplified Chinese: the timeline's fixed words, the caps' messages and each
request's error come out in Chinese under ``use_lang("zh")``, aligned by display width,
and in English (unchanged) outside it."""

from __future__ import annotations

import re

import pytest

from sandbox.i18n import use_lang
from sandbox.lab import LabOptionsError, parse_options, run_lab
from sandbox.lab.render import display_width, render, rjust
from tests.sandbox.lab.apps import ASGI_BLOCKING, LOOP, THREADS_4, WSGI_SLEEP

CJK = re.compile(r"[\u4e00-\u9fff]")
NO_START_RESPONSE = "def app(environ, start_response):\n    return [b'x']\n"
PRINTS = "print('a')\nprint('b')\n" + WSGI_SLEEP
NEVER_ENDS = "import asyncio\n\nasync def app(scope, receive, send):\n    await asyncio.Future()\n"


def zh_render(code: str, options: dict[str, object], width: int = 80) -> str:
    with use_lang("zh"):
        return render(run_lab(code, options, lang="zh"), width=width, filename="app.py")


def test_display_width_counts_cjk_as_two_columns() -> None:
    assert display_width("1000 ms") == 7
    assert display_width("1000 毫秒") == 9
    assert display_width("未完成") == 6
    assert rjust("未完成", 10) == "    未完成"
    assert rjust("1000 ms", 10) == "1000 ms".rjust(10)


def test_the_timeline_in_chinese() -> None:
    text = zh_render(WSGI_SLEEP, {"requests": 8, "server": THREADS_4})
    lines = text.splitlines()
    assert lines[0] == "并发实验室：app.py（WSGI），8 个请求，1 个工作进程 x 4 个线程"
    assert "图例： . 排队   # 运行   - 等待（await，或在自己的线程里 sleep）" in lines
    assert "总耗时 2000 毫秒   吞吐量 4 个请求/秒   最多同时处理 4 个请求" in lines
    assert "延迟 p50 1000 毫秒   p99 2000 毫秒   平均 1500 毫秒   （模拟时间）" in lines
    assert "* 全部 4 个线程" in text
    assert lines[-1].startswith("结果：ok（真实时间 ")
    for english in ("legend", "makespan", "throughput", "latency", "outcome", "ms"):
        assert english not in text


def test_chinese_columns_line_up_by_display_width() -> None:
    text = zh_render(WSGI_SLEEP, {"requests": 12, "server": THREADS_4}, width=90)
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith("#")]
    bar = 90 - 40
    # Every row is as wide on screen; its latency ends in the same column ("200" after).
    assert {display_width(row) for row in rows} == {display_width(rows[0])}
    assert rows[0].endswith("  1000 毫秒 200") and rows[-1].endswith("  3000 毫秒 200")
    # The axis: "0 毫秒" above the bar's first cell, the makespan ending over its last one.
    head = lines[1]
    assert head.lstrip().startswith("0 毫秒") and head.endswith("3000 毫秒")
    assert display_width(head) == 14 + bar
    assert rows[0].index("|") == 14
    # The legend's second line starts under the first line's glyphs.
    legend = next(i for i, line in enumerate(lines) if line.startswith("图例："))
    assert lines[legend + 1] == " " * (display_width("图例：") + 1) + (
        "~ 阻塞（已经可以运行，但事件循环或 GIL 正忙）")


def test_long_labs_and_printed_lines_in_chinese() -> None:
    text = zh_render(ASGI_BLOCKING, {"requests": 45, "server": LOOP})
    assert "……另有 5 个请求未列出（--json 会列出全部）" in text
    assert "并发实验室：app.py（ASGI），45 个请求，1 个事件循环，各带 40 个线程的线程池" in text
    assert "阻塞了事件循环 45 次" in text
    printed = zh_render(PRINTS, {"requests": 1})
    assert "你的代码打印的内容（2 行）：" in printed


def test_an_unfinished_request_and_request_errors_in_chinese() -> None:
    stuck = zh_render(NEVER_ENDS, {"requests": 2})
    rows = [line for line in stuck.splitlines() if line.startswith("#")]
    assert rows and all(row.endswith("|     未完成 ") for row in rows)
    broken = run_lab(NO_START_RESPONSE, {"requests": 2}, lang="zh")
    assert broken["requests"][0]["error"] == "应用始终没有调用 start_response()（服务器会发送 500）"
    assert any("第一个的错误：应用始终没有调用" in note for note in broken["notes"])
    raising = run_lab("def app(environ, start_response):\n    1 / 0\n", {"requests": 1},
                      lang="zh")
    assert raising["requests"][0]["error"] == (
        "ZeroDivisionError: division by zero（app.py 第 2 行）")
    english = run_lab("def app(environ, start_response):\n    1 / 0\n", {"requests": 1})
    assert english["requests"][0]["error"] == (
        "ZeroDivisionError: division by zero (line 2 of app.py)")


@pytest.mark.parametrize(("raw", "chinese"), [
    ({"requests": 5000}, '"requests" 必须是 1 到 1000 之间的整数，而不是 5000。实验室设了这个上限'),
    ({"every_ms": -1}, '"every_ms"（两次到达之间的时间）必须是 0 到 60000 毫秒之间的数'),
    ({"method": "G T"}, '"method" 必须是 HTTP 方法，例如 "GET"，而不是 \'G T\'。'),
    ({"path": "x"}, '"path" 必须以 "/" 开头'),
    ({"server": []}, '"server" 必须是一个对象，例如 {"model": "threads"'),
    ({"server": {"model": "gevent"}}, '"server.model" 必须是 "threads"'),
    ({"server": {"model": "loop", "threads": 2}},
     "\"loop\" 服务器的参数中有未知的键：'threads'。可用的键是 model, workers, pool。"),
    ({"speed": 1, "size": 2}, "实验参数中有未知的键：'size', 'speed'。"),
    ([], '"lab" 必须是一个对象，例如 {"requests": 100}。'),
])
def test_option_errors_in_chinese_and_english(raw: object, chinese: str) -> None:
    with use_lang("zh"), pytest.raises(LabOptionsError) as zh:
        parse_options(raw)
    assert chinese in str(zh.value)
    with pytest.raises(LabOptionsError) as en:
        parse_options(raw)
    assert not CJK.search(str(en.value))


def test_run_lab_checks_the_options_in_the_runs_language() -> None:
    with pytest.raises(LabOptionsError, match="必须是 1 到 1000 之间的整数"):
        run_lab(WSGI_SLEEP, {"requests": 0}, lang="zh")
    with pytest.raises(LabOptionsError, match="must be a whole number from 1 to 1000"):
        run_lab(WSGI_SLEEP, {"requests": 0})
