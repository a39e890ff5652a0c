"""Golden traces: normalise what changes from run to run, compare, or rewrite on request.

``UPDATE_GOLDENS=1 python -m pytest tests/lessons`` rewrites every golden file
from the current engine; review the diff (``git diff tests/lessons/goldens``)
before committing it, as futurecoder does with its golden transcripts.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

GOLDENS = Path(__file__).resolve().parent / "goldens"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"

# Volatile values: timings, the Date header (also inside the raw "wire" text), object ids.
DROP_KEYS = {"t_ms", "duration_ms", "elapsed_ms", "cpu_ms", "result_ms"}
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: normalise(v) for k, v in value.items() if k not in DROP_KEYS}
        if isinstance(out.get("engine"), dict):
            out["engine"].pop("sandbox", None)  # isolation details, absent in-process
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return ADDRESS.sub("0x?", HTTP_DATE.sub("<date>", value))
    return value


def dumps(trace: Any) -> str:
    return json.dumps(normalise(trace), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def check(slug: str, name: str, trace: Any) -> None:
    """Compare `trace` with goldens/<slug>/<name>.json (or write it when updating)."""
    path = GOLDENS / slug / f"{name}.json"
    text = dumps(trace)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no golden trace {path.relative_to(GOLDENS.parent.parent.parent)};"
                             " create it with: UPDATE_GOLDENS=1 python -m pytest tests/lessons")
    expected = path.read_text(encoding="utf-8")
    if expected != text:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True),
            f"golden {slug}/{name}.json", "this run", n=2))[:80])
        raise AssertionError(f"the trace differs from its golden file:\n{diff}\n"
                             "If the change is intended: UPDATE_GOLDENS=1 python -m pytest "
                             "tests/lessons")


def expected_names() -> dict[str, set[str]]:
    """Golden files on disk, by lesson slug (to find stale ones)."""
    return {d.name: {p.stem for p in d.glob("*.json")} for d in GOLDENS.iterdir() if d.is_dir()}
