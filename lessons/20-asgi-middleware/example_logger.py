async def echo(scope, receive, send):
    body = b""
    more_body = True
    while more_body:
        message = await receive()
        body += message.get("body", b"")
        more_body = message.get("more_body", False)
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": body})


class MessageLogger:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def logged_receive():
            message = await receive()
            print("server -> app:", message["type"], message.get("body", b""))
            return message

        async def logged_send(message):
            print("app -> server:", message["type"], message.get("body", b""))
            await send(message)

        await self.app(scope, logged_receive, logged_send)


app = MessageLogger(echo)
