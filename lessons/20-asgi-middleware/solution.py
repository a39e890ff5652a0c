async def site(scope, receive, send):
    """The inner app: two pages, and a lifespan that says when it starts and stops."""
    if scope["type"] == "lifespan":
        await receive()
        print("site: started")
        await send({"type": "lifespan.startup.complete"})
        await receive()
        print("site: stopped")
        await send({"type": "lifespan.shutdown.complete"})
        return
    text = "Home" if scope["path"] == "/" else "About us"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/html; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


def deny_framing(inner):
    async def middleware(scope, receive, send):
        if scope["type"] != "http":
            await inner(scope, receive, send)      # lifespan passes through untouched
            return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), [b"x-frame-options", b"DENY"]]
                message = {**message, "headers": headers}
            await send(message)

        await inner(scope, receive, send_wrapper)

    return middleware


app = deny_framing(site)
