import asyncio


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/event-stream"]],
    })
    for tick in range(1, 21):
        try:
            await send({
                "type": "http.response.body",
                "body": f"data: {tick}\n\n".encode("ascii"),
                "more_body": True,
            })
        except OSError:
            # The client has gone: nothing more will reach it. Clean up and stop.
            print(f"client left after {tick - 1} ticks")
            return
        await asyncio.sleep(0.001)
    await send({"type": "http.response.body", "body": b""})
