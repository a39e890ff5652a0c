"""Learner apps the lab tests share (source text, as a learner would send it)."""

from __future__ import annotations

WSGI_SLEEP = """\
import time

def app(environ, start_response):
    time.sleep(1)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"slept"]
"""

ASGI_RESPOND = """
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""

ASGI_AWAIT = """\
import asyncio

async def app(scope, receive, send):
    await asyncio.sleep(1)
""" + ASGI_RESPOND

ASGI_BLOCKING = """\
import time

async def app(scope, receive, send):
    time.sleep(1)
""" + ASGI_RESPOND

ASGI_TO_THREAD = """\
import asyncio
import time

async def app(scope, receive, send):
    await asyncio.to_thread(time.sleep, 1)
""" + ASGI_RESPOND

THREADS_4 = {"model": "threads", "workers": 1, "threads": 4}
LOOP = {"model": "loop", "workers": 1, "pool": 40}
