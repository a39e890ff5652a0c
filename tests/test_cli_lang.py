"""``--lang zh`` (or a Chinese locale) for ``wsgi-asgi-tour run`` and ``rules``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wsgi_asgi_tour.cli import main

RETURNS_NONE = "def app(environ, start_response):\n    return None\n"


@pytest.fixture
def app_file(tmp_path: Path) -> str:
    path = tmp_path / "app.py"
    path.write_text(RETURNS_NONE, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def test_run_lang_zh(app_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", app_file, "--lang", "zh", "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert "应用返回了 None" in out


def test_run_english_by_default(app_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", app_file, "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert "The app returned None" in out and "应用" not in out


@pytest.mark.parametrize(("variable", "value"), [("LANG", "zh_CN.UTF-8"), ("LC_ALL", "zh_CN"),
                                                 ("LC_MESSAGES", "zh_TW.UTF-8")])
def test_chinese_locale_picks_chinese(app_file: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, variable: str,
                                      value: str) -> None:
    monkeypatch.setenv(variable, value)
    main(["run", app_file, "--json"])
    trace = json.loads(capsys.readouterr().out)
    titles = [v["title"] for v in trace["violations"]]
    assert "应用返回了 None" in titles


def test_lc_all_wins_and_lang_flag_wins_over_locale(
        app_file: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    main(["run", app_file, "--color", "never"])
    assert "The app returned None" in capsys.readouterr().out
    main(["run", app_file, "--color", "never", "--lang", "zh"])
    assert "应用返回了 None" in capsys.readouterr().out


def test_rules_lang_zh(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "应用返回了 None" in out
    assert "条规则" in out
    assert main(["rules", "--lang", "zh", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["wsgi.return.none"]["title"] == "应用返回了 None"


def test_bad_lang_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--lang", "fr"]) == 2
    assert "invalid choice" in capsys.readouterr().err
