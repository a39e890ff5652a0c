"""The service the hostile-code tests run against: a real Executor (zygote + walls).

Test modules import ``service`` and ``stays_healthy`` from here: after each
test no process may be left in the run's uids, and the same zygote must still
answer a hello-world run. A canary secret sits in this process's memory and
environment (the server side) for the tests that look for it from inside a run.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from tests.sandbox.isolation.child_harness import (
    GET,
    HELLO_ASGI,
    asgi_app_running,
    descendants,
    describe,
    leftovers,
    prepared_pids,
)

# Own uids, so that another suite's runs are not counted as this one's leftovers.
LIMITS = replace(Limits(), slots=2, base_uid=62000)
# A canary secret in this (server-side) process's memory and environment.
CANARY_PREFIX = "wat-canary-"
CANARY = CANARY_PREFIX + secrets.token_hex(16)
os.environ["WSGI_ASGI_TOUR_TEST_CANARY"] = CANARY


class Service:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.executor = Executor(LIMITS, mode="forkserver")
        self.loop.run_until_complete(self.executor.start())
        self.zygote = self.executor.zygote_pid

    def run(self, code: str, scenario: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.loop.run_until_complete(self.executor.run(code, scenario or GET))

    def run_many(self, *codes: str) -> list[dict[str, Any]]:
        async def many() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(self.executor.run(c, GET) for c in codes)))

        return self.loop.run_until_complete(many())

    def has(self, *walls: str) -> bool:
        caps = self.executor.capabilities
        return all(caps.get(w, {}).get("active") for w in walls)

    def need(self, *walls: str) -> None:
        caps = self.executor.capabilities
        missing = [f"{w} ({caps.get(w, {}).get('detail', 'not measured')})" for w in walls
                   if not caps.get(w, {}).get("active")]
        if missing:
            pytest.skip("needs root and Linux namespaces; missing here: " + ", ".join(missing))

    def waiting(self) -> set[int]:
        """Every process of the zygote's prepared children (waiting for a job)."""
        status = self.loop.run_until_complete(self.executor.status())
        return descendants(prepared_pids(status))

    def close(self) -> None:
        self.loop.run_until_complete(self.executor.close())
        self.loop.close()


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    svc = Service()
    yield svc
    svc.close()


@pytest.fixture(autouse=True)
def stays_healthy(service: Service) -> Iterator[None]:
    yield
    left = leftovers(LIMITS, waiting=service.waiting)
    assert left == [], f"a process of the run survived it: {describe(left)}"
    trace = service.run(HELLO_ASGI)
    assert trace["outcome"] == "ok", trace["error"]
    assert service.executor.zygote_pid == service.zygote, "the zygote had to be restarted"
    assert service.executor.restarts == 0


def stdout_json(trace: dict[str, Any]) -> Any:
    assert trace["outcome"] == "ok", (trace["outcome"], trace["error"])
    return json.loads(trace["stdout"])



ATTEMPTS = """
import json, os, socket
results = {}
for item in ITEMS:
    for name, action in ACTIONS:
        try:
            outcome = action(item)
            results[f"{item} {name}"] = "ok" if outcome is None else outcome
        except OSError as exc:
            results[f"{item} {name}"] = type(exc).__name__
print(json.dumps(results))
"""


def attempts(items: list[str], actions: str) -> str:
    """Learner code trying each action on each item; prints {"item action": "ok" | error}."""
    return asgi_app_running(
        ATTEMPTS.replace("ITEMS", repr(items)).replace("ACTIONS", actions))


