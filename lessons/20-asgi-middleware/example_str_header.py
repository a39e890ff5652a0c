async def hello(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"Hello from the inner app"})


def add_served_by(inner):
    async def middleware(scope, receive, send):
        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                message["headers"].append(("X-Served-By", "middleware"))  # str, as in WSGI
            await send(message)

        await inner(scope, receive, send_wrapper)

    return middleware


app = add_served_by(hello)
