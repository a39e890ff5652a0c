import asyncio


async def app(scope, receive, send):
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    for step in ("connecting", "downloading", "unpacking"):
        await asyncio.sleep(0.05)  # the work this step stands for
        await send({
            "type": "http.response.body",
            "body": f"{step}...\n".encode("ascii"),
            "more_body": True,  # more is coming: keep the response open
        })
    await send({"type": "http.response.body", "body": b"done\n"})  # more_body False: the end
