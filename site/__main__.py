"""``python -m wsgi_asgi_tour`` is the same as the ``wsgi-asgi-tour`` command."""

from __future__ import annotations

from wsgi_asgi_tour.cli import main

raise SystemExit(main())
