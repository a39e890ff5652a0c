"""POST /api/lab in the learner's language: a lab past a cap is a 400 whose message is
Chinese for "lang": "zh" (or Accept-Language: zh), English otherwise."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from wsgi_asgi_tour.api import ApiError
from wsgi_asgi_tour.lab_api import parse_lab_request

from tests.sandbox.lab.apps import WSGI_SLEEP
from tests.site.conftest import AUTH, TestClient

CJK = re.compile(r"[\u4e00-\u9fff]")


def bad_lab(client: TestClient, body: dict[str, Any], **headers: str) -> str:
    response = client.post("/api/lab", content=json.dumps(body).encode(),
                           headers={**AUTH, **headers})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_lab"
    message: str = error["message"]
    return message


def test_a_capped_option_in_chinese(client: TestClient) -> None:
    message = bad_lab(client, {"code": WSGI_SLEEP, "lab": {"requests": 5000}, "lang": "zh"})
    assert message == ('实验参数无效："requests" 必须是 1 到 1000 之间的整数，而不是 5000。'
                       "实验室设了这个上限，好让每次运行都能很快结束。")


def test_accept_language_picks_chinese_and_english_stays(client: TestClient) -> None:
    body = {"code": WSGI_SLEEP, "lab": {"server": {"model": "threads", "threads": 0}}}
    message = bad_lab(client, body, **{"accept-language": "zh-CN,zh;q=0.9"})
    assert message.startswith('实验参数无效："server.threads" 必须是 1 到 64 之间的整数')
    english = bad_lab(client, body)
    assert english.startswith('The lab is not valid: "server.threads" must be a whole number')
    assert not CJK.search(english)


def test_parse_lab_request_says_it_in_the_requests_language() -> None:
    body = json.dumps({"code": "x", "lab": {"every_ms": -1}, "lang": "zh"}).encode()
    with pytest.raises(ApiError) as info:
        parse_lab_request(body)
    assert (info.value.status, info.value.code) == (400, "bad_lab")
    assert '"every_ms"（两次到达之间的时间）必须是 0 到 60000 毫秒之间的数' in info.value.message
