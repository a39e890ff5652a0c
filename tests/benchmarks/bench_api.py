"""Benchmark the run API end to end: ``python tests/benchmarks/bench_api.py``.

Starts ``wsgi-asgi-tour serve`` (the real uvicorn, the real sandbox) on
127.0.0.1 in a process of its own and measures through ``POST /api/run``:

1. hello-world median latency, against the baseline a naive spawn-per-run
   sandbox pays before it runs anything: a fresh
   ``python -I -S -c "import asyncio, json"`` (target: at most 0.25x);
2. throughput with 8 concurrent clients (target: at least 100 runs/s);
3. the health check's p99 while 20 infinite loops are submitted at once
   (target: under 100 ms), and hello-world runs queued behind them complete.

The client is a few lines of raw HTTP/1.1 with keep-alive over asyncio, so
that it costs the shared CPUs as little as possible. Not collected by pytest.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

TOKEN = "bench-token"
HELLO = ("def app(environ, start_response):\n"
         "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
         "    return [b'Hello, world!']\n")
LOOP = "def app(environ, start_response):\n    while True:\n        pass\n"


def run_body(code: str) -> bytes:
    return json.dumps({"code": code, "scenario": {"path": "/"}}).encode()


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def start_server() -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "WSGI_ASGI_TOUR_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "from wsgi_asgi_tour.server import serve; "
         "raise SystemExit(serve(port=0, open_browser=False))"],
        stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Serving the tour at "):
            return proc, int(line.split()[-1].split(":")[2].split("/")[0])
    raise SystemExit("the server did not start")


def baseline(n: int = 20) -> float:
    """Median seconds for a fresh python -I -S that imports asyncio and json."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-c", "import asyncio, json"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def latency(port: int, n: int = 200) -> tuple[list[float], list[float]]:
    """Hello-world through the API, and (interleaved, so both see the same load on a
    shared machine) through an Executor in this process without HTTP: the difference
    is what the web layer costs."""
    from sandbox.isolation.executor import Executor

    conn, body = Conn(port), run_body(HELLO)
    executor = Executor()
    await executor.start()
    api_times, alone_times = [], []
    try:
        for _ in range(20):  # warm up
            await conn.request("POST", "/api/run", body)
            await executor.run(HELLO, {"path": "/"})
        for _ in range(n):
            started = time.perf_counter()
            status, answer = await conn.request("POST", "/api/run", body)
            api_times.append(time.perf_counter() - started)
            assert status == 200 and b'"outcome":"ok"' in answer, answer[:300]
            started = time.perf_counter()
            await executor.run(HELLO, {"path": "/"})
            alone_times.append(time.perf_counter() - started)
    finally:
        conn.close()
        await executor.close()
    return api_times, alone_times


async def throughput(port: int, clients: int = 8, seconds: float = 5.0) -> tuple[float, int]:
    body, done, failed = run_body(HELLO), [0], [0]
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        conn = Conn(port)
        while time.perf_counter() < deadline:
            status, answer = await conn.request("POST", "/api/run", body)
            if status == 200 and b'"outcome":"ok"' in answer:
                done[0] += 1
            else:
                failed[0] += 1
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done[0] / (time.perf_counter() - started), failed[0]


async def throughput_alone(clients: int = 8, seconds: float = 5.0) -> float:
    """The same load on an Executor in this process, without HTTP, for comparison."""
    from sandbox.isolation.executor import Executor

    executor, done = Executor(), [0]
    await executor.start()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            trace = await executor.run(HELLO, {"path": "/"})
            done[0] += trace["outcome"] == "ok"

    try:
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        return done[0] / (time.perf_counter() - started)
    finally:
        await executor.close()


async def under_loops(port: int, loops: int = 20, hellos: int = 4) -> dict[str, Any]:
    async def one(code: str) -> tuple[int, bytes, float]:
        conn = Conn(port)
        started = time.perf_counter()
        status, answer = await conn.request("POST", "/api/run", run_body(code))
        conn.close()
        return status, answer, time.perf_counter() - started

    loop_tasks = [asyncio.create_task(one(LOOP)) for _ in range(loops)]
    await asyncio.sleep(0.05)
    hello_tasks = [asyncio.create_task(one(HELLO)) for _ in range(hellos)]
    health, probe = [], Conn(port)
    while not all(t.done() for t in loop_tasks + hello_tasks):
        started = time.perf_counter()
        status, _ = await probe.request("GET", "/api/health")
        health.append(time.perf_counter() - started)
        assert status == 200
        await asyncio.sleep(0.01)
    probe.close()
    loop_results = [t.result() for t in loop_tasks]
    hello_results = [t.result() for t in hello_tasks]
    health.sort()
    return {
        "health_p50_ms": 1000 * health[len(health) // 2],
        "health_p99_ms": 1000 * health[min(len(health) - 1, int(len(health) * 0.99))],
        "health_max_ms": 1000 * health[-1],
        "health_checks": len(health),
        "loop_statuses": sorted({r[0] for r in loop_results}),
        "loop_outcomes": sorted({json.loads(r[1]).get("outcome", "?") for r in loop_results
                                 if r[0] == 200}),
        "hello_ok": sum(r[0] == 200 and b'"outcome":"ok"' in r[1] for r in hello_results),
        "hello_max_s": max(r[2] for r in hello_results),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def measure(port: int) -> None:
    base = baseline()
    times, alone_times = await latency(port)
    median, alone = statistics.median(times), statistics.median(alone_times)
    ratio = median / base
    print(f"baseline python -I -S -c 'import asyncio, json': {base * 1000:.1f} ms (median)")
    print(f"hello-world POST /api/run: median {median * 1000:.2f} ms, "
          f"p90 {statistics.quantiles(times, n=10)[-1] * 1000:.2f} ms, "
          f"ratio {ratio:.3f}x (target <= 0.25x) {verdict(ratio <= 0.25)}")
    print(f"  the same run through the Executor alone, interleaved: median {alone * 1000:.2f} ms "
          f"(the web layer adds {(median - alone) * 1000:.2f} ms)")
    rate, failed = await throughput(port)
    print(f"throughput, 8 clients: {rate:.0f} runs/s, {failed} failed "
          f"(target >= 100) {verdict(rate >= 100 and not failed)}")
    print(f"  the same load on the Executor alone, just after: {await throughput_alone():.0f} "
          "runs/s")
    loaded = await under_loops(port)
    print(f"health under 20 infinite loops: p50 {loaded['health_p50_ms']:.1f} ms, "
          f"p99 {loaded['health_p99_ms']:.1f} ms, max {loaded['health_max_ms']:.1f} ms over "
          f"{loaded['health_checks']} checks (target p99 < 100 ms) "
          f"{verdict(loaded['health_p99_ms'] < 100)}")
    print(f"  loops answered {loaded['loop_statuses']} with outcomes {loaded['loop_outcomes']}; "
          f"queued hello-world runs ok: {loaded['hello_ok']}/4 "
          f"(last after {loaded['hello_max_s']:.1f} s) {verdict(loaded['hello_ok'] == 4)}")


def main() -> None:
    proc, port = start_server()
    try:
        print(f"server on 127.0.0.1:{port}, {os.cpu_count()} CPUs")
        asyncio.run(measure(port))
    finally:
        proc.terminate()
        proc.wait(15)
        if proc.stdout is not None:
            proc.stdout.close()


if __name__ == "__main__":
    main()
