"""Per-client token buckets for the run API in hosted mode: 429 and Retry-After.

Each client earns ``rate_per_s`` runs per second up to ``burst`` saved ones;
a run spends one. The pool's own queue bounds the whole machine; this bounds
one student, so a script hammering Run cannot fill the queue for the class.

A client is its IP address, and an IPv6 client its /64 (one host gets a
whole /64 and could otherwise pick a new address per request). A class behind
one NAT address shares a bucket: raise ``WSGI_ASGI_TOUR_RATE_BURST`` and
``WSGI_ASGI_TOUR_RATE_PER_S`` for it. Behind a reverse proxy, uvicorn's
``--forwarded-allow-ips`` makes ``scope["client"]`` the real client.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Receive, Scope, Send
from wsgi_asgi_tour.errors import error

MAX_CLIENTS = 10_000  # buckets kept; beyond it the least recently seen are forgotten


class RateLimiter:
    def __init__(
        self,
        rate_per_s: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = rate_per_s
        self.burst = float(burst)
        self.clock = clock
        self.max_clients = max_clients
        # key -> (tokens, when they were counted). Insertion order is recency order.
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Spend one token for ``key``: 0.0 if there was one, else seconds until there is."""
        now = self.clock()
        tokens, then = self.buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self.buckets[key] = (tokens, now)
        while len(self.buckets) > self.max_clients:
            # Forgetting a client gives it a full bucket again: acceptable, and it keeps
            # memory bounded when many addresses each make one request.
            del self.buckets[next(iter(self.buckets))]
        return wait


def client_key(scope: Scope) -> str:
    client = scope.get("client")
    host = client[0] if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        rate_per_s: float,
        burst: int,
        paths: Collection[str] = ("/api/run",),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.limiter = RateLimiter(rate_per_s, burst, clock=clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths and scope["method"] == "POST":
            wait = self.limiter.take(client_key(scope))
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                response = error(
                    429, "rate_limited",
                    f"You are running code faster than this server allows; try again in "
                    f"{seconds} s.",
                    headers={"retry-after": str(seconds)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
