"""wsgi-asgi-tour: the web app and command line (installed from the repository's site/ folder)."""

from __future__ import annotations

__version__ = "0.1.0"
