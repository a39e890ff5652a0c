"""Colours, glyphs and escaping for the terminal diagram (``sandbox.render_text``).

Colour follows the common conventions: only when the output is a terminal,
never when ``NO_COLOR`` is set to anything (https://no-color.org). Glyphs fall
back to ASCII when the terminal's encoding cannot show box-drawing characters
(a Windows console in cp1252, a pipe with ``PYTHONIOENCODING=ascii``).

Everything shown comes from the learner's code (headers, bodies, print
output), so ``clean`` escapes control characters: an ANSI escape in a response
body must not recolour, move or clear the learner's terminal.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class Palette:
    """ANSI sequences for each role; all empty when colour is off."""

    error: str = ""
    warning: str = ""
    ok: str = ""
    dim: str = ""
    bold: str = ""
    client: str = ""
    server: str = ""
    app: str = ""
    reset: str = ""

    def paint(self, role: str, text: str) -> str:
        code: str = getattr(self, role)
        return f"{code}{text}{self.reset}" if code and text else text


PLAIN = Palette()
ANSI = Palette(
    error="\x1b[31m",
    warning="\x1b[33m",
    ok="\x1b[32m",
    dim="\x1b[2m",
    bold="\x1b[1m",
    client="\x1b[36m",
    server="\x1b[34m",
    app="\x1b[35m",
    reset="\x1b[0m",
)


@dataclass(frozen=True)
class Glyphs:
    lane: str
    line: str
    right: str
    left: str
    cross: str
    bullet: str
    ellipsis: str
    rule: str


UNICODE = Glyphs("│", "─", "▶", "◀", "✗", "•", "…", "─")
ASCII = Glyphs("|", "-", ">", "<", "x", "*", "...", "-")


def wants_color(stream: TextIO, mode: str = "auto") -> bool:
    """``mode`` is "always", "never" or "auto" (a TTY and NO_COLOR unset or empty)."""
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


def glyphs_for(stream: TextIO) -> Glyphs:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "".join(vars(UNICODE).values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return UNICODE


# C0 controls except tab and newline, DEL, C1 controls: anything a terminal may act on.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` with terminal control characters shown as escapes (``\\x1b``), CR dropped."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass
class Style:
    palette: Palette = PLAIN
    glyphs: Glyphs = UNICODE
    width: int = 100
    filename: str = "app.py"  # what the learner calls the file, for "line 4 of ..."
    lines: list[str] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)  # rules whose why/fix/spec were shown

    def add(self, text: str = "", role: str = "") -> None:
        """One line of the report: escaped (it may quote the learner), then coloured."""
        text = clean(text).replace("\n", " ")
        # Colour the words, not the indentation.
        body = text.lstrip(" ")
        indent = text[: len(text) - len(body)]
        self.lines.append(indent + self.palette.paint(role, body) if role else text)
