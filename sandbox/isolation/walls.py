"""Bookkeeping of which walls went up in a child, and why the others did not.

Every wall is attempted and its fate recorded; none's absence may crash a run
(a laptop without root still runs code, with fewer walls). The record goes
into the trace (``isolation.walls``) and, through ``capabilities.probe``,
into the health report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Walls:
    active: list[str] = field(default_factory=list)
    inactive: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    def up(self, name: str, detail: str = "") -> None:
        if name not in self.active:
            self.active.append(name)
        self.inactive.pop(name, None)
        if detail:
            self.details[name] = detail

    def down(self, name: str, reason: str) -> None:
        if name in self.active:
            self.active.remove(name)
        self.inactive[name] = reason

    def attempt(self, name: str, action: Callable[[], object], detail: str = "") -> bool:
        """Run ``action``; the wall is up if it returns without an exception."""
        try:
            action()
        except Exception as exc:  # any failure means "this wall is missing here", never a crash
            self.down(name, describe(exc))
            return False
        self.up(name, detail)
        return True

    def has(self, name: str) -> bool:
        return name in self.active

    def report(self) -> dict[str, Any]:
        """What the trace carries: the names of the active walls (and why others are missing)."""
        return {"walls": list(self.active), "inactive": dict(self.inactive)}


def describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"
