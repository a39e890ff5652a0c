async def app(scope, receive, send):
    q = str(scope["query_string"])   # the search words, from ?q=...
    host = "unknown"                 # the Host header, from scope["headers"]
    text = f"q={q}\nhost={host}\n"
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
    })
    await send({"type": "http.response.body", "body": text.encode("utf-8")})
