import json


async def read_body(receive):
    """Concatenate http.request messages until more_body is False."""
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("the client left before sending the whole body")
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


async def app(scope, receive, send):
    order = json.loads(await read_body(receive))
    text = f"{order['qty']} x {order['item']}\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
