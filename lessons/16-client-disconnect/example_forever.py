import asyncio


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/event-stream"]],
    })
    tick = 0
    while True:
        tick += 1
        try:
            await send({
                "type": "http.response.body",
                "body": f"data: {tick}\n\n".encode("ascii"),
                "more_body": True,
            })
        except OSError:
            pass  # "a network hiccup": carry on
        await asyncio.sleep(0.1)
