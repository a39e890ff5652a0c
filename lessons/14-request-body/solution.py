import json


async def app(scope, receive, send):
    body = b""
    more_body = True
    while more_body:
        message = await receive()
        body += message.get("body", b"")
        more_body = message.get("more_body", False)
    data = json.loads(body or b"{}")
    total = sum(data.get("numbers", []))
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": f"sum={total}\n".encode("ascii")})
