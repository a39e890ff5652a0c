import asyncio


async def app(scope, receive, send):
    text = ""
    for n in (3, 2, 1):
        text += f"data: {n}\n\n"
        await asyncio.sleep(0.01)  # one second, in a real countdown
    text += "event: done\ndata: liftoff\n\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
