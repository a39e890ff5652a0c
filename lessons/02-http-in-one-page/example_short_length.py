def app(environ, start_response):
    body = b"Hello, HTTP!"
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "5"),  # but the body has 12 bytes
    ])
    return [body]
