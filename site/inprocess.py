"""Send one request to an ASGI app in this process, lifespan included: ``serve --get``.

No socket and no HTTP client library: the app's lifespan starts, one
``http`` request goes through the full middleware stack, the lifespan stops.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message


@dataclass
class Answer:
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


async def request(app: ASGIApp, method: str, target: str, host: str) -> Answer:
    """Start the app, send ``method target`` with ``Host: host``, stop the app."""
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()
    state: dict[str, object] = {}
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}

    async def lifespan_main() -> None:
        await app(scope, inbox.get, outbox.put)

    lifespan = asyncio.create_task(lifespan_main())
    try:
        await _lifespan_step(inbox, outbox, lifespan, "startup")
        answer = await _one(app, state, method, target, host)
        await _lifespan_step(inbox, outbox, lifespan, "shutdown")
    finally:
        lifespan.cancel()
        await asyncio.gather(lifespan, return_exceptions=True)
    return answer


async def _lifespan_step(
    inbox: asyncio.Queue[Message], outbox: asyncio.Queue[Message], task: asyncio.Task[None],
    step: str,
) -> None:
    await inbox.put({"type": f"lifespan.{step}"})
    reply = asyncio.ensure_future(outbox.get())
    await asyncio.wait({reply, task}, return_when=asyncio.FIRST_COMPLETED)
    if not reply.done():
        reply.cancel()
        task.result()  # the app raised: let it propagate
        raise RuntimeError(f"the app ended its lifespan without answering {step}")
    message = reply.result()
    if message["type"] == f"lifespan.{step}.failed":
        raise RuntimeError(message.get("message") or f"lifespan {step} failed")


async def _one(app: ASGIApp, state: dict[str, object], method: str, target: str,
               host: str) -> Answer:
    path, _, query = target.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.5"},
        "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode("latin-1", "replace"),
        "query_string": query.encode("latin-1", "replace"), "root_path": "",
        "headers": [(b"host", host.encode("latin-1")), (b"user-agent", b"wsgi-asgi-tour --get")],
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0), "state": dict(state),
    }
    answer = Answer()
    sent_request = False
    complete = asyncio.Event()

    async def receive() -> Message:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await complete.wait()  # like a server: the client "leaves" once it has the answer
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = [(k.decode("latin-1"), v.decode("latin-1"))
                              for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")
            if not message.get("more_body", False):
                complete.set()

    await app(scope, receive, send)
    return answer
