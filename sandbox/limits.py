"""Exceptions the engine uses to stop a run; none of them is the learner's error.

They derive from BaseException so a learner's ``except Exception:`` cannot
swallow them, and every simulated server re-raises ``EngineStop`` untouched
when it catches what escaped the app.
"""

from __future__ import annotations


class EngineStop(BaseException):
    """Base of every reason the engine ends a run early."""


class EventLimit(EngineStop):
    """The app produced more events than one trace may hold."""


class RunTimeout(EngineStop):
    """Wall-clock limit hit."""


class OutputLimit(EngineStop):
    """The app printed more than the trace may hold."""
