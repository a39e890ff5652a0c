async def app(scope, receive, send):
    body = b""
    more_body = True
    while more_body:
        message = await receive()          # {"type": "http.request", ...}
        body += message.get("body", b"")
        more_body = message.get("more_body", False)

    text = f"{scope['method']} {scope['path']}: {len(body)} bytes"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
