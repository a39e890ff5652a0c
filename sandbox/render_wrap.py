"""Wrap prose for a terminal, Chinese included.

``textwrap`` breaks only at spaces and counts characters, so a Chinese sentence
(no spaces, each character two columns wide) would become one overlong line.
``wrap`` keeps ``textwrap``'s exact behaviour for text without CJK characters
(the English report stays byte-identical) and otherwise breaks between CJK
characters or at spaces, never inside a Latin word such as ``start_response``,
never before closing punctuation (，。）…), and measures columns as a terminal does.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

# Punctuation that may not start a line (Chinese typesetting's 避头 rule).
_NO_LINE_START = set("，。、；：？！）」』》〉】”’…—·,.;:?!)]}%")
# One token: a run of spaces, a wide (CJK) character, or a run of anything else.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def width(text: str) -> int:
    """Terminal columns: two for wide and full-width characters, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def wrap(
    text: str,
    width_: int,
    *,
    initial_indent: str = "",
    subsequent_indent: str = "",
    break_on_hyphens: bool = False,
    break_long_words: bool = False,
) -> list[str]:
    """``textwrap.wrap`` for English; a CJK-aware wrap when the text holds CJK."""
    if not has_cjk(text):
        return textwrap.wrap(
            text,
            width=width_,
            initial_indent=initial_indent,
            subsequent_indent=subsequent_indent,
            break_on_hyphens=break_on_hyphens,
            break_long_words=break_long_words,
        )
    tokens = _glue(_TOKEN.findall(" ".join(text.split())))
    lines: list[str] = []
    line, used = initial_indent, width(initial_indent)
    fresh = True  # nothing but the indent on this line yet
    for token in tokens:
        size = width(token)
        if token.isspace():
            if not fresh:
                line, used = line + " ", used + 1
            continue
        if not fresh and used + size > width_:
            lines.append(line.rstrip())
            line, used = subsequent_indent, width(subsequent_indent)
        line, used = line + token, used + size
        fresh = False
    if not fresh:
        lines.append(line.rstrip())
    return lines


def _glue(tokens: list[str]) -> list[str]:
    """Attach closing punctuation to the token before it, so it never starts a line."""
    out: list[str] = []
    for token in tokens:
        if out and token[:1] in _NO_LINE_START and not out[-1].isspace():
            out[-1] += token
        else:
            out.append(token)
    return out
