from a2wsgi import WSGIMiddleware


async def api(scope, receive, send):
    """The new part of the site, written for ASGI."""
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": b"Hello from the new ASGI app"})


def legacy(environ, start_response):
    """The old site, a WSGI app nobody wants to rewrite."""
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Hello from the old WSGI app"]


legacy_asgi = WSGIMiddleware(legacy)              # the bridge: an ASGI app around legacy


async def app(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith("/api/"):
        await api(scope, receive, send)
    else:
        await legacy_asgi(scope, receive, send)
