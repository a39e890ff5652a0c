from a2wsgi import ASGIMiddleware


async def hello(scope, receive, send):           # a plain ASGI app
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"Hello from ASGI, under WSGI"})


app = ASGIMiddleware(hello)                       # a WSGI app that runs hello on an event loop
