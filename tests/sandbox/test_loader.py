"""The loader's error object: a missing framework says how to install it."""

from __future__ import annotations

import sys

import pytest

from sandbox import run
from sandbox.loader import INSTALL_FRAMEWORKS

MISSING_FRAMEWORK = """\
from flask import Flask
app = Flask(__name__)
"""

MISSING_OTHER = """\
import no_such_module_anywhere
def app(environ, start_response): ...
"""


def test_missing_framework_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "flask", None)  # as if Flask were not installed
    trace = run(MISSING_FRAMEWORK, {})
    error = trace["error"]
    assert trace["outcome"] == "error"
    assert error["type"] == "ModuleNotFoundError"
    assert error["line"] == 1
    assert error["message"].startswith("import of flask halted")
    assert INSTALL_FRAMEWORKS in error["message"]
    assert INSTALL_FRAMEWORKS in error["traceback"]


def test_other_missing_modules_get_no_install_hint() -> None:
    error = run(MISSING_OTHER, {})["error"]
    assert error["type"] == "ModuleNotFoundError"
    assert error["message"] == "No module named 'no_such_module_anywhere'"
    assert "pip install" not in error["traceback"]
