"""How fast is an isolated run, straight through the Executor (no HTTP)?

    python tests/benchmarks/bench_isolation_engine.py [--runs 60] [--seconds 5]

Measures, in one go:
- the baseline: a fresh ``python -I -S -c "import asyncio, json"`` subprocess,
  what a spawn-per-run sandbox pays before it runs anything;
- the median latency of a hello-world WSGI run through ``Executor.run``
  (target: at most 0.25x the baseline);
- throughput with 8 concurrent clients (target: at least 100 runs/s);
- where a run's time goes: from the job's hand-over to the engine's start (the
  walls of a prepared child are already up: ``prepare_ms`` says how long they took
  before the job came), the CPU of the run's processes, the zygote's size, and the
  CPU time the zygote, its children (the runs) and the Executor spent per run.

``--child tests.sandbox.isolation.zygote_children:fixed`` swaps the real child for
one that answers at once: the zygote's and the Executor's own cost per run.
Exit status 0 when both targets are met.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from sandbox.isolation.link import DEFAULT_CHILD

HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello, world!"]
"""
SCENARIO: dict[str, Any] = {"requests": [{"method": "GET", "path": "/"}]}
CLIENTS = 8


def baseline_ms(count: int) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-c", "import asyncio, json"], check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def cpu_times(zygote: int | None) -> list[float]:
    """CPU ms so far of the zygote, of its reaped children (the runs), of this process."""
    if zygote is None:
        return [0.0, 0.0, 0.0]
    with open(f"/proc/{zygote}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    own = os.times()
    return [(int(fields[11]) + int(fields[12])) * 1000 / tick,
            (int(fields[13]) + int(fields[14])) * 1000 / tick,
            (own.user + own.system) * 1000]


def rss_kib(pid: int | None) -> int:
    if pid is None:
        return 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def measure(runs: int, seconds: float, child: str, mode: str) -> dict[str, Any]:
    executor = Executor(Limits.from_env(), child=child, mode=mode)
    await executor.start()
    try:
        for _ in range(5):  # warm up
            await executor.run(HELLO, SCENARIO)
        latencies, setup, prepare, cpu = [], [], [], []
        spent = cpu_times(executor.zygote_pid)
        for _ in range(runs):
            started = time.perf_counter()
            trace = await executor.run(HELLO, SCENARIO)
            latencies.append((time.perf_counter() - started) * 1000)
            assert trace["outcome"] == "ok", trace["error"]
            setup.append(float(trace.get("isolation", {}).get("setup_ms", 0.0)))
            prepare.append(float(trace.get("isolation", {}).get("prepare_ms", 0.0)))
            cpu.append(float(trace["engine"]["sandbox"]["cpu_ms"]))
        await asyncio.sleep(0.2)  # the last run's processes are reaped
        now = cpu_times(executor.zygote_pid)
        per_run = [(b - a) / runs for a, b in zip(spent, now, strict=True)]

        done = 0
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                trace = await executor.run(HELLO, SCENARIO)
                assert trace["outcome"] == "ok", trace["error"]
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
        lag_p99, hello_s, outcomes = await under_loops(executor)
        return {
            "lag_p99_ms": lag_p99,
            "hello_behind_loops_s": hello_s,
            "loop_outcomes": outcomes,
            "mode": executor.mode,
            "median_ms": statistics.median(latencies),
            "p90_ms": sorted(latencies)[int(len(latencies) * 0.9) - 1],
            "setup_ms": statistics.median(setup),
            "prepare_ms": statistics.median(prepare),
            "cpu_per_run": per_run,
            "cpu_ms": statistics.median(cpu),
            "throughput": done / elapsed,
            "slots": executor.stats()["slots"],
            "zygote_rss_kib": rss_kib(executor.zygote_pid),
        }
    finally:
        await executor.close()


async def under_loops(executor: Executor) -> tuple[float, float, dict[str, int]]:
    """20 infinite loops at once, then a hello world: how late does the event loop wake
    (what a health check would wait), and does the queued hello world still complete?"""
    lags: list[float] = []
    stop = False

    async def ticker() -> None:
        while not stop:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1000)

    tick = asyncio.ensure_future(ticker())
    loops = [asyncio.ensure_future(executor.run("while True:\n    pass\n", SCENARIO))
             for _ in range(20)]
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    hello = await executor.run(HELLO, SCENARIO)
    hello_s = time.perf_counter() - started
    assert hello["outcome"] == "ok", hello["error"]
    done = await asyncio.gather(*loops, return_exceptions=True)
    stop = True
    await tick
    outcomes: dict[str, int] = {}
    for trace in done:
        key = trace["outcome"] if isinstance(trace, dict) else type(trace).__name__
        outcomes[key] = outcomes.get(key, 0) + 1
    return sorted(lags)[int(len(lags) * 0.99) - 1], hello_s, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=60, help="sequential runs for the median")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the throughput test")
    parser.add_argument("--baseline-runs", type=int, default=20)
    parser.add_argument("--child", default=DEFAULT_CHILD, help="module:function run in the child")
    parser.add_argument("--mode", default="auto", choices=("auto", "forkserver", "spawn"))
    args = parser.parse_args()

    base = baseline_ms(args.baseline_runs)
    result = asyncio.run(measure(args.runs, args.seconds, args.child, args.mode))
    ratio = result["median_ms"] / base
    latency_ok = ratio <= 0.25
    throughput_ok = result["throughput"] >= 100
    print(f"baseline python -I -S -c 'import asyncio, json': {base:7.1f} ms (median)")
    print(f"mode: {result['mode']}, slots: {result['slots']}, "
          f"zygote RSS: {result['zygote_rss_kib'] / 1024:.1f} MiB")
    print(f"hello world through Executor.run: {result['median_ms']:7.2f} ms median, "
          f"p90 {result['p90_ms']:.2f} ms")
    print(f"  in the child: job handed over to engine start {result['setup_ms']:.2f} ms "
          f"(its walls went up before the job came, in {result['prepare_ms']:.2f} ms), "
          f"CPU of the learner process {result['cpu_ms']:.2f} ms")
    zygote_ms, children_ms, executor_ms = result["cpu_per_run"]
    print(f"  CPU per sequential run: zygote {zygote_ms:.2f} ms, its children (walls, "
          f"engine, exits) {children_ms:.2f} ms, Executor {executor_ms:.2f} ms")
    print(f"  ratio to baseline: {ratio:.3f} (target <= 0.25) "
          f"{'PASS' if latency_ok else 'FAIL'}")
    print(f"throughput, {CLIENTS} concurrent clients: {result['throughput']:7.1f} runs/s "
          f"(target >= 100) {'PASS' if throughput_ok else 'FAIL'}")
    print(f"20 infinite loops at once: event-loop lag p99 {result['lag_p99_ms']:.1f} ms; "
          f"a hello world queued behind them took {result['hello_behind_loops_s']:.1f} s; "
          f"loops ended as {result['loop_outcomes']}")
    return 0 if latency_ok and throughput_ok else 1


if __name__ == "__main__":
    sys.exit(main())
