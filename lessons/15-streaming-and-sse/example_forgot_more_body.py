async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"part 1\n"})  # no more_body
    await send({"type": "http.response.body", "body": b"part 2\n"})
