async def app(scope, receive, send):
    lines = [f"{key} = {scope[key]!r}" for key in (
        "type", "asgi", "http_version", "method", "scheme",
        "path", "raw_path", "query_string", "root_path",
        "client", "server",
    )]
    lines.append("headers:")
    lines += [f"  {name!r}: {value!r}" for name, value in scope["headers"]]
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": "\n".join(lines).encode("utf-8")})
