"""The catalogue of every rule the engine checks.

A rule is data: a stable id (``wsgi.start_response.twice``), a severity, a
one-line title, why the spec forbids it, how to fix it, and a link to the spec
section. The checks in the simulated servers only say *which* rule was broken
and *what happened* (``Recorder.violate(rule_id, message, ...)``); the learner
gets the three parts together: what happened, why, how to fix it.

Rules live in one module per family (``wsgi``, ``http``, ``websocket``,
``lifespan``, ``asgi``) so the catalogue reads like a checklist of the spec.
Each family module calls ``define`` at import time; ``all_rules`` imports them.
Every rule has a broken example and its fix in ``examples/<family>.toml``; the
tests run both, and the site's rules page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

PEP3333 = "https://peps.python.org/pep-3333/"
ASGI_SPECS = "https://asgi.readthedocs.io/en/latest/specs/"
ASGI_MAIN = ASGI_SPECS + "main.html"
ASGI_WWW = ASGI_SPECS + "www.html"
ASGI_LIFESPAN = ASGI_SPECS + "lifespan.html"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str
    why: str
    fix: str
    spec: str

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "why": self.why,
            "fix": self.fix,
            "spec": self.spec,
        }


_RULES: dict[str, Rule] = {}

FAMILIES = ("wsgi", "asgi", "http", "websocket", "lifespan")


def define(id: str, severity: Severity, title: str, *, why: str, fix: str, spec: str) -> Rule:
    """Add a rule to the catalogue; ids are unique and never reused."""
    if id in _RULES:
        raise ValueError(f"rule {id!r} is defined twice")
    if id.split(".", 1)[0] not in FAMILIES:
        raise ValueError(f"rule {id!r} must start with one of {FAMILIES}")
    rule = Rule(id, severity, title, why, fix, spec)
    _RULES[id] = rule
    return rule


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # Imported here, not at module top, because each family module imports `define`.
    from sandbox.rules import asgi, http, lifespan, websocket, wsgi  # noqa: F401


def get(rule_id: str) -> Rule:
    _load()
    return _RULES[rule_id]


def all_rules() -> list[Rule]:
    _load()
    return sorted(_RULES.values(), key=lambda r: r.id)
