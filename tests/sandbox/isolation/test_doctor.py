"""``doctor``: the real self-test on this machine, and the advice for what is missing."""

from __future__ import annotations

import io
import json
import sys

import pytest

from sandbox.isolation import doctor

WEAK = {
    "netns": {"active": False, "detail": "unshare(CLONE_NEWNET): Operation not permitted"},
    "fork": {"active": True, "detail": "a fresh process per run"},
    "strong": False,
    "missing": ["netns: unshare(CLONE_NEWNET): Operation not permitted", "zygote"],
    "mode": "spawn",
}


def test_render_marks_each_protection_and_says_how_to_fix_it() -> None:
    text = doctor.render(WEAK)
    assert "mode spawn" in text
    assert "✘ netns" in text and "✔ fork" in text
    assert "to fix: needs Linux namespaces" in text
    assert "to fix zygote: no zygote here" in text
    assert "Hosted mode (--hosted): refused" in text
    assert "Local mode starts anyway" in text


def test_render_without_unicode() -> None:
    text = doctor.render(WEAK, ("ok", "NO"))
    assert "NO netns" in text and "ok fork" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote needs Linux")
def test_main_json_is_the_report_and_exit_status_follows_it() -> None:
    out = io.StringIO()
    status = doctor.main(json_output=True, out=out)
    report = json.loads(out.getvalue())
    assert report["mode"] in ("forkserver", "spawn")
    assert status == (0 if report["strong"] else 1)
    assert all({"active", "detail"} <= set(v) for v in doctor.protections(report).values())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote needs Linux")
def test_main_table() -> None:
    out = io.StringIO()
    status = doctor.main(out=out)
    text = out.getvalue()
    assert "Sandbox self-test: mode" in text
    assert ("allowed" in text) == (status == 0)
