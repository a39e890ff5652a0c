from urllib.parse import parse_qs

history = []   # the room's messages; module level, so every connection shares it


async def app(scope, receive, send):
    query = parse_qs(scope["query_string"].decode("latin-1"))
    name = query.get("name", [""])[0]
    await receive()                                # websocket.connect
    if not name:
        await send({"type": "websocket.close"})    # no name: refuse (HTTP 403)
        return
    await send({"type": "websocket.accept"})
    for line in history[-10:]:                     # catch up on the last ten messages
        await send({"type": "websocket.send", "text": line})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            break
        line = f"{name}: {message.get('text')}"
        history.append(line)
        await send({"type": "websocket.send", "text": line})
