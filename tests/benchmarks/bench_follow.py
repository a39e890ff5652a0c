"""Benchmark follow mode: ``python tests/benchmarks/bench_follow.py [--quick]``.

The real app (``create_app``, real Executor, security middleware) runs in a process
of its own on the same uvicorn config as ``serve`` (``ws_max_size`` 1 MiB, no
permessage-deflate; ``--deflate`` turns it on to show what it costs). This process
opens a room, makes real runs through ``POST /api/run`` (a typical lesson trace, and
a large one of a few hundred KiB), connects N followers and the teacher, and for
each of R rounds measures the time from the teacher's ``send`` of the run to the
moment the N-th follower has received the whole message. The baseline is the same
with one follower, measured in the same invocation, interleaved round by round so
both see the same machine.

Target (issue 6): a run reaches 50 connected followers within 200 ms (p95 printed too).
Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bench-follow-token"
TYPICAL = ROOT / "lessons" / "15-streaming-and-sse" / "example_sse.py"
# A large but legal run: a streamed body of many chunks, each a trace event.
LARGE = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return (b"chunk %d of the stream, padded to look like real data....\\n" % i
            for i in range(1200))
"""


def serve(port: int, deflate: bool = False) -> None:
    import uvicorn
    from wsgi_asgi_tour.app import create_app
    from wsgi_asgi_tour.settings import Settings

    app = create_app(Settings(token=TOKEN, port=port))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on", server_header=False,
                            timeout_graceful_shutdown=3, ws_max_size=1024 * 1024,
                            ws_per_message_deflate=deflate)
    uvicorn.Server(config).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(deflate: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port),
                             *(["--deflate"] if deflate else [])], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            if proc.poll() is not None:
                break
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the site did not start")


def headers(port: int) -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}", "origin": f"http://127.0.0.1:{port}"}


def real_run(port: int, code: str) -> str:
    """The message a teacher's page publishes after this run: JSON text, as sent."""
    scenario = {"path": "/"}
    answer = httpx.post(f"http://127.0.0.1:{port}/api/run", headers=headers(port), timeout=60,
                        json={"code": code, "scenario": scenario})
    answer.raise_for_status()
    trace = answer.json()
    assert trace["outcome"] == "ok", trace.get("error")
    return json.dumps({"type": "run", "code": code, "scenario": scenario,
                       "interface": trace["interface"], "trace": trace,
                       "lesson": "/playground"})


async def open_room(port: int) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"http://127.0.0.1:{port}/api/rooms", json={},
                                   headers=headers(port))
    answer.raise_for_status()
    room: dict[str, Any] = answer.json()
    return room


async def followers(port: int, room: dict[str, Any], n: int) -> list[ClientConnection]:
    url = f"ws://127.0.0.1:{port}{room['ws_path']}"
    made = [await connect(url, max_size=2**20) for _ in range(n)]
    for ws in made:
        assert json.loads(await ws.recv())["type"] == "hello"
    return made


async def teacher(port: int, room: dict[str, Any], n: int) -> ClientConnection:
    ws = await connect(f"ws://127.0.0.1:{port}{room['ws_path']}?as=teacher", max_size=2**20)
    assert json.loads(await ws.recv())["type"] == "hello"
    await ws.send(json.dumps({"type": "auth", "secret": room["secret"]}))
    ready = json.loads(await ws.recv())
    assert ready["type"] == "ready" and ready["followers"] == n, ready
    return ws


async def one_round(author: ClientConnection, readers: list[ClientConnection],
                    message: str) -> float:
    """Seconds from the teacher's send to the last follower holding the whole run."""
    async def read(ws: ClientConnection) -> float:
        await ws.recv(decode=False)  # bytes as received: no JSON parsing on our side
        return time.perf_counter()

    waiting = [asyncio.create_task(read(ws)) for ws in readers]
    await asyncio.sleep(0)  # every reader is waiting before the clock starts
    started = time.perf_counter()
    await author.send(message)
    done = await asyncio.gather(*waiting)
    return max(done) - started


async def bench(port: int, message: str, n: int, rounds: int) -> dict[str, list[float]]:
    rooms = {count: await open_room(port) for count in (1, n)}
    readers = {count: await followers(port, rooms[count], count) for count in (1, n)}
    authors = {count: await teacher(port, rooms[count], count) for count in (1, n)}
    times: dict[str, list[float]] = {"1": [], str(n): []}
    for _ in range(3):  # warm-up: first sends set up compression contexts
        for count in (1, n):
            await one_round(authors[count], readers[count], message)
    for _ in range(rounds):
        for count in (1, n):
            times[str(count)].append(await one_round(authors[count], readers[count], message))
            await asyncio.sleep(0.05)
    for ws in [*readers[1], *readers[n], *authors.values()]:
        await ws.close()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def report(name: str, size: int, times: dict[str, list[float]], n: int) -> float:
    one, many = times["1"], times[str(n)]
    med1, med = statistics.median(one) * 1000, statistics.median(many) * 1000
    print(f"{name} run ({size / 1024:.1f} KiB as sent):")
    print(f"  1 follower:   median {med1:6.1f} ms, p95 {p95(one) * 1000:6.1f} ms")
    print(f"  {n} followers: median {med:6.1f} ms, p95 {p95(many) * 1000:6.1f} ms, "
          f"max {max(many) * 1000:6.1f} ms  ({med / med1:.1f}x the 1-follower median; "
          "target: p95 within 200 ms)")
    return p95(many) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--deflate", action="store_true",
                        help="with permessage-deflate (uvicorn's default; serve turns it off)")
    parser.add_argument("--quick", action="store_true", help="10 rounds instead of 30")
    parser.add_argument("--followers", type=int, default=50)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, deflate=args.deflate)
        return
    rounds = 10 if args.quick else 30
    proc, port = start(args.deflate)
    try:
        worst = 0.0
        for name, code in (("typical", TYPICAL.read_text()), ("large", LARGE)):
            message = real_run(port, code)
            times = asyncio.run(bench(port, message, args.followers, rounds))
            worst = max(worst, report(name, len(message.encode()), times, args.followers))
        # The followers are all read by this one Python process, so a busy machine slows
        # the readers as much as the server: the load average says how busy it was.
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{'PASS' if worst <= 200 else 'FAIL'}: worst p95 {worst:.1f} ms "
              f"for {args.followers} followers, {rounds} rounds each "
              f"(load average {load} on {os.cpu_count()} CPUs)")
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
