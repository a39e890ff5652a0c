import asyncio


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/event-stream"]],
    })
    try:
        for tick in range(1, 11):
            await send({
                "type": "http.response.body",
                "body": f"data: {tick}\n\n".encode("ascii"),
                "more_body": True,
            })
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
    finally:
        # Runs on the way out, also when send() raised because the client left.
        print("feed closed")
