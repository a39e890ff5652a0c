async def app(scope, receive, send):
    headers = dict(scope["headers"])
    agent = headers["user-agent"]  # the keys are bytes: b"user-agent"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"You use " + agent})
