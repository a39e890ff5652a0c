"""Rules for the wsgi family; see sandbox.rules for the format."""

from __future__ import annotations

from sandbox.rules import define  # noqa: F401
