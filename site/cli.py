"""The ``wsgi-asgi-tour`` command. Placeholder until the CLI work lands."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    print("wsgi-asgi-tour: not built yet")
    return 0
