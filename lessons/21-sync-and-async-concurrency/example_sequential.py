import asyncio

timeline = []


async def count_rows(table):
    timeline.append(f"{table} start")
    await asyncio.sleep(0.2)               # waiting for the database; the loop is free meanwhile
    timeline.append(f"{table} end")
    return {"users": 3, "orders": 5}[table]


async def app(scope, receive, send):
    users = await count_rows("users")
    orders = await count_rows("orders")    # starts only when users is done
    print(", ".join(timeline))
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": f"users={users} orders={orders}".encode()})
