"""Engine benchmark: in-process hello-world latency, and the trace size of a streamed 1 MB body.

    python tests/benchmarks/bench_engine.py [--runs N] [--profile]

Targets (issue 2): WSGI and ASGI hello world each under 0.5 ms median with the
code already compiled (``sandbox.run_app`` with the app object), and the trace
of a 1 MB body streamed in 64 KiB chunks under 64 KiB of JSON.

Absolute times depend on the machine, so each figure is printed beside a
baseline measured in the same run: the same app called directly, with no
recording (a trivial ``start_response`` for WSGI; a bare ``asyncio.run`` with
no-op ``receive``/``send`` for ASGI). ``--profile`` shows where an engine
run spends its time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sandbox import run_app
from sandbox.scenario import parse

TARGET_MS = 0.5
TARGET_TRACE = 64 * 1024
BIG = 1024 * 1024
CHUNK = 64 * 1024


def wsgi_hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello, world"]


async def asgi_hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"Hello, world"})


def wsgi_stream(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    for _ in range(BIG // CHUNK):
        yield b"x" * CHUNK


async def asgi_stream(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for i in range(BIG // CHUNK):
        more = i < BIG // CHUNK - 1
        await send({"type": "http.response.body", "body": b"x" * CHUNK, "more_body": more})


ENVIRON = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/",
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "8000",
    "wsgi.version": (1, 0),
}
SCOPE = {"type": "http", "method": "GET", "path": "/", "headers": []}


def bare_wsgi() -> None:
    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return None

    body = wsgi_hello(dict(ENVIRON), start_response)
    b"".join(body)


def bare_asgi() -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    asyncio.run(asgi_hello(dict(SCOPE), receive, send))


def median_ms(func: Callable[[], object], runs: int) -> float:
    for _ in range(max(runs // 10, 20)):  # warm up caches and imports
        func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile the engine runs")
    args = parser.parse_args()
    scenario = parse({"type": "http", "method": "GET", "path": "/"})

    for app, iface in ((wsgi_hello, "wsgi"), (asgi_hello, "asgi")):
        trace = run_app(app, scenario, interface=iface)
        assert trace["outcome"] == "ok" and not trace["violations"], trace

    print(f"hello world, median of {args.runs} runs (target < {TARGET_MS} ms each)")
    ok = True
    for name, bare, app in (("WSGI", bare_wsgi, wsgi_hello), ("ASGI", bare_asgi, asgi_hello)):
        iface = name.lower()
        base = median_ms(bare, args.runs)
        engine = median_ms(
            lambda app=app, iface=iface: run_app(app, scenario, interface=iface), args.runs
        )
        passed = engine < TARGET_MS
        ok &= passed
        print(
            f"  {name}: engine {engine:.3f} ms, bare call {base * 1000:.1f} µs, "
            f"ratio {engine / base:.1f}x, engine overhead {engine - base:.3f} ms  "
            f"[{'ok' if passed else 'SLOWER THAN TARGET'}]"
        )

    print(
        f"\ntrace size, 1 MB body in {BIG // CHUNK} chunks of 64 KiB "
        f"(target < {TARGET_TRACE // 1024} KiB)"
    )
    for name, app, iface in (
        ("WSGI generator", wsgi_stream, "wsgi"),
        ("ASGI", asgi_stream, "asgi"),
    ):
        trace = run_app(app, scenario, interface=iface)
        size = len(json.dumps(trace))
        body = trace["response"]["body_length"] if trace["response"] else None
        passed = size < TARGET_TRACE and body == BIG and trace["outcome"] == "ok"
        ok &= passed
        print(
            f"  {name}: {size / 1024:.1f} KiB of JSON, {len(trace['events'])} events, "
            f"body_length {body}, outcome {trace['outcome']}  [{'ok' if passed else 'FAIL'}]"
        )

    if args.profile:
        for app, iface in ((wsgi_hello, "wsgi"), (asgi_hello, "asgi")):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                run_app(app, scenario, interface=iface)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            print(f"\n{iface} profile ({args.runs} runs), by own time:\n{out.getvalue()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
