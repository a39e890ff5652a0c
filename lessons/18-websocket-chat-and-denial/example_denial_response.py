async def app(scope, receive, send):
    await receive()                                # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        # The server supports the denial response extension: answer with any HTTP response.
        await send({
            "type": "websocket.http.response.start",
            "status": 400,
            "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
        })
        await send({
            "type": "websocket.http.response.body",
            "body": b"Add ?name=... to join the chat.",
        })
    else:
        await send({"type": "websocket.close"})    # 403, the only refusal without it
