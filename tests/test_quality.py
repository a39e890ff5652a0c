"""Lint and types are part of the test run: ruff on everything, mypy --strict on the packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict(tmp_path: Path) -> None:
    # mypy cannot follow setuptools' package-dir mapping (site/ is imported as
    # wsgi_asgi_tour), so give it the import names as links to the real folders.
    if not hasattr(os, "symlink"):
        pytest.skip("needs symlinks to present site/ under its import name")
    (tmp_path / "wsgi_asgi_tour").symlink_to(ROOT / "site", target_is_directory=True)
    (tmp_path / "sandbox").symlink_to(ROOT / "sandbox", target_is_directory=True)
    cache = ROOT / ".mypy_cache"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "-p",
            "sandbox",
            "-p",
            "wsgi_asgi_tour",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
