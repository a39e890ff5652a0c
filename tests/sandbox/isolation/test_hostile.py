"""Hostile learner code through the real Executor (zygote + walls), issue item 6:
time, CPU, memory, processes, output, exits, floods, imports, odd output.

Each test asserts the outcome; the autouse ``stays_healthy`` fixture checks
that no process of the run survives and that the service still answers. Tests
that need root and namespaces skip with the reason where they are unavailable.
Escapes (files, network, other processes, secrets) are in test_hostile_escapes.py.
"""

from __future__ import annotations

import json
import sys
import time

import pytest

from tests.sandbox.isolation.child_harness import HELLO_ASGI, asgi_app_running
from tests.sandbox.isolation.hostile_service import (
    LIMITS,
    Service,
    service,
    stays_healthy,
    stdout_json,
)

__all__ = ["service", "stays_healthy"]  # fixtures, used by name

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the isolated executor needs Linux"
)


# -- time and CPU ---------------------------------------------------------------------------

def test_infinite_loop(service: Service) -> None:
    trace = service.run(asgi_app_running("while True:\n    pass"))
    assert trace["outcome"] == "cpu_limit"


def test_loop_ignoring_sigxcpu_and_the_engine_alarm(service: Service) -> None:
    code = "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\n" \
           "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    started = time.monotonic()
    trace = service.run(asgi_app_running(code))
    # SIGKILL at the hard CPU limit (2 s), or the wall-clock kill (3 s), whichever is first.
    assert trace["outcome"] in ("cpu_limit", "timeout"), (trace["outcome"], trace["error"])
    assert time.monotonic() - started < LIMITS.wall_s + 2


def test_sleep(service: Service) -> None:
    assert service.run(asgi_app_running("import time\ntime.sleep(60)"))["outcome"] == "timeout"


def test_sleep_that_ignores_the_engine_alarm_meets_the_wall_clock(service: Service) -> None:
    code = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(60)"
    assert service.run(asgi_app_running(code))["outcome"] == "timeout"


def test_asyncio_hang(service: Service) -> None:
    code = """
import asyncio
async def app(scope, receive, send):
    await asyncio.Event().wait()
"""
    assert service.run(code)["outcome"] == "timeout"


# -- memory, processes, threads, output ------------------------------------------------------

@pytest.mark.parametrize("bomb", [
    "b = bytearray(4 * 1024 ** 3)",
    "hoard = []\nwhile True:\n    hoard.append(bytearray(1024 * 1024))",
    "hoard = []\nwhile True:\n    hoard.append(list(range(10000)))",
])
def test_memory_bombs(service: Service, bomb: str) -> None:
    trace = service.run(asgi_app_running(bomb))
    assert trace["outcome"] == "memory_limit", (trace["outcome"], trace["error"])


@pytest.mark.root
def test_fork_bomb(service: Service) -> None:
    service.need("uid_drop", "pidns")  # RLIMIT_NPROC is not enforced for root
    code = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] in ("cpu_limit", "timeout")


@pytest.mark.root
def test_thread_bomb(service: Service) -> None:
    service.need("uid_drop")
    code = "import threading, time\nwhile True:\n" \
           "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "RuntimeError"  # can't start new thread


@pytest.mark.root
def test_grandchild_that_calls_setsid_and_lingers(service: Service) -> None:
    service.need("pidns")
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\n" \
           "    os._exit(0)"
    started = time.monotonic()
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "ok"
    assert time.monotonic() - started < 2  # it did not hold the result pipe open
    # leftovers() (in the fixture) proves the grandchild died with the PID namespace.


def test_output_flood(service: Service) -> None:
    trace = service.run(asgi_app_running("while True:\n    print('flood' * 100)"))
    assert trace["outcome"] == "output_limit"


def test_deep_recursion_is_an_error(service: Service) -> None:
    trace = service.run(asgi_app_running("def f(n):\n    return f(n + 1)\nf(0)"))
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "RecursionError"


def test_deep_recursion_that_crashes_the_interpreter(service: Service) -> None:
    # Recursion in C (the json decoder) with the guard lifted overflows the C stack.
    code = "import json, sys\nsys.setrecursionlimit(10 ** 8)\n" \
           "json.loads('[' * 10 ** 6 + ']' * 10 ** 6)"
    trace = service.run(asgi_app_running(code))
    assert trace["outcome"] == "crashed"
    assert "SIGSEGV" in trace["error"]["message"]



@pytest.mark.parametrize(("code", "outcome"), [
    ("import os\nos._exit(3)", "crashed"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "crashed"),
    ("raise SystemExit(0)", "error"),
    ("raise KeyboardInterrupt", "error"),
])
def test_exits_and_interrupts(service: Service, code: str, outcome: str) -> None:
    assert service.run(asgi_app_running(code))["outcome"] == outcome



# -- protocol floods -------------------------------------------------------------------------

def test_a_million_asgi_messages(service: Service) -> None:
    code = """
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for _ in range(1_000_000):
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
"""
    assert service.run(code)["outcome"] in ("too_many_events", "output_limit")


def test_an_endless_wsgi_iterator(service: Service) -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    while True:
        yield b"x"
"""
    assert service.run(code)["outcome"] in ("too_many_events", "output_limit", "timeout")


# -- imports after the uid drop, odd output ----------------------------------------------------

def test_lazy_imports_after_the_uid_drop(service: Service) -> None:
    code = """
import json, sys
fresh = {name: name not in sys.modules for name in ("encodings.idna", "decimal", "flask")}
import decimal
import flask
result = {"idna": "bücher.example".encode("idna").decode(), "fresh": fresh,
          "decimal": str(decimal.Decimal("1.10") + decimal.Decimal("2.20")),
          "flask": flask.Flask.__name__}
print(json.dumps(result))
"""
    result = stdout_json(service.run(asgi_app_running(code)))
    assert result["idna"] == "xn--bcher-kva.example"
    assert result["decimal"] == "3.30"
    assert result["flask"] == "Flask"
    assert result["fresh"]["flask"], "flask was preloaded, so this did not test a lazy import"


def test_script_tags_and_ansi_escapes_come_back_as_data(service: Service) -> None:
    nasty = "<script>alert(1)</script>\x1b[31mred\x1b[0m\x07"
    code = f"""
async def app(scope, receive, send):
    print({nasty!r})
    await send({{"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html")]}})
    await send({{"type": "http.response.body", "body": {nasty.encode()!r}}})
"""
    trace = service.run(code)
    assert trace["outcome"] == "ok"
    assert trace["stdout"] == nasty + "\n"
    assert nasty in json.dumps(trace["response"], ensure_ascii=False) or \
        "PHNjcmlwdD5" in json.dumps(trace["response"])  # as text or as base64 bytes


def test_the_trace_says_which_walls_were_up(service: Service) -> None:
    trace = service.run(HELLO_ASGI)
    walls = trace["isolation"]["walls"]
    assert set(walls) >= {"setsid", "close_fds", "rlimits"}
    if service.has("uid_drop"):
        assert {"netns", "pidns", "mountns", "uid_drop", "seccomp", "no_new_privs"} <= set(walls)

