async def app(scope, receive, send):
    await receive()                                   # websocket.connect
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": "Welcome to the chat!"})
    while True:
        message = await receive()                     # the client's next message, whenever it comes
        if message["type"] == "websocket.disconnect":
            break
        await send({"type": "websocket.send", "text": "you said: " + message["text"]})
