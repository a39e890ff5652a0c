"""Presets of the side-by-side page: two lesson files run on one request.

The page (``/compare``) runs two apps, a WSGI and an ASGI one or two versions of one,
against the same scenario and lines their messages up phase by phase. Its presets
are not copies of code: each names files of the course's lessons, read when the
page is rendered, so a lesson's sample and its side-by-side view never drift apart.
Lessons link to a preset as ``/compare?preset=<key>`` (checked at start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wsgi_asgi_tour.lessons import default_root


@dataclass(frozen=True)
class Side:
    path: str        # lesson folder / file, under lessons/
    interface: str   # "wsgi" or "asgi"


@dataclass(frozen=True)
class Preset:
    key: str
    left: Side
    right: Side
    scenario: dict[str, Any]
    lesson: str      # the slug of the lesson that explains the pair


PRESETS: tuple[Preset, ...] = (
    Preset("hello", Side("04-first-wsgi-app/example_hello.py", "wsgi"),
           Side("12-first-asgi-app/example_hello.py", "asgi"),
           {"method": "GET", "path": "/"}, "first-asgi-app"),
    Preset("same-endpoint", Side("24-choosing-wsgi-or-asgi/example_wsgi.py", "wsgi"),
           Side("24-choosing-wsgi-or-asgi/example_asgi.py", "asgi"),
           {"method": "GET", "path": "/status"}, "choosing-wsgi-or-asgi"),
    Preset("streaming", Side("08-response-iterables/example_countdown.py", "wsgi"),
           Side("15-streaming-and-sse/example_progress.py", "asgi"),
           {"method": "GET", "path": "/"}, "streaming-and-sse"),
    Preset("status-int", Side("12-first-asgi-app/example_status_str.py", "asgi"),
           Side("12-first-asgi-app/example_hello.py", "asgi"),
           {"method": "GET", "path": "/"}, "first-asgi-app"),
)
KEYS = tuple(p.key for p in PRESETS)
DEFAULT = "hello"


def presets(root: Path | None = None) -> list[dict[str, Any]]:
    """The presets as the page's JSON: code read from the lesson files (a missing file
    is a start-up error, like a broken lesson)."""
    base = root or default_root()
    found = []
    for preset in PRESETS:
        sides = {}
        for name, side in (("left", preset.left), ("right", preset.right)):
            path = base / side.path
            if not path.is_file():
                raise FileNotFoundError(f"compare preset {preset.key!r}: {path} not found")
            sides[name] = {"code": path.read_text(encoding="utf-8"),
                           "interface": side.interface, "file": side.path}
        found.append({"key": preset.key, "scenario": preset.scenario,
                      "lesson": preset.lesson, **sides})
    return found
