import asyncio


async def app(scope, receive, send):
    await asyncio.sleep(0.1)
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    send({"type": "http.response.body", "body": b"done"})   # no await: nothing is sent
