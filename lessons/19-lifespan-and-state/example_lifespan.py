async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()                            # lifespan.startup
        print("startup: opening the connection pool")
        scope["state"]["pool"] = {"connections": 3}
        await send({"type": "lifespan.startup.complete"})
        await receive()                            # lifespan.shutdown
        print("shutdown: closing the pool")
        await send({"type": "lifespan.shutdown.complete"})
        return
    pool = scope["state"]["pool"]
    text = f"{scope['path']}: {pool['connections']} connections in the pool"
    await send({"type": "http.response.start", "status": 200,
                "headers": [[b"content-type", b"text/plain; charset=utf-8"]]})
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
