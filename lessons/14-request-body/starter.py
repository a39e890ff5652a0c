import json


async def app(scope, receive, send):
    message = await receive()
    data = json.loads(message["body"] or b"{}")
    total = sum(data.get("numbers", []))
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": f"sum={total}\n".encode("ascii")})
