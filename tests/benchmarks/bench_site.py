"""Benchmark the site's pages: ``python tests/benchmarks/bench_site.py [--quick]``.

1. Throughput: ``GET /lessons/first-wsgi-app`` on the real app (``create_app``, real
   Executor, security middleware) against a raw ASGI hello-world, each in a process
   of its own on the same uvicorn config as ``serve``; the load comes from a third
   process (N keep-alive connections over raw sockets, 127.0.0.1 only, bounded in
   time). Rounds alternate site / hello so both see the same machine.
   Target: the lesson page at least 0.5x the hello-world's requests per second.
2. Weight: the lesson page and everything it loads (stylesheets, scripts, and every
   ES module they import, followed transitively), fetched with
   ``Accept-Encoding: gzip``; bytes as sent. Target: under 300 KB. Chromium's own
   network log (the Content-Length of every response it loaded) is printed beside it.
3. Time to interactive in Chromium on localhost: from navigation start to the
   moment the exercise's editor is mounted and its Run button enabled (recorded by
   a MutationObserver with ``performance.now()``), cold (fresh profile) and warm
   (reload; fingerprinted files come from the cache). Target: under 1 s.

Not collected by pytest (no ``test_`` prefix). Needs Debian's chromium for part 3.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bench-site-token"
LESSON = "/lessons/first-wsgi-app"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
# The moment a learner can use the page: the editor is in its shadow root and Run works.
INTERACTIVE = """
new MutationObserver((_, observer) => {
  const run = document.querySelector('#exercise-bench .btn-primary');
  const host = document.querySelector('#exercise-bench .editor-host');
  if (run && !run.disabled && host && host.shadowRoot
      && host.shadowRoot.querySelector('.cm-content')) {
    window.__interactive = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


# -- the servers: one process each, the same uvicorn config as `serve` ------------------------

async def hello_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The baseline: the least an ASGI app can do for a GET."""
    if scope["type"] == "lifespan":
        while True:
            if (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"13")]})
    await send({"type": "http.response.body", "body": b"Hello, world!"})


def serve(which: str, port: int) -> None:
    import uvicorn

    if which == "site":
        from wsgi_asgi_tour.app import create_app
        from wsgi_asgi_tour.settings import Settings

        app: Any = create_app(Settings(token=TOKEN, port=port))
    else:
        app = hello_app
    # As site/server.py configures it (access log off in local mode, no server header).
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on", server_header=False,
                            timeout_graceful_shutdown=3)
    uvicorn.Server(config).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(which: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", which, str(port)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the {which} server did not start")


# -- the load generator (its own process) ------------------------------------------------------

async def load(port: int, path: str, conns: int, seconds: float) -> dict[str, Any]:
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               "Accept-Encoding: gzip\r\n\r\n").encode()
    done, failed, sizes = [0], [0], set()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
                await reader.readexactly(length)
                if head.startswith(b"HTTP/1.1 200 "):
                    done[0] += 1
                    sizes.add(length)
                else:
                    failed[0] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(conns)))
    elapsed = time.perf_counter() - started
    return {"rps": done[0] / elapsed, "failed": failed[0], "sizes": sorted(sizes)}


def measure(port: int, path: str, conns: int, seconds: float) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--load", str(port), path, str(conns), str(seconds)],
        check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def throughput(site: int, hello: int, rounds: int, conns: int, seconds: float) -> float:
    measure(site, LESSON, conns, 1.0)  # warm up both
    measure(hello, "/", conns, 1.0)
    site_rps: list[float] = []
    hello_rps: list[float] = []
    for n in range(rounds):
        s = measure(site, LESSON, conns, seconds)
        h = measure(hello, "/", conns, seconds)
        assert s["failed"] == 0 and h["failed"] == 0, (s, h)
        site_rps.append(s["rps"])
        hello_rps.append(h["rps"])
        print(f"  round {n + 1}: lesson page {s['rps']:7.0f} req/s ({s['sizes'][0]} B gzipped)"
              f" | hello {h['rps']:7.0f} req/s | {s['rps'] / h['rps']:.2f}x")
    # Each round's pair ran back to back on the same machine state: the median of the
    # paired ratios is steadier than a ratio of medians when other work comes and goes.
    ratio = float(statistics.median(
        page / base for page, base in zip(site_rps, hello_rps, strict=True)))
    print(f"  median: lesson page {statistics.median(site_rps):.0f} req/s, hello "
          f"{statistics.median(hello_rps):.0f} req/s; ratio {ratio:.2f}x (median of rounds; "
          "target >= 0.5x)")
    return ratio


# -- page weight: everything the page loads, as sent -------------------------------------------

# `import x from "./a.js"`, `import "./a.js"`, `export ... from "./a.js"`, `import("./a.js")`.
IMPORT = re.compile(
    rb"""(?:\b(?:import|export)\s*(?:[\w*{}\s,$]+\bfrom\s*)?|\bimport\s*\()\s*["']([^"']+)["']""")
LINKED = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)="(/static/[^"]+)\"""")


def weight(port: int) -> int:
    import httpx

    base = f"http://127.0.0.1:{port}"
    sizes: dict[str, int] = {}
    with httpx.Client(base_url=base) as client:
        def fetch(url: str) -> bytes:
            # The raw stream: the bytes as sent, before httpx would undo the gzip.
            with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as r:
                assert r.status_code == 200, url
                raw = b"".join(r.iter_raw())
                packed = r.headers.get("content-encoding") == "gzip"
            sizes[url] = len(raw)
            return gzip.decompress(raw) if packed else raw

        html = fetch(LESSON).decode()
        todo = LINKED.findall(html)
        while todo:
            url = todo.pop()
            if url in sizes:
                continue
            body = fetch(url)
            if url.endswith(".js"):
                todo += [urljoin(url, m.decode()) for m in IMPORT.findall(body)
                         if m.startswith((b"./", b"../", b"/"))]
    total = sum(sizes.values())
    for url, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {size / 1024:7.1f} KB  {urlsplit(url).path}")
    print(f"  ... {len(sizes)} files; total {total / 1024:.1f} KB compressed (target < 300 KB)")
    return total


# -- time to interactive in Chromium -----------------------------------------------------------

def sent(request: Any) -> int:
    """Body bytes as sent, from Content-Length (playwright's sizes() can be negative)."""
    response = request.response()
    return int(response.headers.get("content-length", 0)) if response else 0


def interactive(port: int, loads: int) -> float:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    cold: list[float] = []
    warm: list[float] = []
    wire: list[int] = []
    finished: list[Any] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(INTERACTIVE)
                page = context.new_page()
                page.goto(f"{base}/?token={TOKEN}")  # the printed URL: sets the cookie
                page.on("requestfinished", lambda r: finished.append(r))
                for bucket in (cold, warm):
                    finished.clear()
                    page.goto(base + LESSON)
                    page.wait_for_function("() => window.__interactive !== undefined")
                    bucket.append(page.evaluate("window.__interactive"))
                    if bucket is cold:
                        page.wait_for_load_state("networkidle")
                        wire.append(sum(sent(r) for r in finished))
                context.close()
        finally:
            browser.close()
    print(f"  cold (empty cache): median {statistics.median(cold):.0f} ms, "
          f"max {max(cold):.0f} ms over {loads} loads")
    print(f"  warm (cached files): median {statistics.median(warm):.0f} ms, "
          f"max {max(warm):.0f} ms (target < 1000 ms)")
    print(f"  Chromium loaded {statistics.median(wire) / 1024:.1f} KB of bodies on a cold load")
    return float(max(cold))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter rounds")
    parser.add_argument("--conns", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--serve", nargs=2, metavar=("WHICH", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=4, metavar="X", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    if args.load:
        port, path, conns, seconds = args.load
        print(json.dumps(asyncio.run(load(int(port), path, int(conns), float(seconds)))))
        return 0
    rounds, seconds, loads = (2, 2.0, 3) if args.quick else (3, 5.0, 7)
    servers = [start("site"), start("hello")]
    try:
        (_, site), (_, hello) = servers
        print(f"1. Throughput, {args.conns} keep-alive connections, {rounds} x {seconds:.0f} s:")
        ratio = throughput(site, hello, rounds, args.conns, seconds)
        print("2. Everything the lesson page loads, as sent (gzip):")
        total = weight(site)
        print("3. Time to interactive in Chromium (navigation start -> editor + Run ready):")
        worst = interactive(site, loads)
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(15)
    ok = ratio >= 0.5 and total < 300 * 1024 and worst < 1000
    print(f"Summary: throughput ratio {ratio:.2f}x, weight {total / 1024:.1f} KB, "
          f"interactive {worst:.0f} ms (worst cold) -> {'all targets met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
