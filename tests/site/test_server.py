"""``serve``: --get without a server, the home page (the contents), and a real uvicorn
end to end."""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from wsgi_asgi_tour import server

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from tests.site.conftest import (
    AUTH,
    HELLO_WSGI,
    LOOP,
    TOKEN,
    TestClient,
    client_for,
    descendants,
    live_server,
    make_settings,
    run_body,
)

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="counts processes through Linux's /proc")


# -- serve --get: one response, no server -------------------------------------------------------

def test_get_prints_status_headers_and_body(capsys: pytest.CaptureFixture[str]) -> None:
    assert server.serve(get="/api/health") == 0
    out = capsys.readouterr().out
    head, _, body = out.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "content-type: application/json" in head.splitlines()
    assert any(line.startswith("content-security-policy: ") for line in head.splitlines())
    assert json.loads(body)["status"] == "ok"


def test_get_of_a_missing_page_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert server.serve(get="/nowhere") == 1
    assert capsys.readouterr().out.startswith("HTTP/1.1 404 Not Found\n")


def test_get_needs_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert server.serve(get="api/health") == 2
    assert "starting with '/'" in capsys.readouterr().err


def test_bad_settings_exit_2(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WSGI_ASGI_TOUR_RATE_BURST", "lots")
    assert server.serve(get="/") == 2
    assert "WSGI_ASGI_TOUR_RATE_BURST" in capsys.readouterr().err


def test_hosted_mode_refuses_weak_isolation(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # Spawn mode (one process per run, no zygote) is never strong, on any host.
    monkeypatch.setattr(server, "Executor", functools.partial(Executor, mode="spawn"))
    assert server.serve(hosted=True, get="/api/health") == 1
    err = capsys.readouterr().err
    assert "refusing to start in hosted mode" in err and "zygote" in err


def test_local_mode_warns_about_missing_walls(capsys: pytest.CaptureFixture[str]) -> None:
    weak = {"strong": False, "missing": ["netns: unshare failed", "seccomp: no libseccomp"]}
    assert server._isolation_ok(make_settings(), weak, quiet=False) is True
    assert capsys.readouterr().err == (
        "warning: weak isolation, missing: netns: unshare failed, seccomp: no libseccomp. "
        "Fine for your own code on your own machine; do not serve this to other people.\n")
    assert server._isolation_ok(make_settings(hosted=True), weak, quiet=True) is False
    assert "netns: unshare failed" in capsys.readouterr().err


# -- the home page: the contents ---------------------------------------------------------------

def test_home_page_lists_every_lesson_and_is_script_safe(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    course = client.app.state.courses["en"]  # type: ignore[attr-defined]
    assert len(course.lessons) >= 3
    for lesson in course.lessons:
        assert f'href="/lessons/{lesson.slug}"' in page and lesson.title in page
    # No inline script or style (the CSP forbids them), nothing from another site, no token.
    assert "style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page)
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css|png|svg|woff2?)"', page)
    assert TOKEN not in page
    assert page == client.get("/lessons").text  # one contents page, two addresses


def test_home_page_needs_no_sandbox_in_hosted_mode() -> None:
    # Without "with", the test client skips the lifespan: the page needs no Executor.
    app = server.create_app(make_settings(hosted=True))
    response = TestClient(app, base_url="http://127.0.0.1:8000").get("/")
    assert response.status_code == 200 and "/lessons/first-wsgi-app" in response.text


def test_get_of_the_home_page_prints_the_contents(capsys: pytest.CaptureFixture[str]) -> None:
    assert server.serve(get="/") == 0
    head, _, body = capsys.readouterr().out.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "content-type: text/html; charset=utf-8" in head.splitlines()
    assert body.lstrip().startswith("<!doctype html>")
    assert 'href="/lessons/first-wsgi-app"' in body and "Your first WSGI app" in body


# -- helpers of serve ---------------------------------------------------------------------------

def test_bind_moves_to_the_next_free_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            sock = server.bind("127.0.0.1", port)
        except OSError:
            pytest.skip("the next ports are taken too")
        with sock:
            assert port < sock.getsockname()[1] < port + server.PORT_TRIES


def test_bind_to_port_0_picks_a_free_port() -> None:
    with server.bind("127.0.0.1", 0) as sock:
        assert sock.getsockname()[1] > 0


@pytest.mark.parametrize(("env", "platform", "likely"), [
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"BROWSER": "w3m"}, "linux", True),
    ({}, "darwin", True),
])
def test_browser_likely(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], platform: str,
                        likely: bool) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(server.sys, "platform", platform)
    assert server.browser_likely() is likely


