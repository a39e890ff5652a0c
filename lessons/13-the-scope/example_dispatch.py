async def app(scope, receive, send):
    if scope["type"] != "http":
        # Not a protocol this app speaks (a websocket, or the server's lifespan).
        raise RuntimeError(f"this app does not serve {scope['type']!r} connections")
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"An HTTP request\n"})
