import asyncio


async def app(environ, start_response):
    await asyncio.sleep(0.01)  # "now my app is async"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Hello\n"]
