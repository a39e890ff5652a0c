def app(environ, start_response):
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Connection", "close"),  # hop-by-hop: the server's business
    ])
    return [b"Goodbye.\n"]
