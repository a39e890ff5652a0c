async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()                            # lifespan.startup
        # One dict, created once: every request's copy of the state points at it.
        scope["state"]["counter"] = {"visits": 0}
        await send({"type": "lifespan.startup.complete"})
        await receive()                            # lifespan.shutdown
        print(f"total visits: {scope['state']['counter']['visits']}")
        await send({"type": "lifespan.shutdown.complete"})
        return

    counter = scope["state"]["counter"]
    counter["visits"] += 1
    text = f"visit {counter['visits']}"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
