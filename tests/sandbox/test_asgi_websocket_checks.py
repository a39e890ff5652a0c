"""Key-by-key checks of WebSocket messages: close codes, reasons, frames, headers."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.asgi_websocket_checks import (
    ProtocolError,
    check_close,
    check_headers,
    check_send,
)
from sandbox.asgi_websocket_wire import accept_key
from sandbox.recorder import Recorder


def fired(rec: Recorder) -> list[str]:
    return [str(v["rule"]) for v in rec.violations]


@pytest.mark.parametrize("code", [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000, 4999])
def test_sendable_close_codes(code: int) -> None:
    rec = Recorder()
    assert check_close({"code": code, "reason": "ok"}, rec, 0) == (code, "ok", None)
    assert not rec.violations


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        (999, "websocket.close_code_out_of_range"),
        (5000, "websocket.close_code_out_of_range"),
        (1004, "websocket.close_code_reserved"),
        (1005, "websocket.close_code_reserved"),
        (1006, "websocket.close_code_reserved"),
        (1015, "websocket.close_code_reserved"),
        (2000, "websocket.close_code_reserved"),
    ],
)
def test_unsendable_close_codes_raise_protocol_error(code: int, rule: str) -> None:
    rec = Recorder()
    _, _, exc = check_close({"code": code}, rec, 0)
    assert isinstance(exc, ProtocolError)
    assert fired(rec) == [rule]


def test_close_reason_limit_counts_utf8_bytes() -> None:
    rec = Recorder()
    assert check_close({"reason": "é" * 61}, rec, 0)[2] is None  # 122 bytes
    _, _, exc = check_close({"reason": "é" * 62}, rec, 0)  # 124 bytes
    assert isinstance(exc, ProtocolError)
    assert fired(rec) == ["websocket.close_reason_too_long"]


def test_close_defaults_and_none_reason() -> None:
    rec = Recorder()
    assert check_close({"type": "websocket.close", "reason": None}, rec, 0) == (1000, "", None)


@pytest.mark.parametrize(
    ("message", "frame", "rule"),
    [
        ({"text": "hi"}, ("text", "hi"), None),
        ({"bytes": b"hi", "text": None}, ("bytes", b"hi"), None),
        ({"bytes": b"hi", "text": "hi"}, ("bytes", b"hi"), "websocket.send_both"),
        ({}, None, "websocket.send_neither"),
        ({"text": None, "bytes": None}, None, "websocket.send_neither"),
    ],
)
def test_send_frames(message: dict[str, Any], frame: Any, rule: str | None) -> None:
    rec = Recorder()
    assert check_send(message, rec, 0) == (frame, None)
    assert fired(rec) == ([rule] if rule else [])


def test_headers_are_lowered_for_accept_and_checked() -> None:
    rec = Recorder()
    headers, exc = check_headers([[b"X-Room", b"lobby"]], rec, 0, "websocket.accept", lower=True)
    assert headers == [("x-room", "lobby")] and exc is None
    assert fired(rec) == ["websocket.header_name_uppercase"]
    _, exc = check_headers([(b"x-a", "str")], rec, 0, "websocket.accept", lower=True)
    assert isinstance(exc, AttributeError)


def test_accept_key_matches_rfc_example() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
