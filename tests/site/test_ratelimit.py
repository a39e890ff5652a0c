"""Per-client token buckets for the run API in hosted mode."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wsgi_asgi_tour.ratelimit import RateLimiter, RateLimitMiddleware, client_key

from tests.site.conftest import AUTH, JSON, ORIGIN, TestClient, client_for, make_settings, run_body


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_may_spend_its_burst_then_waits_for_the_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(rate_per_s=2.0, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 0.25
    assert limiter.take("a") == pytest.approx(0.25)  # a refused request spends nothing
    clock.now += 0.25
    assert limiter.take("a") == 0.0


def test_clients_have_separate_buckets_and_idle_ones_refill_to_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(rate_per_s=1.0, burst=1, clock=clock)
    assert limiter.take("a") == 0.0
    assert limiter.take("b") == 0.0
    assert limiter.take("a") > 0
    clock.now += 3600
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(1.0)  # never more than the burst saved


def test_memory_is_bounded_by_forgetting_the_least_recent_client() -> None:
    limiter = RateLimiter(rate_per_s=1.0, burst=1, clock=Clock(), max_clients=3)
    for key in "abcd":
        limiter.take(key)
    assert list(limiter.buckets) == ["b", "c", "d"]
    limiter.take("b")
    limiter.take("e")
    assert list(limiter.buckets) == ["d", "b", "e"]


@pytest.mark.parametrize(("client", "key"), [
    (("192.0.2.7", 5000), "192.0.2.7"),
    (("2001:db8:1:2:3:4:5:6", 5000), "2001:db8:1:2::/64"),
    (("2001:db8:1:2:ffff::9", 5000), "2001:db8:1:2::/64"),
    (("::ffff:192.0.2.7", 5000), "192.0.2.7"),
    (("unix-socket-peer", 0), "unix-socket-peer"),
    (None, "unknown"),
])
def test_client_key(client: tuple[str, int] | None, key: str) -> None:
    assert client_key({"type": "http", "client": client}) == key


async def ok(request: Request) -> Response:
    return PlainTextResponse("ran")


@pytest.fixture
def limited() -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    app = Starlette(routes=[Route("/api/run", ok, methods=["POST"]), Route("/", ok)])
    wrapped = RateLimitMiddleware(app, rate_per_s=0.5, burst=2, clock=clock)
    yield TestClient(wrapped, base_url=ORIGIN), clock


def test_middleware_answers_429_with_retry_after(limited: tuple[TestClient, Clock]) -> None:
    client, clock = limited
    assert [client.post("/api/run").status_code for _ in range(2)] == [200, 200]
    refused = client.post("/api/run")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["error"]["code"] == "rate_limited"
    clock.now += 2
    assert client.post("/api/run").status_code == 200


def test_only_runs_are_limited(limited: tuple[TestClient, Clock]) -> None:
    client, _ = limited
    for _ in range(3):
        client.post("/api/run")
    assert all(client.get("/").status_code == 200 for _ in range(20))


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    clock = Clock()
    app = Starlette(routes=[Route("/api/run", ok, methods=["POST"])])
    client = TestClient(RateLimitMiddleware(app, rate_per_s=10, burst=1, clock=clock),
                        base_url=ORIGIN)
    client.post("/api/run")
    assert client.post("/api/run").headers["retry-after"] == "1"


def test_local_mode_has_no_rate_limit() -> None:
    with client_for(make_settings(rate_burst=1, rate_per_s=0.001)) as client:
        app = client.app
        assert isinstance(app, Starlette)
        assert not any(m.cls is RateLimitMiddleware for m in app.user_middleware)
        codes = [client.post("/api/run", json=run_body(), headers=AUTH).status_code
                 for _ in range(3)]
    assert codes == [200, 200, 200]


def test_hosted_app_limits_real_runs() -> None:
    settings = make_settings(hosted=True, rate_burst=2, rate_per_s=0.01)
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(client_for(settings))
        except RuntimeError as exc:  # hosted mode refuses to start without strong isolation
            pytest.skip(f"hosted mode unavailable on this machine: {exc}")
        codes = [client.post("/api/run", json=run_body(), headers=JSON).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/api/health").status_code == 200
