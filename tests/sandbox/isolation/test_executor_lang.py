"""Executor.run(..., lang="zh"): the walled-in child and the parent both speak Chinese."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from sandbox import ScenarioError, i18n
from sandbox.isolation.executor import Executor
from tests.sandbox.isolation.test_executor import LIMITS, SCENARIO, linux, with_executor

CJK = re.compile(r"[\u4e00-\u9fff]")
RETURNS_STR = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return "hello"
"""


@pytest.mark.parametrize("mode", [pytest.param("forkserver", marks=linux), "spawn"])
def test_violations_come_back_in_chinese(mode: str) -> None:
    async def both(ex: Executor) -> tuple[dict[str, Any], dict[str, Any]]:
        return await ex.run(RETURNS_STR, SCENARIO, lang="zh"), await ex.run(RETURNS_STR, SCENARIO)

    zh, en = with_executor(both, mode=mode)
    (v,) = zh["violations"]
    assert {k: v[k] for k in ("title", "why", "fix")} == i18n.rule_text("wsgi.return.str", "zh")
    assert CJK.search(v["message"]) and "'hello'" in v["message"]
    (w,) = en["violations"]
    assert w["message"].startswith("Your app returned the str 'hello'.")


def test_the_parents_own_messages_in_chinese() -> None:
    limits = replace(LIMITS, wall_s=1.0, engine_timeout_s=5.0, cpu_soft_s=10, cpu_hard_s=11)
    trace = with_executor(
        lambda ex: ex.run("import time\ntime.sleep(30)\n", SCENARIO, lang="zh"), limits,
        mode="spawn",
    )
    assert trace["outcome"] == "timeout"
    assert CJK.search(trace["error"]["message"]) and "1" in trace["error"]["message"]


def test_a_bad_scenario_is_refused_in_chinese() -> None:
    bad = {"requests": [{"method": "GET", "path": "nope"}]}
    with pytest.raises(ScenarioError) as info:
        with_executor(lambda ex: ex.run(RETURNS_STR, bad, lang="zh"), mode="spawn")
    assert str(info.value).startswith("requests[0].path：") and CJK.search(str(info.value))
