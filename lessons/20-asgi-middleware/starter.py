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
        # TODO: add the header x-frame-options: DENY to every HTTP response.
        await inner(scope, receive, send)

    return middleware


app = deny_framing(site)
