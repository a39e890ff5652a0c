async def app(scope, receive, send):
    message = await receive()                  # websocket.connect
    await send({"type": "websocket.close"})    # before accept: the handshake is refused
