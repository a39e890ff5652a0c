import json


async def app(scope, receive, send):
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
