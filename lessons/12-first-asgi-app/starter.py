async def app(scope, receive, send):
    # The path of the request is in scope["path"], e.g. "/ada".
    name = "world"
    text = "Hello, " + name + "!"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
