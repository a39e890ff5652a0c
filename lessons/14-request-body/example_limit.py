MAX_BODY = 16  # bytes; a real limit would be a few megabytes


async def app(scope, receive, send):
    size = 0
    more_body = True
    while more_body:
        message = await receive()
        size += len(message.get("body", b""))
        more_body = message.get("more_body", False)
        if size > MAX_BODY:
            # Stop reading: answer now instead of buffering the rest.
            await respond(send, 413, b"Payload Too Large\n")
            return
    await respond(send, 200, f"Got {size} bytes\n".encode("ascii"))


async def respond(send, status, body):
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": body})
