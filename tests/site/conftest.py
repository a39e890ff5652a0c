"""Shared helpers for the site tests: settings, an in-process client, a real uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from wsgi_asgi_tour.app import create_app
from wsgi_asgi_tour.settings import Settings

with warnings.catch_warnings():
    # Starlette warns that it prefers httpx2; httpx is what is installed and it works.
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient as TestClient

TOKEN = "test-token-0123456789"
ORIGIN = "http://127.0.0.1:8000"
JSON = {"content-type": "application/json"}
AUTH = {**JSON, "authorization": f"Bearer {TOKEN}"}

HELLO_WSGI = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello, world!"]
"""
HELLO_ASGI = """\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Hello, ASGI!"})
"""
LOOP = """\
def app(environ, start_response):
    while True:
        pass
"""


def make_settings(**changes: Any) -> Settings:
    return Settings(token=TOKEN, port=8000, **changes)


@contextlib.contextmanager
def client_for(settings: Settings) -> Iterator[TestClient]:
    """An in-process client, lifespan (and so a real Executor) included."""
    with TestClient(create_app(settings), base_url=ORIGIN) as client:
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for(make_settings()) as c:
        yield c


def run_body(code: str = HELLO_WSGI, **extra: Any) -> dict[str, Any]:
    return {"code": code, "scenario": {"path": "/"}, **extra}


@dataclass
class Live:
    host: str
    port: int
    server: uvicorn.Server
    app: Starlette

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextlib.contextmanager
def live_server(settings: Settings) -> Iterator[Live]:
    """A real uvicorn on 127.0.0.1 and a free port, in a thread; always stopped."""
    app = create_app(settings)  # first: a broken app must not leave a bound socket behind
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield Live("127.0.0.1", port, server, app)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc); zombies count, they are not reaped."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces: split after it.
            parents[int(entry)] = int(stat.rpartition(b")")[2].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found
