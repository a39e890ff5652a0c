"""Start a real server (wsgiref or uvicorn) in a subprocess on 127.0.0.1 for one app file.

The fidelity tests run the same learner file through the engine and through a
real server and compare what the client gets. A subprocess keeps the real
server's process apart from the engine's (Django's settings are global, for
one), and it always stops: the fixture kills it, and it exits on its own
after ``LIFETIME_S`` in case the test process dies first.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

LIFETIME_S = 60

_WSGIREF = """
import importlib.util, sys, threading, os
from wsgiref.simple_server import make_server, WSGIRequestHandler
class Quiet(WSGIRequestHandler):
    def log_message(self, *a): pass
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
mod = importlib.util.module_from_spec(spec); sys.modules["app"] = mod; spec.loader.exec_module(mod)
srv = make_server("127.0.0.1", int(sys.argv[2]), mod.app, handler_class=Quiet)
threading.Timer(float(sys.argv[3]), lambda: os._exit(0)).start()
srv.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start in 15 s")


@contextmanager
def real_server(app_file: Path, kind: str) -> Iterator[httpx.Client]:
    """Yield an httpx client whose base URL is a real server running ``app_file``."""
    port = free_port()
    if kind == "wsgi":
        cmd = [sys.executable, "-c", _WSGIREF, str(app_file), str(port), str(LIFETIME_S)]
    else:
        # Real uvicorn's own command line, with a timer so it stops by itself.
        boot = (
            "import os, sys, threading, uvicorn; "
            f"threading.Timer({LIFETIME_S}, lambda: os._exit(0)).start(); "
            "sys.argv[0] = 'uvicorn'; uvicorn.main()"
        )
        cmd = [
            sys.executable,
            "-c",
            boot,
            "--app-dir",
            str(app_file.parent),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "1",
            f"{app_file.stem}:app",
        ]
    proc = subprocess.Popen(
        cmd, cwd=app_file.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait(port, proc)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        proc.kill()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
