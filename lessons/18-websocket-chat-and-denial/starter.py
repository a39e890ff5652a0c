from urllib.parse import parse_qs

members = []   # the send callable of every connection in the room


async def broadcast(text):
    for member_send in members:
        await member_send({"type": "websocket.send", "text": text})


async def app(scope, receive, send):
    query = parse_qs(scope["query_string"].decode("latin-1"))
    name = query.get("name", [""])[0]
    await receive()                                # websocket.connect
    if not name:
        await send({"type": "websocket.close"})    # no name: refuse (HTTP 403)
        return
    await send({"type": "websocket.accept"})
    members.append(send)
    await broadcast(f"* {name} joined")
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            break
        await broadcast(f"{name}: {message.get('text')}")
