async def app(scope, receive, send):
    await receive()                            # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            break
        text = message.get("text") or ""
        await send({"type": "websocket.send", "text": text})
