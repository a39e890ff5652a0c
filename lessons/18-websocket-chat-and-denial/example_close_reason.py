async def app(scope, receive, send):
    await receive()                                # websocket.connect
    # Refuse with a close code and a reason, hoping the client will read them:
    await send({"type": "websocket.close", "code": 4001, "reason": "name required"})
