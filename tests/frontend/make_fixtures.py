"""Regenerate the real traces the diagram tests draw: ``python tests/frontend/make_fixtures.py``.

Each fixture is what ``sandbox.run`` returns for a small app and scenario, so the
front-end is tested against the engine's actual output, not a hand-written guess.
"""

from __future__ import annotations

import json
from pathlib import Path

import sandbox

HERE = Path(__file__).parent / "fixtures"

WSGI_HELLO = '''\
def app(environ, start_response):
    name = environ.get("QUERY_STRING", "") or "world"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello, ", name.encode()]
'''

ASGI_BROKEN = '''\
async def app(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [("content-type", "text/plain")]})
    await send({"type": "http.response.body", "body": "Hello"})
'''

ASGI_WARNINGS = '''\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")], "status_code": 200})
    await send({"type": "http.response.body", "body": b"Hello"})
    return "done"
'''

WEBSOCKET = '''\
async def app(scope, receive, send):
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message["text"].upper()})
        else:
            break
'''

LIFESPAN = '''\
counter = {"hits": 0}

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    counter["hits"] += 1
    body = f"visit {counter['hits']}".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
'''

WSGI_ERROR = '''\
def app(environ, start_response):
    print("handling", environ["PATH_INFO"])
    total = 1 / 0
    start_response("200 OK", [])
    return [str(total).encode()]
'''

CASES = {
    "wsgi_ok": (WSGI_HELLO, {"method": "GET", "path": "/hello?Ada"}),
    "asgi_violations": (ASGI_BROKEN, {"method": "POST", "path": "/echo", "body": "hi"}),
    "asgi_warnings": (ASGI_WARNINGS, {"path": "/"}),
    "websocket": (WEBSOCKET, {"type": "websocket", "path": "/ws",
                              "actions": [{"send": "hello"}, {"receive": True},
                                          {"close": 1000, "reason": "bye"}]}),
    "lifespan_two_requests": (LIFESPAN, {"requests": [{"path": "/count"}, {"path": "/count"}],
                                         "lifespan": True}),
    "wsgi_error": (WSGI_ERROR, {"path": "/boom"}),
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, (code, scenario) in CASES.items():
        trace = sandbox.run(code, scenario)
        trace["duration_ms"] = 1.0  # stable files: timing varies per run
        payload = {"code": code, "scenario": scenario, "trace": trace}
        text = json.dumps(payload, indent=1, allow_nan=False)
        (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(name, trace["outcome"], len(trace["events"]), "events",
              len(trace["violations"]), "violations")


if __name__ == "__main__":
    main()
