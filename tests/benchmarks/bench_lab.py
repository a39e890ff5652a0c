"""How fast is a concurrency lab, through the real Executor (isolation included)?

    python tests/benchmarks/bench_lab.py [--runs 20]

Scenarios (issue 6, Performance): 100 requests that each sleep 1 s, on a WSGI
server of 1 worker x 4 threads and on one ASGI event loop. Each must finish in
under 0.5 s of real time including isolation, and its simulated makespan must
match the model's arithmetic (25 s, about 1 s). For scale, the baseline is a
hello-world ``Executor.run`` measured in the same run: the ratio says how many
plain runs one lab costs. Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor

HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello, world!"]
"""
WSGI_SLEEP = """
import time

def app(environ, start_response):
    time.sleep(1)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"slept"]
"""
ASGI_AWAIT = """
import asyncio

async def app(scope, receive, send):
    await asyncio.sleep(1)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""
SCENARIOS: list[tuple[str, str, dict[str, Any], float]] = [
    ("threads W=1 T=4, 100 x time.sleep(1)", WSGI_SLEEP,
     {"requests": 100, "server": {"model": "threads", "workers": 1, "threads": 4}}, 25000.0),
    ("one loop, 100 x await asyncio.sleep(1)", ASGI_AWAIT,
     {"requests": 100, "server": {"model": "loop", "workers": 1, "pool": 40}}, 1000.0),
]
TARGET_S = 0.5


async def timed(work: Any) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    result = await work
    return (time.perf_counter() - started) * 1000, result


async def measure(runs: int) -> int:
    executor = Executor(Limits.from_env())
    await executor.start()
    failures = 0
    try:
        for _ in range(3):  # warm up: the zygote's prepared children
            await executor.run(HELLO, {"path": "/"})
        base = []
        for _ in range(runs):
            ms, trace = await timed(executor.run(HELLO, {"path": "/"}))
            assert trace["outcome"] == "ok", trace["error"]
            base.append(ms)
        baseline = statistics.median(base)
        print(f"mode {executor.mode}; baseline hello world through Executor.run: "
              f"{baseline:.1f} ms median of {runs}")
        for name, code, options, expected in SCENARIOS:
            real, inside = [], []
            makespans = set()
            for _ in range(runs):
                ms, result = await timed(executor.lab(code, options))
                assert result["outcome"] == "ok", result["error"]
                real.append(ms)
                inside.append(float(result["real_ms"]))
                makespans.add(result["makespan_ms"])
            median, worst = statistics.median(real), max(real)
            ok = worst < TARGET_S * 1000 and makespans == {expected}
            failures += not ok
            print(f"{name}:\n  real {median:.1f} ms median, {worst:.1f} ms worst "
                  f"(lab inside the child {statistics.median(inside):.1f} ms); "
                  f"ratio to baseline {median / baseline:.2f}\n"
                  f"  simulated makespan {sorted(makespans)} ms (expected {expected:g}); "
                  f"target < {TARGET_S * 1000:.0f} ms real: {'PASS' if ok else 'FAIL'}")
    finally:
        await executor.close()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each scenario")
    args = parser.parse_args()
    return 1 if asyncio.run(measure(args.runs)) else 0


if __name__ == "__main__":
    sys.exit(main())
