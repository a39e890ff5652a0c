"""Every rule's minimal broken example and its fix, kept beside the catalogue.

``examples/<family>.toml`` holds one table per rule id:

    ["wsgi.status_not_str"]
    scenario = '{"type": "http", "method": "POST", "body": "x"}'   # optional, JSON
    interface = "wsgi"                                               # optional
    broken = '''
    def app(environ, start_response): ...
    '''
    fixed = '''
    def app(environ, start_response): ...
    '''

The tests run ``broken`` and expect the rule in its violations, then run
``fixed`` and expect no violation of severity "error"; the site's rules page
shows both.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_SCENARIO: dict[str, Any] = {"type": "http", "method": "GET", "path": "/"}


@dataclass(frozen=True)
class Example:
    rule: str
    broken: str
    fixed: str
    scenario: dict[str, Any]
    interface: str = "auto"


@cache
def all_examples() -> dict[str, Example]:
    out: dict[str, Example] = {}
    folder = resources.files("sandbox.rules") / "examples"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for rule_id, table in data.items():
            scenario = json.loads(table["scenario"]) if "scenario" in table else DEFAULT_SCENARIO
            out[rule_id] = Example(rule_id, table["broken"], table["fixed"], scenario,
                                   table.get("interface", "auto"))
    return out
