import asyncio
import time

from starlette.concurrency import run_in_threadpool


def count_rows(table):                     # blocking code, e.g. a synchronous database driver
    time.sleep(0.2)
    return {"users": 3, "orders": 5}[table]


async def app(scope, receive, send):
    users, orders = await asyncio.gather(
        run_in_threadpool(count_rows, "users"),   # each call runs in a worker thread
        run_in_threadpool(count_rows, "orders"),
    )
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": f"users={users} orders={orders}".encode()})
