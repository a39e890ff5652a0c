"""The command line's own errors (site/cli.py: a missing file, a bad scenario or option)
in Chinese with ``--lang zh`` or a Chinese locale, in English otherwise; exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wsgi_asgi_tour.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")
APP = "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'']\n"


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def app_file(tmp_path: Path) -> str:
    path = tmp_path / "app.py"
    path.write_text(APP, encoding="utf-8")
    return str(path)


def errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """stderr of ``argv`` with ``--lang zh``, then without (each must exit 2)."""
    assert main([*argv, "--lang", "zh"]) == 2
    chinese = capsys.readouterr().err
    assert main(argv) == 2
    return chinese, capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "lab"])
def test_a_missing_file(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    chinese, english = errors([command, "no-such-file.py"], capsys)
    assert chinese == f"wsgi-asgi-tour {command}: 没有这个文件：no-such-file.py\n"
    assert english == f"wsgi-asgi-tour {command}: no such file: no-such-file.py\n"


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["--websocket", "-X", "POST"], "-X 和 --data 用于 HTTP；WebSocket 客户端用 --send 发送消息",
     "-X and --data are for HTTP"),
    (["--send", "hi"], "--send 需要和 --websocket 一起用", "--send needs --websocket"),
    (["-H", "nope"], "-H 'nope'：请把头部写成 'Name: value'", "-H 'nope': write a header as"),
    (["--timeout", "0"], "--timeout 必须大于 0 秒", "--timeout must be more than 0 seconds"),
    (["--path", "nope"], "场景无效：", "bad scenario: "),
    (["--scenario", "no-such.json"], "没有这个场景文件：no-such.json",
     "no such scenario file: no-such.json"),
])
def test_run_usage_errors(app_file: str, capsys: pytest.CaptureFixture[str], argv: list[str],
                          chinese: str, english: str) -> None:
    zh, en = errors(["run", app_file, *argv], capsys)
    assert zh.startswith("wsgi-asgi-tour run: ") and chinese in zh
    assert en.startswith("wsgi-asgi-tour run: ") and english in en and not CJK.search(en)


def test_a_scenario_file_that_is_not_an_object(app_file: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.json"
    bad.write_text("[1]", encoding="utf-8")
    zh, en = errors(["run", app_file, "--scenario", str(bad)], capsys)
    assert zh == f"wsgi-asgi-tour run: {bad}：场景必须是一个 JSON 对象（见 docs/scenario.md）\n"
    assert en == f"wsgi-asgi-tour run: {bad}: a scenario is a JSON object (see docs/scenario.md)\n"
    bad.write_text("{", encoding="utf-8")
    zh, en = errors(["run", app_file, "--scenario", str(bad)], capsys)
    assert f"无法把 {bad} 读作 JSON：" in zh and f"cannot read {bad} as JSON: " in en
