import asyncio
import time

timeline = []


async def count_rows(table):
    timeline.append(f"{table} start")
    time.sleep(0.2)                        # a blocking call: the whole event loop stops here
    timeline.append(f"{table} end")
    return {"users": 3, "orders": 5}[table]


async def app(scope, receive, send):
    users, orders = await asyncio.gather(count_rows("users"), count_rows("orders"))
    print(", ".join(timeline))
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": f"users={users} orders={orders}".encode()})
