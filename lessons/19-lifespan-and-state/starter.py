async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()                            # lifespan.startup
        scope["state"]["visits"] = 0
        await send({"type": "lifespan.startup.complete"})
        await receive()                            # lifespan.shutdown
        print(f"total visits: {scope['state']['visits']}")
        await send({"type": "lifespan.shutdown.complete"})
        return

    scope["state"]["visits"] += 1
    text = f"visit {scope['state']['visits']}"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
