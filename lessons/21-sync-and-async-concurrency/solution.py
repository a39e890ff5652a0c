import asyncio
import time

timeline = []


def count_rows(table):
    """A blocking library call, e.g. a synchronous database driver. Do not change it."""
    timeline.append(f"{table} start")
    time.sleep(0.2)
    timeline.append(f"{table} end")
    return {"users": 3, "orders": 5}[table]


async def count(table):
    return await asyncio.to_thread(count_rows, table)   # in a worker thread


async def app(scope, receive, send):
    timeline.clear()
    users, orders = await asyncio.gather(count("users"), count("orders"))
    # Did the second count start before the first one ended?
    overlapped = timeline.index("orders start") < timeline.index("users end")
    text = f"users={users} orders={orders} overlapped={'yes' if overlapped else 'no'}"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
