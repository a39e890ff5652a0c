import json


async def app(scope, receive, send):
    message = await receive()       # only the first http.request
    order = json.loads(message["body"])
    text = f"{order['qty']} x {order['item']}\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
