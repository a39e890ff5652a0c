def app(environ, start_response):
    body = b"Moved to /new-page\n"
    start_response("301 Moved Permanently", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Location", "/new-page"),
    ])
    return [body]
