import asyncio


async def app(scope, receive, send):
    await receive()                             # websocket.connect
    await send({"type": "websocket.accept"})
    for n in (1, 2, 3):
        await asyncio.sleep(0.01)               # the server decides when
        await send({"type": "websocket.send", "text": f"tick {n}"})
    await send({"type": "websocket.close", "code": 1000})
