def app(environ, start_response):
    body = b"Hello"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [body]
