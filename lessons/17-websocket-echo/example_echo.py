async def app(scope, receive, send):
    if scope["type"] != "websocket":
        return
    message = await receive()                  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            break
        # A message carries exactly one of "text" and "bytes": echo whichever it is.
        await send({
            "type": "websocket.send",
            "text": message.get("text"),
            "bytes": message.get("bytes"),
        })
