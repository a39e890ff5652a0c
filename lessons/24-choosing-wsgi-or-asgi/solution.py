import json


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()                          # lifespan.startup: nothing to prepare
        await send({"type": "lifespan.startup.complete"})
        await receive()                          # lifespan.shutdown: nothing to clean up
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] != "http":
        raise RuntimeError(f"unsupported scope type {scope['type']!r}")
    body = json.dumps({"status": "ok"}).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [
            [b"content-type", b"application/json"],
            [b"content-length", str(len(body)).encode("latin-1")],
        ],
    })
    await send({"type": "http.response.body", "body": body})
