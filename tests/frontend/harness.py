"""A tiny static file server for the diagram demo page (tests/frontend/demo.html).

The diagram tests are unit tests of a JS component fed recorded traces: they need
the repository's static/ modules and tests/frontend/ fixtures over HTTP, nothing
more. Every other page test runs against the real app on a real uvicorn (conftest.py).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVED = ("/static/", "/tests/frontend/")


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def do_GET(self) -> None:
        # Only the two folders the demo needs: nothing else of the checkout is served.
        if not self.path.startswith(SERVED):
            self.send_error(404)
            return
        super().do_GET()

    def end_headers(self) -> None:
        # The site's CSP, so a stray inline script or style fails here as it would there.
        self.send_header("content-security-policy", "default-src 'self'; script-src 'self'; "
                         "style-src 'self'; img-src 'self' data:; connect-src 'self'")
        super().end_headers()


@contextmanager
def serve_static() -> Iterator[str]:
    """Serve the demo's files on 127.0.0.1; always stops, even when a test fails."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(ROOT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
