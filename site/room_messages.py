"""What travels in a follow-mode room: close codes, and the checks on a teacher's messages.

``rooms.py`` keeps the rooms; this module only says whether a message is one a room
passes on. A refusal is a ``RoomError`` carrying the WebSocket close code to send.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Close codes a follower or teacher may see (docs/follow.md). 4xxx are ours, mirroring HTTP.
CLOSE_BAD_JSON = 1007     # a message that is not JSON text
CLOSE_TOO_BIG = 1009      # a message over rooms.Caps.message_bytes
CLOSE_SLOW = 1013         # "try again later": this reader fell rooms.Caps.outbox behind
CLOSE_BAD_MESSAGE = 4400  # JSON, but not a message this room understands
CLOSE_FORBIDDEN = 4403    # wrong secret, or publishing without it
CLOSE_UNKNOWN = 4404      # no such room, or it expired
CLOSE_FULL = 4429         # the room has rooms.Caps.followers followers already

RUN_KEYS = frozenset({"type", "code", "scenario", "interface", "trace", "lesson"})
PAGE_PATH = re.compile(r"/(?:[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)?")


class RoomError(Exception):
    """Refused; ``code`` is the WebSocket close code, the message is for the learner."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def too_big(limit: int) -> str:
    return (f"This run is larger than {limit // 1024} KiB, the most a room "
            "passes on; make its output or request body smaller.")


def with_seq(text: str, seq: int) -> str | None:
    """The teacher's own text with ``"seq"`` added, or None to re-encode instead.

    Re-encoding a 360 KiB trace costs as much as parsing it (about 15 ms of the loop);
    the checked text can go out as it came. Both Python and the browsers' JSON.parse
    keep the last of duplicate keys, so followers read what was checked.
    """
    body = text.rstrip()
    if not body.endswith("}"):
        return None
    return f'{body[:-1]},"seq":{seq}}}'


def check_run(data: dict[str, Any]) -> dict[str, Any]:
    """The ``{"type": "run", ...}`` a teacher sent, checked; RoomError when it is not one."""
    if data.get("type") != "run":
        raise RoomError(CLOSE_BAD_MESSAGE, 'Expected a {"type": "run", ...} message.')
    unknown = sorted(set(data) - RUN_KEYS)
    if unknown:
        raise RoomError(CLOSE_BAD_MESSAGE, f"Unknown keys in the run: {', '.join(unknown)}.")
    shapes = {"code": str, "scenario": dict, "interface": str, "trace": dict}
    for key, kind in shapes.items():
        if not isinstance(data.get(key), kind):
            raise RoomError(CLOSE_BAD_MESSAGE, f'A run needs "{key}" as a JSON {_names[kind]}.')
    lesson = data.get("lesson")
    if lesson is not None and not (isinstance(lesson, str) and PAGE_PATH.fullmatch(lesson)):
        # Followers' pages turn it into a link: only a path on this site, never "//host"
        # or "/\\host" (which browsers read as another site) or "javascript:".
        raise RoomError(CLOSE_BAD_MESSAGE, '"lesson" must be the path of a page of the tour, '
                        'such as "/lessons/first-wsgi-app".')
    return data


_names: dict[type, str] = {str: "string", dict: "object"}


def parse_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise RoomError(CLOSE_BAD_JSON, "That message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise RoomError(CLOSE_BAD_MESSAGE, 'Messages are JSON objects with a "type".')
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
