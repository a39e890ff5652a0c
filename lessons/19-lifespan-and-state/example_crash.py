async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()                            # lifespan.startup
        pool = open_pool()                         # raises: the database is down
        scope["state"]["pool"] = pool
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    pool = scope["state"]["pool"]
    await send({"type": "http.response.start", "status": 200,
                "headers": [[b"content-type", b"text/plain; charset=utf-8"]]})
    await send({"type": "http.response.body", "body": b"pool ready"})


def open_pool():
    raise ConnectionRefusedError("database at 10.0.0.5:5432 refused the connection")