def test_the_browser_gets_a_private_redirect_file(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(server.webbrowser, "open", opened.append)
    leftovers: list[Path] = []
    url = f"http://127.0.0.1:8000/?token={TOKEN}"
    server._open_browser(url, leftovers)
    page = Path(opened[0].removeprefix("file://"))
    try:
        assert page.parent == leftovers[0]
        assert page.stat().st_mode & 0o077 == 0
        assert url in page.read_text()
    finally:
        page.unlink()
        page.parent.rmdir()


# -- end to end: the real command in a process of its own ---------------------------------------

@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {**os.environ, "WSGI_ASGI_TOUR_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "from wsgi_asgi_tour.server import serve; "
         "raise SystemExit(serve(port=0, open_browser=False))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        url = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Serving the tour at "):
                url = line.split()[-1]
                break
        assert url, proc.stderr.read() if proc.stderr else "no URL printed"
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@linux_only
def test_serve_end_to_end(served: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = served
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/\?token={TOKEN}", url)
    base = url.partition("/?")[0]
    with httpx.Client(base_url=base, follow_redirects=False) as browser:
        first = browser.get(url)
        assert first.status_code == 303 and first.headers["location"] == "/"
        assert browser.get("/").status_code == 200
        ran = browser.post("/api/run", json=run_body(HELLO_WSGI))  # the cookie is the token
        assert ran.status_code == 200 and ran.json()["outcome"] == "ok"
        assert browser.post("/api/run", json=run_body(),
                            headers={"origin": "http://evil.example"}).status_code == 403
        assert browser.get("/", headers={"host": "evil.example"}).status_code == 403
    assert httpx.post(base + "/api/run", json=run_body()).status_code == 401
    assert httpx.post(base + "/api/run", json=run_body(), headers=AUTH).status_code == 200
    family = descendants(proc.pid)
    assert family, "the zygote runs as a child of the server"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(15) == 0
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    _wait(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in family))


# -- under load: a real uvicorn in this process -------------------------------------------------

def _post(url: str, body: dict[str, Any], results: list[Any]) -> None:
    results.append(httpx.post(url + "/api/run", json=body, headers=AUTH, timeout=60))


@linux_only
def test_pages_and_health_answer_while_every_slot_is_busy() -> None:
    limits = Limits(slots=1, queue=2, engine_timeout_s=0.5, cpu_soft_s=1, cpu_hard_s=2,
                    wall_s=1.5)
    with live_server(make_settings(limits=limits)) as live:
        results: list[Any] = []
        loops = [threading.Thread(target=_post, args=(live.url, run_body(LOOP), results))
                 for _ in range(2)]
        for thread in loops:
            thread.start()
        hello = threading.Thread(target=_post, args=(live.url, run_body(HELLO_WSGI), results))
        with httpx.Client(base_url=live.url) as c:
            _wait(lambda: c.get("/api/health").json()["pool"]["queued"] == 1)
            hello.start()  # queued behind the second loop
            _wait(lambda: c.get("/api/health").json()["pool"]["queued"] == 2)
            started = time.perf_counter()
            refused = c.post("/api/run", json=run_body(LOOP), headers=AUTH)
            assert time.perf_counter() - started < 1.0
            assert refused.status_code == 503
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["error"]["code"] == "busy"
            latencies = []
            for _ in range(20):
                started = time.perf_counter()
                assert c.get("/api/health").status_code == 200
                assert c.get("/").status_code == 200
                latencies.append(time.perf_counter() - started)
            assert max(latencies) < 0.5
        for thread in [*loops, hello]:
            thread.join(60)
        outcomes = sorted(r.json()["outcome"] for r in results)
        assert "ok" in outcomes and len(outcomes) == 3
        assert all(r.status_code == 200 for r in results)
        executor = live.app.state.executor
        zygote = executor.zygote_pid
        if zygote is not None:

            def leftovers() -> set[int]:
                # The zygote keeps one prepared child per uid (walls up, no job yet).
                prepared = {int(p) for p in executor.status_sync()["prepared"].values() if p}
                waiting = prepared.union(*(descendants(p) for p in prepared))
                return descendants(zygote) - waiting

            _wait(lambda: not leftovers())  # no run's process survives it


@linux_only
def test_a_client_that_hangs_up_leaves_the_queue() -> None:
    limits = Limits(slots=1, queue=1, engine_timeout_s=2.5, wall_s=3.0)
    sleeper = "import time\ndef app(environ, start_response):\n    time.sleep(60)\n"
    with live_server(make_settings(limits=limits)) as live, httpx.Client(base_url=live.url) as c:
        def pool() -> dict[str, int]:
            stats: dict[str, int] = c.get("/api/health").json()["pool"]
            return stats

        results: list[Any] = []
        runner = threading.Thread(target=_post, args=(live.url, run_body(sleeper), results))
        runner.start()
        _wait(lambda: pool()["running"] == 1)
        body = json.dumps(run_body(HELLO_WSGI)).encode()
        with socket.create_connection(("127.0.0.1", live.port)) as raw:
            raw.sendall(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/json\r\nAuthorization: Bearer "
                        + TOKEN.encode() + b"\r\nContent-Length: "
                        + str(len(body)).encode() + b"\r\n\r\n" + body)
            _wait(lambda: pool()["queued"] == 1)
        # Gone from the queue while the sleeper still holds the only slot.
        _wait(lambda: pool()["queued"] == 0, timeout=1.5)
        assert pool()["completed"] == 0
        runner.join(60)
        assert results[0].json()["outcome"] == "timeout"


def _wait(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def test_client_for_runs_the_lifespan() -> None:
    with client_for(make_settings()) as c:
        assert c.app.state.executor.stats()["slots"] >= 1  # type: ignore[attr-defined]
