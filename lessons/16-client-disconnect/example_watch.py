import asyncio


async def app(scope, receive, send):
    await receive()  # the request: http.request with an empty body
    gone = asyncio.Event()

    async def watch_for_disconnect():
        # After the body, receive() waits until the client goes away.
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()

    watcher = asyncio.create_task(watch_for_disconnect())
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/event-stream"]],
    })
    try:
        for tick in range(1, 11):
            if gone.is_set():
                print(f"client left after {tick - 1} ticks: stop the feed")
                return
            await send({
                "type": "http.response.body",
                "body": f"data: {tick}\n\n".encode("ascii"),
                "more_body": True,
            })
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
    finally:
        watcher.cancel()
