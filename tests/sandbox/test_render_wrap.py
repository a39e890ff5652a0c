"""render_wrap.wrap: textwrap's output for English, sensible lines for Chinese."""

from __future__ import annotations

import textwrap

import pytest

from sandbox.render_wrap import has_cjk, width, wrap

ENGLISH = (
    "Your app returned the str 'hello'. The server iterates over it and gets one character "
    "(a str) at a time, not bytes; see start_response-and-friends for the well-known fix."
)
CHINESE = (
    "你的应用返回了 str 'hello'。服务器遍历它时，每次得到的是一个字符（一个 str），而不是 "
    "bytes。请调用 `start_response` 之后返回 `[text.encode('utf-8')]`，这样每个分块都是字节串。"
)


@pytest.mark.parametrize("hyphens", [True, False])
def test_english_is_exactly_textwrap(hyphens: bool) -> None:
    for size in (20, 37, 60, 100):
        assert wrap(ENGLISH, size, initial_indent="  ", subsequent_indent="    ",
                    break_on_hyphens=hyphens) == textwrap.wrap(
            ENGLISH, size, initial_indent="  ", subsequent_indent="    ",
            break_on_hyphens=hyphens, break_long_words=False)


@pytest.mark.parametrize("size", [32, 40, 61, 80])
def test_chinese_lines_fit_the_terminal_columns(size: int) -> None:
    lines = wrap(CHINESE, size, initial_indent="  ", subsequent_indent="    ")
    assert len(lines) > 1
    assert all(width(line) <= size for line in lines)
    assert all(line.startswith("    ") for line in lines[1:])
    # Nothing lost or added but the line breaks (and the spaces at them).
    joined = "".join(line.strip() for line in lines).replace(" ", "")
    assert joined == CHINESE.replace(" ", "")


def test_latin_words_and_code_are_never_split() -> None:
    words = {w for w in CHINESE.split() if w.isascii()}
    for size in (24, 40, 61):
        for line in wrap(CHINESE, size):
            for piece in line.split():
                if piece.isascii():
                    assert piece in words or any(piece in w for w in words)
        text = "\n".join(wrap(CHINESE, size))
        assert "`start_response`" in text and "[text.encode('utf-8')]`" in text


def test_closing_punctuation_never_starts_a_line() -> None:
    for size in range(16, 70):
        for line in wrap(CHINESE, size)[1:]:
            assert line.lstrip()[:1] not in "，。；：）」！？、"


def test_width_and_detection() -> None:
    assert width("ab") == 2 and width("中文") == 4 and width("（，）") == 6
    assert has_cjk("原因：x") and not has_cjk("Why: x")
