"""``wsgi-asgi-tour serve``: start the sandbox, check it, then serve the site with uvicorn.

The executor starts first, so that hosted mode can refuse to open a port when
the strong protections are missing, and local mode can say which are. The
socket is bound here (not by uvicorn) so the printed URL names the real port.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import os
import shutil
import socket
import sys
import tempfile
import webbrowser
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from wsgi_asgi_tour import inprocess
from wsgi_asgi_tour.app import create_app, describe
from wsgi_asgi_tour.settings import WILDCARD_BIND, Settings, host_name

from sandbox.isolation.executor import Executor

PORT_TRIES = 10  # when the port is taken, try the next ones (Jupyter does the same)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    hosted: bool = False,
    get: str | None = None,
) -> int:
    """Run the site until Ctrl+C (or answer one ``get`` path); the exit status."""
    try:
        settings = Settings.from_env(host=host, port=port, hosted=hosted)
    except ValueError as exc:
        print(f"wsgi-asgi-tour: {exc}", file=sys.stderr)
        return 2
    if get is not None and not get.startswith("/"):
        print(f"wsgi-asgi-tour: --get takes a path starting with '/', not {get!r}",
              file=sys.stderr)
        return 2
    try:
        return asyncio.run(_main(settings, open_browser=open_browser, get=get))
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it caught once it has stopped
        return 0


async def _main(settings: Settings, *, open_browser: bool, get: str | None) -> int:
    executor = Executor(settings.limits)
    await executor.start()
    try:
        if not _isolation_ok(settings, executor.capabilities, quiet=get is not None):
            return 1
        if get is not None:
            return await _get(create_app(settings, executor=executor), settings, get)
        try:
            sock = bind(settings.host, settings.port)
        except OSError as exc:
            print(f"wsgi-asgi-tour: cannot listen on {settings.host}:{settings.port}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 1
        port = sock.getsockname()[1]
        if port != settings.port and settings.port != 0:
            print(f"Port {settings.port} is in use; using {port}.")
        # The token cookie's name carries the port, so settle it before building the app.
        settings = replace(settings, port=port)
        with sock:
            return await _serve(create_app(settings, executor=executor), settings, sock,
                                open_browser=open_browser)
    finally:
        await executor.close()


def _isolation_ok(settings: Settings, capabilities: dict[str, object], *, quiet: bool) -> bool:
    if capabilities.get("strong"):
        if not quiet:
            print(f"Sandbox: {describe(capabilities)}.")
        return True
    if settings.hosted:
        print("wsgi-asgi-tour: refusing to start in hosted mode: learner code from strangers "
              f"needs every sandbox protection, and this machine has {describe(capabilities)}."
              "\n  Run 'wsgi-asgi-tour doctor' for details.", file=sys.stderr)
        return False
    if not quiet:
        print(f"warning: {describe(capabilities)}. Fine for your own code on your own "
              "machine; do not serve this to other people.", file=sys.stderr)
    return True


async def _get(app: Starlette, settings: Settings, target: str) -> int:
    answer = await inprocess.request(app, "GET", target, f"127.0.0.1:{settings.port}")
    try:
        reason = HTTPStatus(answer.status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP/1.1 {answer.status} {reason}".rstrip()]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.write(answer.body.decode("utf-8", "replace") + "\n")
    sys.stdout.flush()
    return 0 if answer.status < 400 else 1


async def _serve(
    app: Starlette, settings: Settings, sock: socket.socket, *, open_browser: bool
) -> int:
    config = uvicorn.Config(
        app, log_level="warning", access_log=settings.hosted, lifespan="on",
        server_header=False, timeout_graceful_shutdown=3,
        # Follow mode's WebSockets (docs/follow.md). No message of ours is near 1 MiB (its
        # cap is 512 KiB): the protocol refuses bigger ones (1009) before the app buffers
        # them (uvicorn's default is 16 MiB). No permessage-deflate: it compresses each run
        # once per follower; a 364 KiB run reached 50 followers in 259 ms with it, 25 ms
        # without (median, tests/benchmarks/bench_follow.py).
        ws_max_size=1024 * 1024, ws_per_message_deflate=False)
    server = uvicorn.Server(config)
    leftovers: list[Path] = []
    announce = asyncio.create_task(_announce(server, settings, open_browser, leftovers))
    try:
        await server.serve(sockets=[sock])
    finally:
        announce.cancel()
        for folder in leftovers:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if server.started else 1


async def _announce(
    server: uvicorn.Server, settings: Settings, browse: bool, leftovers: list[Path]
) -> None:
    port = settings.port
    while not server.started:
        await asyncio.sleep(0.02)
    shown = "127.0.0.1" if settings.host in WILDCARD_BIND else host_name(settings.host)
    url = f"http://{shown}:{port}/"
    if settings.host in WILDCARD_BIND:
        print(f"Listening on every network interface, port {port}.")
    if settings.hosted and not settings.allowed_hosts:
        print("Only localhost names are accepted in the Host header: set "
              "WSGI_ASGI_TOUR_ALLOWED_HOSTS=<the name visitors use> (or --host it).")
    if settings.hosted:
        print(f"Serving the tour (hosted mode) at {url}")
    else:
        url += f"?token={settings.token}"
        print(f"Serving the tour at {url}\n(keep this URL to yourself: it lets the page run "
              "code on this machine). Press Ctrl+C to stop.")
    sys.stdout.flush()
    if browse and not settings.hosted and browser_likely():
        with contextlib.suppress(Exception):  # a missing browser is not an error
            await asyncio.to_thread(_open_browser, url, leftovers)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or on one of the next ports if it is taken."""
    last: OSError | None = None
    for candidate in [port] if port == 0 else range(port, port + PORT_TRIES):
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, candidate, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        try:
            if os.name != "nt":  # on Windows this would let two servers share the port
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(2048)
            return sock
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            last = exc
    assert last is not None
    raise last


def browser_likely() -> bool:
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_browser(url: str, leftovers: list[Path]) -> None:
    # Hand the browser a private file that redirects to the URL rather than the URL
    # itself: a command line (xdg-open URL) is visible to every user on the machine.
    folder = Path(tempfile.mkdtemp(prefix="wsgi-asgi-tour-"))
    leftovers.append(folder)  # removed at shutdown; the browser has read it by then
    page = folder / "open.html"
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f'<!doctype html><meta http-equiv="refresh" content="0;url={html.escape(url)}">'
                  f'<a href="{html.escape(url)}">Open the tour</a>\n')
    webbrowser.open(page.as_uri())
