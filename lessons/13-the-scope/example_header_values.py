def header_values(scope, name):
    """Every value of one request header, decoded (header bytes are latin-1)."""
    wanted = name.lower().encode("latin-1")
    return [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == wanted]


async def app(scope, receive, send):
    agent = header_values(scope, "User-Agent")
    languages = header_values(scope, "Accept-Language")
    text = f"user-agent: {agent}\naccept-language: {languages}\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
