from a2wsgi import ASGIMiddleware


async def hello(scope, receive, send):           # an ASGI app that relies on lifespan
    if scope["type"] == "lifespan":
        await receive()                           # lifespan.startup
        scope["state"]["greeting"] = "Hello from the pool"
        await send({"type": "lifespan.startup.complete"})
        await receive()                           # lifespan.shutdown
        await send({"type": "lifespan.shutdown.complete"})
        return
    text = scope["state"]["greeting"]             # prepared at startup... if startup ran
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


app = ASGIMiddleware(hello)                       # a WSGI app: no lifespan, ever
