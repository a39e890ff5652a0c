async def app(scope, receive, send):
    await receive()                                # websocket.connect
    await send({"type": "websocket.send", "text": "Welcome to the chat!"})
    await send({"type": "websocket.accept"})
