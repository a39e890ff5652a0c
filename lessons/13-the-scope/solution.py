from urllib.parse import parse_qs


async def app(scope, receive, send):
    # query_string is percent-encoded bytes; parse_qs decodes %XX as UTF-8 and + as a space.
    params = parse_qs(scope["query_string"].decode("latin-1"))
    q = params.get("q", [""])[0]
    host = "unknown"
    for name, value in scope["headers"]:
        if name.lower() == b"host":
            host = value.decode("latin-1")
    text = f"q={q}\nhost={host}\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
