import asyncio


def sse(data, event=None, id=None):
    """One server-sent event: 'field: value' lines, then a blank line."""
    lines = []
    if event is not None:
        lines.append(f"event: {event}")
    if id is not None:
        lines.append(f"id: {id}")
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [
            [b"content-type", b"text/event-stream"],
            [b"cache-control", b"no-cache"],
        ],
    })
    for n, price in enumerate(["101.5", "101.7", "101.2"], start=1):
        await send({
            "type": "http.response.body",
            "body": sse(price, event="price", id=n),
            "more_body": True,
        })
        await asyncio.sleep(0.05)
    await send({"type": "http.response.body", "body": sse("market closed", event="close")})
