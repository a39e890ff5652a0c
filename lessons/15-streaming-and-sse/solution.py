import asyncio


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [
            [b"content-type", b"text/event-stream"],
            [b"cache-control", b"no-cache"],
        ],
    })
    for n in (3, 2, 1):
        await send({
            "type": "http.response.body",
            "body": f"data: {n}\n\n".encode("utf-8"),
            "more_body": True,
        })
        await asyncio.sleep(0.01)  # one second, in a real countdown
    await send({"type": "http.response.body", "body": b"event: done\ndata: liftoff\n\n"})
