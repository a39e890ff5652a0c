// The concurrency lab's presets: one small app per lesson about serving many requests,
// each with the server model that shows it off. `title` is a key of the page's strings
// (lab.preset_<name>). Lessons link to them as /lab?preset=<name>.
const LOOP = { model: "loop", workers: 1, pool: 40 };
// The ASGI presets that answer "done" end alike.
const REPLY_DONE = `    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"done"})
`;

export const PRESETS = {
  "wsgi-sleep": {
    title: "preset_wsgi_sleep",
    requests: 100,
    every_ms: 0,
    server: { model: "threads", workers: 1, threads: 4 },
    code: `import time


def app(environ, start_response):
    # A slow call (a database query, a request to another
    # service) holds this thread for 1 s. With 1 worker of
    # 4 threads, 4 requests are served at a time.
    time.sleep(1)
    body = b"done"
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(body))),
    ])
    return [body]
`,
  },
  "async-sleep": {
    title: "preset_async_sleep",
    requests: 100,
    every_ms: 0,
    server: LOOP,
    code: `import asyncio


async def app(scope, receive, send):
    assert scope["type"] == "http"
    # await lets the event loop run other requests while this
    # one waits: 100 requests that each wait 1 s are all done
    # after about 1 s.
    await asyncio.sleep(1)
${REPLY_DONE}`,
  },
  "blocking-sleep": {
    title: "preset_blocking_sleep",
    requests: 100,
    every_ms: 0,
    server: LOOP,
    code: `import time


async def app(scope, receive, send):
    assert scope["type"] == "http"
    # Wrong: time.sleep never awaits. It stops the thread the
    # event loop runs in, so no other request makes progress
    # for that second.
    time.sleep(1)
${REPLY_DONE}`,
  },
  "to-thread": {
    title: "preset_to_thread",
    requests: 100,
    every_ms: 0,
    server: LOOP,
    code: `import asyncio
import time


def query_database():
    # A blocking library call you cannot rewrite with await.
    time.sleep(1)
    return b"done"


async def app(scope, receive, send):
    assert scope["type"] == "http"
    # The blocking call runs in a thread of the pool; the loop
    # stays free. Once every thread of the pool is busy, the
    # next calls wait for one.
    body = await asyncio.to_thread(query_database)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
`,
  },
  "cpu-bound": {
    title: "preset_cpu_bound",
    requests: 20,
    every_ms: 0,
    server: { model: "threads", workers: 1, threads: 4 },
    code: `def app(environ, start_response):
    # Pure computation: no sleeping, no waiting. Threads of one
    # process take turns on the GIL, so only more worker
    # processes (more CPUs) serve this faster.
    total = sum(i * i for i in range(100_000))
    body = str(total).encode()
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(body))),
    ])
    return [body]
`,
  },
};
