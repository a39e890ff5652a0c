async def hello(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"Hello from the inner app"})


def add_served_by(inner):
    async def middleware(scope, receive, send):
        if scope["type"] != "http":
            await inner(scope, receive, send)      # lifespan, websocket: not ours to change
            return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), [b"x-served-by", b"middleware"]]
                message = {**message, "headers": headers}   # a new dict; the app's stays as it was
            await send(message)

        await inner(scope, receive, send_wrapper)

    return middleware


app = add_served_by(hello)
